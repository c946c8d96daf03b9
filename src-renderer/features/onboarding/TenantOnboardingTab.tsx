import { Alert, Badge, Group, Skeleton, Stack, Text, ThemeIcon, Timeline } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconClock, IconMailForward } from '@tabler/icons-react';
import { ONBOARDING_MILESTONES } from '../../../src-shared/contract/onboarding-models';
import type { TenantDetail } from '../../../src-shared/contract/models';
import { api } from '../../api/client';
import { LoadErrorAlert } from '../../components/LoadErrorAlert';
import { formatDateTime } from '../../lib/format';
import { useQuery } from '../../lib/use-query';
import { DetailSection } from '../tenants/detail/DetailSection';
import { MILESTONE_LABELS, STAGE_LABELS } from '../tenants/onboarding-labels';

/**
 * The drawer's Onboarding tab: the checklist in order (welcome sent → first sign-in → first
 * company → first transaction → payment method), each step with when it was first seen,
 * and whether the trial is stalled (and nudged).
 */
export function TenantOnboardingTab({ tenant }: { tenant: TenantDetail }) {
  const onboarding = useQuery(() => api().call('onboarding:get', { ref: tenant.tenantCode }), [tenant.tenantCode, tenant.version]);
  const value = onboarding.value;

  if (onboarding.error && !value) {
    return <LoadErrorAlert title="Onboarding could not be loaded" message={onboarding.error} onRetry={onboarding.reload} data-testid="tenant-onboarding-error" />;
  }
  if (!value) return <Skeleton h={260} radius="md" data-testid="tenant-onboarding-loading" />;

  const reached = ONBOARDING_MILESTONES.filter((milestone) => value.milestones[milestone] !== null).length;
  // Timeline's `active` is the index of the last reached item: the line is coloured up to it.
  const lastReached = ONBOARDING_MILESTONES.reduce((last, milestone, index) => (value.milestones[milestone] !== null ? index : last), -1);

  return (
    <Stack gap="lg" data-testid="tenant-onboarding" data-stage={value.stage} data-stalled={value.stalled}>
      {value.stalled && (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="Stalled trial" data-testid="onboarding-stalled">
          Nobody has signed in for more than {value.stalledDays} days.{' '}
          {value.nudgedAt ? `A reminder was e-mailed on ${formatDateTime(value.nudgedAt)}.` : 'The onboarding job e-mails one reminder at its next run.'}
        </Alert>
      )}
      <DetailSection
        title="Onboarding checklist"
        testId="onboarding-checklist"
        aside={
          <Badge variant="light" color={value.stage === 'done' ? 'teal' : 'blue'} tt="none" data-testid="onboarding-stage">
            {reached} of {ONBOARDING_MILESTONES.length} · {STAGE_LABELS[value.stage]}
          </Badge>
        }
      >
        <Timeline active={lastReached} bulletSize={26} lineWidth={2} color="teal" mt="xs">
          {ONBOARDING_MILESTONES.map((milestone) => {
            const at = value.milestones[milestone];
            const next = milestone === value.stage;
            return (
              <Timeline.Item
                key={milestone}
                data-testid={`onboarding-step-${milestone}`}
                data-reached={at !== null}
                bullet={
                  at !== null ? (
                    <ThemeIcon size={26} radius="xl" color="teal">
                      <IconCheck size={15} stroke={2.2} />
                    </ThemeIcon>
                  ) : (
                    <ThemeIcon size={26} radius="xl" variant="light" color={next ? 'blue' : 'gray'}>
                      <IconClock size={15} stroke={1.8} />
                    </ThemeIcon>
                  )
                }
                title={
                  <Text fw={next || at !== null ? 600 : 400} c={at === null && !next ? 'dimmed' : undefined}>
                    {MILESTONE_LABELS[milestone]}
                  </Text>
                }
              >
                <Text size="sm" c="dimmed">
                  {at !== null ? formatDateTime(at) : next ? 'Next step' : 'Not yet'}
                </Text>
              </Timeline.Item>
            );
          })}
        </Timeline>
      </DetailSection>
      <DetailSection title="Sign-up" testId="onboarding-signup">
        {value.signup ? (
          <Group gap="sm">
            <ThemeIcon variant="light" color="blue" radius="xl">
              <IconMailForward size={16} />
            </ThemeIcon>
            <Text size="sm">
              Self-service sign-up on {formatDateTime(value.signup.createdAt)} ({value.signup.status}).
            </Text>
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            Created by an operator (no self-service sign-up).
          </Text>
        )}
      </DetailSection>
    </Stack>
  );
}
