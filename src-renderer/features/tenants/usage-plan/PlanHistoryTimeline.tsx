import { Text, Timeline } from '@mantine/core';
import { IconArrowRight, IconBolt } from '@tabler/icons-react';
import type { PlanHistoryEntry } from '../../../../src-shared/contract/plan-models';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { planByCode, useReferenceStore } from '../../../store/reference-store';

/** Every plan change, newest first: from → to, who, why, and whether it was forced. */
export function PlanHistoryTimeline({ entries }: { entries: readonly PlanHistoryEntry[] }) {
  const plans = useReferenceStore((state) => state.plans);
  const name = (code: string) => planByCode(plans, code)?.name ?? code;
  if (entries.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="plan-history-empty">
        The tenant has stayed on the plan it was created with.
      </Text>
    );
  }
  return (
    <Timeline bulletSize={22} lineWidth={2} active={entries.length - 1} data-testid="plan-history">
      {entries.map((entry, index) => (
        <Timeline.Item
          key={`${entry.changedAt}-${index}`}
          bullet={entry.forced ? <IconBolt size={12} /> : <IconArrowRight size={12} />}
          color={entry.forced ? 'orange' : undefined}
          title={
            <Text size="sm" fw={600}>
              {name(entry.from.code)} v{entry.from.version} → {name(entry.to.code)} v{entry.to.version}
              {entry.forced ? ' (forced)' : ''}
            </Text>
          }
          data-testid="plan-history-entry"
        >
          {entry.reason && (
            <Text size="sm" c="dimmed">
              {entry.reason}
            </Text>
          )}
          <Text size="xs" c="dimmed" mt={2} title={formatDateTime(entry.changedAt)}>
            {entry.changedBy} · {formatRelative(entry.changedAt)}
          </Text>
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
