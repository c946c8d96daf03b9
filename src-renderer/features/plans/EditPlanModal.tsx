import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Button, Checkbox, Group, NumberInput, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { Modal } from '../../components/Modal';
import { IconInfoCircle } from '@tabler/icons-react';
import type { PlanVersion } from '../../../src-shared/contract/plan-models';
import { api } from '../../api/client';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useActionBlock } from '../../store/action-block';
import { invalidate } from '../../store/invalidation';
import { BlockedAction } from '../offline/BlockedAction';
import { PRICING_MODEL_LABEL, PRICING_MODELS } from '../../../src-shared/domain/pricing';
import { formValuesOf, hasChanges, planChanges, planFormProblems, pricingOfForm, pricingProblem, type PlanFormValues } from './plan-form';
import { PricingPreview } from './PricingPreview';

const MODELS = PRICING_MODELS.map((value) => ({ value, label: PRICING_MODEL_LABEL[value] }));
const UNIT_PRICE_LABEL = { per_user: 'Price per user', per_company: 'Price per company', per_transaction: 'Price per transaction', base_plus_usage: 'Price per extra transaction' } as const;
const INCLUDED_LABEL = { per_user: 'Free users', per_company: 'Free companies', per_transaction: 'Free transactions', base_plus_usage: 'Transactions included' } as const;

const INTERVALS = [
  { value: 'month', label: 'Monthly' },
  { value: 'year', label: 'Yearly' },
  { value: 'none', label: 'No billing interval' },
];

/**
 * Edits a plan by creating its next version. Checked as the operator types against the
 * channel's own schema; only the changed fields are sent.
 */
export function EditPlanModal({ plan, grandfathered, opened, onClose }: { plan: PlanVersion; grandfathered: number; opened: boolean; onClose: () => void }) {
  const blocked = useActionBlock('plans:update');
  const [values, setValues] = useState<PlanFormValues>(() => formValuesOf(plan));
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (opened) setValues(formValuesOf(plan));
  }, [opened, plan]);

  const input = planChanges(values, plan);
  const changed = hasChanges(input);
  const problems = planFormProblems(input);
  const ruleProblem = pricingProblem(values, plan);
  const valid = Object.keys(problems).length === 0 && ruleProblem === null;
  const model = values.pricingModel;
  const hasBase = model === 'flat' || model === 'base_plus_usage';
  const set = <K extends keyof PlanFormValues>(key: K) => (value: PlanFormValues[K]) => setValues((current) => ({ ...current, [key]: value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!changed || !valid || saving || blocked) return;
    setSaving(true);
    try {
      const created = await api().call('plans:update', input);
      notifySuccess(`${created.name} is now version ${created.version}`, 'New tenants get it; existing tenants keep their version until you move them.');
      invalidate({ event: 'plan:edited' });
      onClose();
    } catch (error) {
      notifyError(`Plan ${plan.code} was not changed`, error);
    } finally {
      setSaving(false);
    }
  }

  const tenantsNow = plan.tenantCount + grandfathered;
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>Edit {plan.name}</Text>} size="lg" data-testid="edit-plan-modal">
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Stack gap="md">
          <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} />} data-testid="edit-plan-explainer">
            Saving creates <b>version {plan.version + 1}</b> of this plan. New tenants get it.{' '}
            {tenantsNow === 0
              ? 'No tenant is on this plan yet.'
              : `The ${tenantsNow} ${tenantsNow === 1 ? 'tenant' : 'tenants'} on it now keep their version and its limits until you move them.`}
          </Alert>
          <SimpleGrid cols={2} spacing="md">
            <TextInput label="Name" value={values.name} onChange={(e) => set('name')(e.currentTarget.value)} error={problems.name} data-testid="plan-field-name" />
            <TextInput label="Support level" value={values.supportLevel} onChange={(e) => set('supportLevel')(e.currentTarget.value)} error={problems.supportLevel} data-testid="plan-field-support" />
            <NumberInput
              label={model === 'base_plus_usage' ? 'Base price' : 'Price'}
              description={hasBase ? 'Per billing interval' : 'None: this model charges per unit'}
              value={!hasBase ? 0 : values.customPrice ? '' : values.price}
              onChange={set('price')}
              disabled={values.customPrice || !hasBase}
              placeholder={values.customPrice ? 'Custom pricing' : undefined}
              min={0}
              decimalScale={2}
              thousandSeparator=","
              error={problems.price}
              data-testid="plan-field-price"
            />
            <TextInput
              label="Currency"
              description="ISO code"
              value={values.currency}
              onChange={(e) => set('currency')(e.currentTarget.value.toUpperCase())}
              maxLength={3}
              error={problems.currency}
              data-testid="plan-field-currency"
            />
            <Checkbox label="Custom pricing (agreed per customer)" checked={values.customPrice} disabled={model !== 'flat'} onChange={(e) => set('customPrice')(e.currentTarget.checked)} data-testid="plan-field-custom-price" />
            <Checkbox label="Trial needs a card up front" checked={values.trialCardRequired} onChange={(e) => set('trialCardRequired')(e.currentTarget.checked)} data-testid="plan-field-trial-card" />
            <Select label="Billing interval" data={INTERVALS} value={values.interval} onChange={(value) => value && set('interval')(value as PlanFormValues['interval'])} allowDeselect={false} error={problems.interval} data-testid="plan-field-interval" />
            <NumberInput label="Trial days" description="Empty: no trial" value={values.trialDays} onChange={set('trialDays')} min={0} max={365} allowDecimal={false} error={problems.trialDays} data-testid="plan-field-trial" />
          </SimpleGrid>
          <Text size="xs" fw={700} c="dimmed" tt="uppercase" style={{ letterSpacing: '0.05em' }}>
            Pricing model
          </Text>
          <SimpleGrid cols={3} spacing="md">
            <Select
              label="Model"
              data={MODELS}
              value={model}
              onChange={(value) => value && set('pricingModel')(value as PlanFormValues['pricingModel'])}
              allowDeselect={false}
              error={problems.pricingModel}
              data-testid="plan-field-model"
            />
            {model !== 'flat' && (
              <>
                <NumberInput label={UNIT_PRICE_LABEL[model]} value={values.unitPrice} onChange={set('unitPrice')} min={0} decimalScale={2} error={problems.unitPrice} data-testid="plan-field-unit-price" />
                <NumberInput label={INCLUDED_LABEL[model]} value={values.includedUnits} onChange={set('includedUnits')} min={0} allowDecimal={false} thousandSeparator="," error={problems.includedUnits} data-testid="plan-field-included" />
              </>
            )}
          </SimpleGrid>
          {ruleProblem && (
            <Text size="sm" c="red" data-testid="plan-pricing-problem">
              {ruleProblem}
            </Text>
          )}
          <PricingPreview pricing={pricingOfForm(values, plan)} currency={values.currency.trim().toUpperCase() || plan.currency} />
          <Text size="xs" fw={700} c="dimmed" tt="uppercase" style={{ letterSpacing: '0.05em' }}>
            Limits (empty: unlimited)
          </Text>
          <SimpleGrid cols={3} spacing="md">
            <NumberInput label="Companies" value={values.companies} onChange={set('companies')} min={0} allowDecimal={false} placeholder="Unlimited" error={problems.companies} data-testid="plan-field-companies" />
            <NumberInput label="Users per company" value={values.usersPerCompany} onChange={set('usersPerCompany')} min={0} allowDecimal={false} placeholder="Unlimited" error={problems.usersPerCompany} data-testid="plan-field-users" />
            <NumberInput label="Transactions / month" value={values.transactionsPerMonth} onChange={set('transactionsPerMonth')} min={0} allowDecimal={false} thousandSeparator="," placeholder="Unlimited" error={problems.transactionsPerMonth} data-testid="plan-field-transactions" />
          </SimpleGrid>
          <SimpleGrid cols={2} spacing="md">
            <NumberInput
              label="Database connections"
              description="Sessions at once, per tenant"
              value={values.connectionLimit}
              onChange={set('connectionLimit')}
              min={1}
              max={10000}
              allowDecimal={false}
              error={problems.connectionLimit}
              data-testid="plan-field-connections"
            />
            <NumberInput label="Overage price" description="Per unit over a limit; empty: no overage billing" value={values.overagePrice} onChange={set('overagePrice')} min={0} decimalScale={2} error={problems.overagePrice} data-testid="plan-field-overage" />
          </SimpleGrid>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={saving}>
              Cancel
            </Button>
            <BlockedAction reason={blocked} testId="edit-plan-save-blocked">
              <Button type="submit" loading={saving} disabled={!changed || !valid || blocked !== null} data-testid="edit-plan-save">
                {changed ? `Save as version ${plan.version + 1}` : 'Nothing changed'}
              </Button>
            </BlockedAction>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
