import { Box, Group, Loader, Progress, Stack, Text, ThemeIcon, Timeline } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import type { EventPayload } from '../../../../src-shared/contract';

export type ProgressEvent = EventPayload<'job:progress'>;

/** job:progress numbers steps from this value (see the core's job runner). */
const STEP_INDEX_BASE = 0;

/** 1-based number of the step an event reports. */
export function stepNumber(event: ProgressEvent): number {
  return Math.min(Math.max(event.stepIndex - STEP_INDEX_BASE + 1, 1), Math.max(event.stepCount, 1));
}

/** Share of the work done: the reported step counts as half done while it runs. */
export function progressPercent(latest: ProgressEvent | undefined, finished: boolean): number {
  if (finished) return 100;
  if (!latest || latest.stepCount <= 0) return 3;
  return Math.max(3, Math.round(((stepNumber(latest) - 0.5) / latest.stepCount) * 100));
}

export function stepLabel(event: ProgressEvent): string {
  return `Step ${stepNumber(event)} of ${event.stepCount}`;
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
      {steps.length > 0 && <StepList steps={steps} finished={false} />}
    </Stack>
  );
}

export function StepList({ steps, finished }: { steps: readonly ProgressEvent[]; finished: boolean }) {
  const active = finished ? steps.length : steps.length - 1;
  return (
    <Timeline active={active} bulletSize={20} lineWidth={2} data-testid="provisioning-steps">
      {steps.map((step, index) => (
        <Timeline.Item
          key={step.step}
          bullet={
            index < active ? (
              <ThemeIcon size={20} radius="xl" color="teal">
                <IconCheck size={12} stroke={3} />
              </ThemeIcon>
            ) : (
              <Loader size={10} color="white" />
            )
          }
          title={<Text size="sm">{step.message}</Text>}
          data-testid="provisioning-step-item"
        />
      ))}
    </Timeline>
  );
}
