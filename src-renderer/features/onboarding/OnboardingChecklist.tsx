import { Alert, Badge, Skeleton, Stepper, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconCheck } from '@tabler/icons-react';
import { ONBOARDING_MILESTONES, type OnboardingMilestone } from '../../../src-shared/contract/onboarding-models';
import type { TenantDetail } from '../../../src-shared/contract/models';
import { api } from '../../api/client';
import { formatDateTime } from '../../lib/format';
import { useQuery } from '../../lib/use-query';
import { DetailSection } from '../tenants/detail/DetailSection';
import { MILESTONE_LABELS, STAGE_LABELS } from '../tenants/onboarding-labels';

/** Step titles short enough for five across the drawer; the tooltip and the section title say the rest. */
const SHORT_LABELS: Readonly<Record<OnboardingMilestone, string>> = {
  welcome: 'Welcome',
  sign_in: 'Sign-in',
  company: 'Company',
  transaction: 'Transaction',
  payment_method: 'Payment',
};

// Five steps across the drawer: the day without the year (the full time is in the step's label for screen readers).
const monthDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const shortDay = (iso: string) => monthDay.format(new Date(iso));

/**
 * The tenant drawer's onboarding checklist (Overview tab): welcome sent → first sign-in →
 * first company → first transaction → payment method, each with the day it was first seen,
 * and a stalled trial called out with its reminder.
 */
export function OnboardingChecklist({ tenant }: { tenant: TenantDetail }) {
  const onboarding = useQuery(() => api().call('onboarding:get', { ref: tenant.tenantCode }), [tenant.tenantCode, tenant.version]);
  const value = onboarding.value;
  if (!value) {
    return (
      <DetailSection title="Onboarding" testId="onboarding-checklist">
        {onboarding.error ? (
          <Text size="sm" c="dimmed" data-testid="onboarding-unavailable">
            The checklist needs the platform database: {onboarding.error}
          </Text>
        ) : (
          <Skeleton h={64} />
        )}
      </DetailSection>
    );
  }
  const reached = ONBOARDING_MILESTONES.filter((milestone) => value.milestones[milestone] !== null).length;
  // The Stepper's active step is the tenant's next one (all done: past the last).
  const active = value.stage === 'done' ? ONBOARDING_MILESTONES.length : ONBOARDING_MILESTONES.indexOf(value.stage);

  return (
    <DetailSection
      title="Onboarding"
      testId="onboarding-checklist"
      aside={
        <Badge variant="light" color={value.stage === 'done' ? 'teal' : value.stalled ? 'red' : 'blue'} tt="none" data-testid="onboarding-stage">
          {reached} of {ONBOARDING_MILESTONES.length} · {STAGE_LABELS[value.stage]}
        </Badge>
      }
    >
      <div data-testid="tenant-onboarding" data-stage={value.stage} data-stalled={value.stalled}>
        {value.stalled && (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="Stalled trial" mb="md" data-testid="onboarding-stalled">
            Nobody has signed in yet, {value.stalledDays}+ days after the sign-up.{' '}
            {value.nudgedAt ? `A reminder was e-mailed on ${formatDateTime(value.nudgedAt)}.` : 'The onboarding job e-mails one reminder at its next run.'}
          </Alert>
        )}
        <Stepper active={active} size="xs" iconSize={24} color="teal" wrap={false} completedIcon={<IconCheck size={14} stroke={2.4} />} allowNextStepsSelect={false}>
          {ONBOARDING_MILESTONES.map((milestone) => {
            const at = value.milestones[milestone];
            return (
              <Stepper.Step
                key={milestone}
                data-testid={`onboarding-step-${milestone}`}
                data-reached={at !== null}
                label={
                  <Tooltip label={MILESTONE_LABELS[milestone]} withArrow>
                    <span>{SHORT_LABELS[milestone]}</span>
                  </Tooltip>
                }
                description={at !== null ? shortDay(at) : milestone === value.stage ? 'next' : '—'}
                aria-label={`${MILESTONE_LABELS[milestone]}: ${at !== null ? formatDateTime(at) : 'not yet'}`}
              />
            );
          })}
        </Stepper>
        <Text size="xs" c="dimmed" mt="sm" data-testid="onboarding-signup">
          {value.signup ? `Self-service sign-up on ${formatDateTime(value.signup.createdAt)}.` : 'Created by an operator (no self-service sign-up).'}
          {' '}Sign-in, company and transaction come from the usage collection.
        </Text>
      </div>
    </DetailSection>
  );
}
