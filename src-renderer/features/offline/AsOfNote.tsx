import { Badge, Tooltip } from '@mantine/core';
import { IconHistory } from '@tabler/icons-react';
import type { SnapshotMark } from '../../../src-shared/contract/offline-models';
import { formatDateTime, formatRelative } from '../../lib/format';

/** "As of <time>" on a view answered from a snapshot; nothing on live answers. */
export function AsOfNote({ snapshot, testId }: { snapshot: SnapshotMark | null | undefined; testId: string }) {
  if (!snapshot) return null;
  const where = snapshot.source === 'imported' ? `an imported snapshot from ${snapshot.consoleLabel}` : "this console's saved snapshot";
  return (
    <Tooltip label={`Shown from ${where}, saved ${formatRelative(snapshot.asOf)}.`} withArrow multiline w={260}>
      <Badge variant="light" color={snapshot.source === 'imported' ? 'violet' : 'yellow'} radius="sm" tt="none" fw={500} leftSection={<IconHistory size={12} />} data-testid={testId}>
        As of {formatDateTime(snapshot.asOf)}
      </Badge>
    </Tooltip>
  );
}
