import { Box, Group, Loader, Progress, SimpleGrid, Stack, Text, ThemeIcon, Timeline } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import type { EventPayload } from '../../../../src-shared/contract/events';

export type ProgressEvent = EventPayload<'job:progress'>;

// The core reports a step once it is done, numbering steps from 1 (stepIndex of stepCount).

/** Share of the work done. */
function progressPercent(latest: ProgressEvent | undefined, finished: boolean): number {
  if (finished) return 100;
  if (!latest || latest.stepCount <= 0) return 3;
  return Math.max(3, Math.min(100, Math.round((latest.stepIndex / latest.stepCount) * 100)));
}

function stepLabel(event: ProgressEvent): string {
  return `${Math.min(event.stepIndex, event.stepCount)} of ${event.stepCount} steps done`;
}

/** Distinct steps in order of arrival (a step may report more than once). */
export function distinctSteps(events: readonly ProgressEvent[]): ProgressEvent[] {
  const byStep = new Map<string, ProgressEvent>();
  for (const event of events) byStep.set(event.step, event);
  return [...byStep.values()];
}

export function ProvisioningView({ companyName, events }: { companyName: string; events: readonly ProgressEvent[] }) {
  const latest = events.at(-1);
  const steps = distinctSteps(events);
  return (
    <Stack gap="lg" data-testid="provisioning" aria-live="polite">
      <Group gap="sm" wrap="nowrap">
        <Loader size="sm" />
        <Box>
          <Text fw={600}>Provisioning {companyName}</Text>
          <Text size="sm" c="dimmed">
            Creating its database and login. This takes a few seconds; keep this window open.
          </Text>
        </Box>
      </Group>
      <Box>
        <Group justify="space-between" mb={6}>
          <Text size="sm" fw={500} data-testid="provisioning-message">
            {latest?.message ?? 'Starting…'}
          </Text>
          {latest && (
            <Text size="xs" c="dimmed" data-testid="provisioning-step">
              {stepLabel(latest)}
            </Text>
          )}
        </Group>
        <Progress
          value={progressPercent(latest, false)}
          size="lg"
          radius="xl"
          striped
          animated
          aria-label="Provisioning progress"
          data-testid="provisioning-progress"
        />
      </Box>
      {steps.length > 0 && <StepList steps={steps} />}
    </Stack>
  );
}

function isComplete(steps: readonly ProgressEvent[]): boolean {
  return steps.some((step) => step.stepIndex >= step.stepCount);
}

/** The steps done so far, each with a check; `compact` lays them out in two columns. */
export function StepList({ steps, compact = false }: { steps: readonly ProgressEvent[]; compact?: boolean }) {
  if (compact) {
    return (
      <SimpleGrid cols={2} spacing={4} verticalSpacing={4} data-testid="provisioning-steps" data-complete={isComplete(steps)}>
        {steps.map((step, index) => (
          <Group key={step.step} gap={6} wrap="nowrap" data-testid="provisioning-step-item" data-step={index + 1}>
            <IconCheck size={14} stroke={2.5} color="var(--mantine-color-teal-filled)" />
            <Text size="xs" c="dimmed" truncate>
              {step.message}
            </Text>
          </Group>
        ))}
      </SimpleGrid>
    );
  }
  const active = steps.length - 1;
  return (
    <Timeline
      active={active}
      bulletSize={20}
      lineWidth={2}
      data-testid="provisioning-steps"
      data-complete={isComplete(steps)}
    >
      {steps.map((step, index) => (
        <Timeline.Item
          key={step.step}
          data-step={index + 1}
          bullet={
            <ThemeIcon size={20} radius="xl" color="teal">
              <IconCheck size={12} stroke={3} />
            </ThemeIcon>
          }
          title={<Text size="sm">{step.message}</Text>}
          data-testid="provisioning-step-item"
        />
      ))}
    </Timeline>
  );
}
