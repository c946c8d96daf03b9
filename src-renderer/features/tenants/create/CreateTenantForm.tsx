import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Button, Group, Loader, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertCircle, IconCircleCheck } from '@tabler/icons-react';
import { subdomainProblem } from '../../../../src-shared/domain/subdomain';
import { companyNameProblem, emailProblem } from '../../../../src-shared/domain/tenant-fields';
import type { Plan } from '../../../../src-shared/contract/models';
import { formatLimitOf, formatPrice } from '../../../lib/format';
import { planByCode, useReferenceStore } from '../../../store/reference-store';
import { suggestSubdomain } from './slug';
import { useSubdomainAvailability, type Availability } from './useSubdomainAvailability';

export interface CreateTenantValues {
  readonly companyName: string;
  readonly subdomain: string;
  readonly plan: string;
  readonly adminEmail: string;
}

type Field = keyof CreateTenantValues;

export const EMPTY_VALUES: CreateTenantValues = { companyName: '', subdomain: '', plan: '', adminEmail: '' };

/** The same rules main applies (src-shared/domain), so the operator learns of a problem while typing. */
function problems(values: CreateTenantValues, plans: readonly Plan[]): Record<Field, string | null> {
  return {
    companyName: companyNameProblem(values.companyName),
    subdomain: subdomainProblem(values.subdomain),
    plan: values.plan === '' ? 'Choose a plan.' : planByCode(plans, values.plan) ? null : 'Choose one of the plans.',
    adminEmail: emailProblem(values.adminEmail),
  };
}

interface CreateTenantFormProps {
  readonly initialValues: CreateTenantValues;
  /** Why main refused the last attempt, shown above the fields. */
  readonly submitError: string | null;
  readonly onSubmit: (values: CreateTenantValues) => void;
  readonly onCancel: () => void;
}

export function CreateTenantForm({ initialValues, submitError, onSubmit, onCancel }: CreateTenantFormProps) {
  const plans = useReferenceStore((state) => state.plans);
  const baseDomain = useReferenceStore((state) => state.settings?.baseDomain ?? '');
  const [values, setValues] = useState<CreateTenantValues>(() => ({
    ...initialValues,
    plan: initialValues.plan || plans[0]?.code || '',
  }));
  // A field shows its problem once typed into (while typing) or left, and every field on submit.
  const [touched, setTouched] = useState<Partial<Record<Field, boolean>>>({});
  const [subdomainEdited, setSubdomainEdited] = useState(initialValues.subdomain !== '');
  const [submitted, setSubmitted] = useState(false);
  const availability = useSubdomainAvailability(values.subdomain);
  const defaultPlan = plans[0]?.code;
  useEffect(() => {
    // Plans may arrive after the form opened.
    if (defaultPlan) setValues((current) => (current.plan ? current : { ...current, plan: defaultPlan }));
  }, [defaultPlan]);

  const found = problems(values, plans);
  const shown = (field: Field) => (submitted || touched[field] ? found[field] : null);
  const touch = (field: Field) => setTouched((current) => ({ ...current, [field]: true }));

  const setField = (field: Field, value: string) => {
    setValues((current) => {
      const next = { ...current, [field]: value };
      if (field === 'companyName' && !subdomainEdited) next.subdomain = suggestSubdomain(value);
      return next;
    });
    // Empty-field messages wait for blur; anything typed is checked at once.
    if (value.trim() !== '') touch(field);
  };

  const taken = availability.state === 'taken' ? availability.problem : null;
  const subdomainError = shown('subdomain') ?? taken;

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (Object.values(found).some((problem) => problem !== null) || taken) return;
    onSubmit({
      companyName: values.companyName.trim(),
      subdomain: values.subdomain.trim().toLowerCase(),
      plan: values.plan,
      adminEmail: values.adminEmail.trim(),
    });
  };

  const selectedPlan = planByCode(plans, values.plan);
  const suffix = baseDomain ? `.${baseDomain}` : '';

  return (
    <form onSubmit={handleSubmit} noValidate data-testid="create-tenant-form">
      <Stack gap="md">
        {submitError && (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title="The tenant was not created" data-testid="create-error">
            {submitError}
          </Alert>
        )}
        <TextInput
          label="Company name"
          placeholder="Acme Manufacturing Ltd"
          withAsterisk
          data-autofocus
          value={values.companyName}
          onChange={(event) => setField('companyName', event.currentTarget.value)}
          onBlur={() => touch('companyName')}
          error={shown('companyName')}
          data-testid="create-company"
          maxLength={220}
        />
        <TextInput
          label="Subdomain"
          description="Lowercase letters, digits and hyphens; the tenant's address."
          placeholder="acme"
          withAsterisk
          value={values.subdomain}
          onChange={(event) => {
            setSubdomainEdited(true);
            setField('subdomain', event.currentTarget.value);
          }}
          onBlur={() => touch('subdomain')}
          error={subdomainError}
          rightSection={
            suffix ? (
              <Text size="sm" c="dimmed" pr="sm" style={{ whiteSpace: 'nowrap' }} data-testid="create-subdomain-suffix">
                {suffix}
              </Text>
            ) : null
          }
          rightSectionWidth={suffix ? `calc(${suffix.length}ch + 16px)` : undefined}
          rightSectionPointerEvents="none"
          data-testid="create-subdomain"
          autoCapitalize="off"
          autoCorrect="off"
          spellCheck={false}
          inputWrapperOrder={['label', 'description', 'input', 'error']}
        />
        {!subdomainError && <AvailabilityNote availability={availability} baseDomain={baseDomain} />}
        <Select
          label="Plan"
          withAsterisk
          placeholder="Choose a plan"
          data={plans.map((plan) => ({ value: plan.code, label: `${plan.name} — ${formatPrice(plan)}` }))}
          value={values.plan || null}
          onChange={(value) => setField('plan', value ?? '')}
          onBlur={() => touch('plan')}
          error={shown('plan')}
          allowDeselect={false}
          checkIconPosition="right"
          data-testid="create-plan"
          description={selectedPlan ? planSummary(selectedPlan) : undefined}
          inputWrapperOrder={['label', 'input', 'description', 'error']}
        />
        <TextInput
          label="Admin email"
          description="The tenant's first administrator; receives the welcome email."
          placeholder="it@acme.example"
          type="email"
          withAsterisk
          value={values.adminEmail}
          onChange={(event) => setField('adminEmail', event.currentTarget.value)}
          onBlur={() => touch('adminEmail')}
          error={shown('adminEmail')}
          data-testid="create-email"
          inputWrapperOrder={['label', 'input', 'description', 'error']}
          autoCapitalize="off"
          spellCheck={false}
        />
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" data-testid="create-submit">
            Create tenant
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function planSummary(plan: Plan): string {
  const parts = [
    formatLimitOf(plan.limits.companies, 'company', 'companies'),
    `${formatLimitOf(plan.limits.usersPerCompany, 'user', 'users')} per company`,
    `${formatLimitOf(plan.limits.transactionsPerMonth, 'transaction', 'transactions')} / month`,
  ];
  if (plan.trialDays) parts.push(`${plan.trialDays}-day trial`);
  return parts.join(' · ');
}

function AvailabilityNote({ availability, baseDomain }: { availability: Availability; baseDomain: string }) {
  const host = (subdomain: string) => (baseDomain ? `${subdomain}.${baseDomain}` : subdomain);
  switch (availability.state) {
    case 'checking':
      return (
        <Group gap={6} mt={-10} data-testid="subdomain-checking">
          <Loader size={12} />
          <Text size="xs" c="dimmed">
            Checking availability…
          </Text>
        </Group>
      );
    case 'available':
      return (
        <Group gap={6} mt={-10} data-testid="subdomain-available">
          <IconCircleCheck size={14} color="var(--mantine-color-teal-filled)" />
          <Text size="xs" c="teal">
            {host(availability.subdomain)} is available
          </Text>
        </Group>
      );
    default:
      return null;
  }
}
