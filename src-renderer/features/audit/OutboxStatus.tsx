import { Group, Text, Tooltip } from '@mantine/core';
import { IconCloudUpload } from '@tabler/icons-react';
import { formatCount, formatRelative } from '../../lib/format';
import { useAuditStore } from '../../store/audit-store';

/** How many of this console's events still wait to reach the platform, and when the last push was. */
export function OutboxStatus() {
  const outbox = useAuditStore((state) => state.outbox);
  if (!outbox) return null;
  const pending = outbox.outboxDepth;
  return (
    <Tooltip label={outbox.lastError ? `Last push failed: ${outbox.lastError}` : 'Events are kept locally first, then sent to the platform database exactly once.'} multiline w={300} withArrow>
      <Group gap={6} wrap="nowrap" data-testid="audit-outbox" data-pending={pending}>
        <IconCloudUpload size={16} stroke={1.6} color={pending > 0 ? 'var(--mantine-color-orange-6)' : 'var(--mantine-color-teal-6)'} />
        <Text size="sm" c={pending > 0 ? undefined : 'dimmed'}>
          {pending > 0 ? `${formatCount(pending)} event${pending === 1 ? '' : 's'} waiting to be sent` : 'All events sent'}
          {' · '}last push {outbox.lastPushAt ? formatRelative(outbox.lastPushAt) : 'never'}
        </Text>
      </Group>
    </Tooltip>
  );
}
