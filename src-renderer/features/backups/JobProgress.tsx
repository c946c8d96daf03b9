import { Button, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import { formatBytes } from '../../lib/format';
import type { JobHandle } from '../../lib/use-job';

/**
 * A running job: what it does now, tables done of the total and bytes so far, and Cancel.
 * Before the first table the bar is striped and animated (the total is not known yet).
 */
export function JobProgress({ job, label, cancellable = true }: { job: JobHandle; label: string; cancellable?: boolean }) {
  const { progress } = job;
  const total = progress?.tablesTotal ?? 0;
  const done = progress?.tablesDone ?? 0;
  const known = total > 0;
  const value = known ? Math.min(100, Math.round((done / total) * 100)) : 100;
  return (
    <Paper withBorder radius="md" p="sm" data-testid="job-progress" data-step={progress?.step ?? 'starting'}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Text size="sm" fw={600}>
            {label}
          </Text>
          <Text size="xs" c="dimmed" ff="monospace" data-testid="job-progress-counts">
            {known ? `${done}/${total} tables` : ''}
            {progress?.bytesDone ? `${known ? ' · ' : ''}${formatBytes(progress.bytesDone)}` : ''}
          </Text>
        </Group>
        <Progress value={value} striped={!known} animated={job.running && !known} size="md" aria-label={label} />
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Text size="xs" c="dimmed" lineClamp={2} data-testid="job-progress-message">
            {progress?.message ?? 'Starting…'}
          </Text>
          {cancellable && job.running && progress?.step !== 'done' && (
            <Button
              size="compact-xs"
              variant="subtle"
              color="red"
              leftSection={<IconX size={12} />}
              loading={job.cancelling}
              onClick={job.cancel}
              data-testid="job-cancel"
            >
              Cancel
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}
