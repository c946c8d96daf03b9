import { Alert, Badge, Group, List, Progress, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { UsageRunSummary } from '../../../src-shared/contract/usage-models';
import { formatCount, formatDateTime, formatRelative } from '../../lib/format';
import type { CollectProgress } from '../../store/usage-store';

const TRIGGER_LABELS: Readonly<Record<UsageRunSummary['trigger'], string>> = {
  manual: 'on demand',
  schedule: 'scheduled',
  cli: 'tenantctl',
};

const MAX_FAILURES_SHOWN = 8;

/** The latest collection run: when, how, what was read, carried over or failed (and why). */
export function LastRunCard({ run }: { run: UsageRunSummary | null }) {
  if (!run) {
    return (
      <Text size="sm" c="dimmed" data-testid="last-run-none">
        No collection has run yet.
      </Text>
    );
  }
  const duration = run.durationMs === null ? null : `${(run.durationMs / 1000).toFixed(1)} s`;
  return (
    <Stack gap="sm" data-testid="last-run">
      <Group gap="xs">
        <Badge variant="light" color={run.state === 'done' ? (run.failed > 0 ? 'yellow' : 'teal') : run.state === 'failed' ? 'red' : 'blue'} tt="none">
          {run.state === 'done' ? (run.failed > 0 ? 'Done with failures' : 'Done') : run.state === 'failed' ? 'Failed' : 'Running'}
        </Badge>
        <Text size="sm" title={formatDateTime(run.finishedAt ?? run.startedAt)}>
          {formatRelative(run.finishedAt ?? run.startedAt)}
        </Text>
        <Text size="xs" c="dimmed">
          {TRIGGER_LABELS[run.trigger]} by {run.startedBy}
          {duration ? ` · ${duration}` : ''}
        </Text>
      </Group>
      <SimpleGrid cols={3} spacing="xs">
        <Figure label="Read" value={run.read} testId="last-run-read" />
        <Figure label="Carried over" value={run.carriedOver} hint="idle since last run" testId="last-run-carried" />
        <Figure label="Failed" value={run.failed} color={run.failed > 0 ? 'red' : undefined} testId="last-run-failed" />
      </SimpleGrid>
      {run.error && (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={16} />} p="xs">
          <Text size="sm">{run.error}</Text>
        </Alert>
      )}
      {run.failures.length > 0 && (
        <List size="sm" spacing={4} data-testid="last-run-failures">
          {run.failures.slice(0, MAX_FAILURES_SHOWN).map((failure) => (
            <List.Item key={failure.tenantCode}>
              <Text span ff="monospace" size="sm" fw={600}>
                {failure.tenantCode}
              </Text>
              <Text span size="sm" c="dimmed">
                {' '}
                — {failure.message}
              </Text>
            </List.Item>
          ))}
          {run.failures.length > MAX_FAILURES_SHOWN && (
            <List.Item>
              <Text size="sm" c="dimmed">
                and {formatCount(run.failures.length - MAX_FAILURES_SHOWN)} more
              </Text>
            </List.Item>
          )}
        </List>
      )}
    </Stack>
  );
}

function Figure({ label, value, hint, color, testId }: { label: string; value: number; hint?: string; color?: string; testId: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="lg" c={color} className="tabular" data-testid={testId}>
        {formatCount(value)}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed" lh={1.2} style={{ whiteSpace: 'nowrap' }}>
          {hint}
        </Text>
      )}
    </div>
  );
}

/** The running collection's progress: databases done of all, from job:progress. */
export function CollectProgressBar({ progress }: { progress: CollectProgress }) {
  const percent = progress.total > 0 ? Math.max(3, Math.round((progress.done / progress.total) * 100)) : 3;
  return (
    <Stack gap={6} data-testid="collect-progress" aria-live="polite">
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          {progress.message}
        </Text>
        {progress.total > 0 && (
          <Text size="xs" c="dimmed" className="tabular" data-testid="collect-progress-count">
            {formatCount(progress.done)} of {formatCount(progress.total)} databases
          </Text>
        )}
      </Group>
      <Progress value={percent} size="lg" radius="xl" striped animated aria-label="Usage collection progress" />
    </Stack>
  );
}
