import { useEffect, useState } from 'react';
import { Alert, Badge, Button, Checkbox, Group, List, Loader, Radio, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { Modal } from '../../components/Modal';
import { IconAlertTriangle, IconArrowDownRight, IconArrowUpRight } from '@tabler/icons-react';
import type { PlanChangeQuote, ProrationBehavior, TenantBilling } from '../../../src-shared/contract/billing-models';
import { api } from '../../api/client';
import { queryState, useQuery } from '../../lib/use-query';
import { isApiError } from '../../api/api-error';
import { formatDate, formatMoney, formatPrice } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useReferenceStore } from '../../store/reference-store';
import { PRORATION_LABELS } from './billing-labels';


/**
 * Change plan with billing: pick a plan, see main's quote (upgrade now with proration, or a
 * downgrade at the period's end; the limits the tenant would be over), choose the proration
 * behaviour, then change. Force is offered only when the quote names violations.
 */
export function ChangePlanQuoteModal({ billing, onClose, onChanged }: { billing: TenantBilling; onClose: () => void; onChanged: (billing: TenantBilling) => void }) {
  const plans = useReferenceStore((state) => state.plans);
  const [plan, setPlan] = useState<string | null>(null);
  const [proration, setProration] = useState<ProrationBehavior | null>(null);
  const [force, setForce] = useState(false);
  const [reason, setReason] = useState('');
  const [saving, setSaving] = useState(false);

  // The operator's default proration comes from the billing settings.
  const settings = useQuery(() => api().call('billing:settings', {}), []);
  const settingsDefault = settings.loading ? null : (settings.value?.prorationBehavior ?? 'create_prorations');
  useEffect(() => {
    if (settingsDefault) setProration((chosen) => chosen ?? settingsDefault);
  }, [settingsDefault]);

  const quote = queryState(
    useQuery(() => api().call('billing:quotePlanChange', { ref: billing.tenantCode, plan: plan ?? '', prorationBehavior: proration ?? 'create_prorations' }), [plan, proration, billing.tenantCode], {
      enabled: plan !== null && proration !== null,
    }),
  );
  // Force is agreed to for one quote: another plan or proration asks again.
  useEffect(() => setForce(false), [plan, proration, billing.tenantCode]);

  const ready = quote.status === 'ready' ? quote.value : null;
  const over = (ready?.violations.length ?? 0) > 0;
  const canSubmit = ready !== null && ready.direction !== 'same' && (!over || force) && proration !== null;

  async function submit() {
    if (!plan || !proration) return;
    setSaving(true);
    try {
      const updated = await api().call('billing:changePlan', {
        ref: billing.tenantCode,
        plan,
        prorationBehavior: proration,
        expectedVersion: billing.tenantVersion,
        force: over && force,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      });
      notifySuccess(
        'Plan changed',
        ready?.effective === 'period_end'
          ? `${updated.companyName} moves to ${plan} on ${formatDate(ready.effectiveAt)}, at the end of the period.`
          : `${updated.companyName} is now on ${updated.plan.name}.`,
      );
      onChanged(updated);
      onClose();
    } catch (error) {
      notifyError(`Could not change the plan of ${billing.tenantCode}`, error);
      if (isApiError(error) && error.code === 'CONFLICT') onClose();
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal opened onClose={onClose} size="lg" title={<Text fw={650}>Change plan of {billing.companyName}</Text>} data-testid="billing-change-plan-modal">
      <Stack gap="md">
        <Radio.Group value={plan} onChange={setPlan} label="New plan" data-testid="billing-plan-picker">
          <SimpleGrid cols={2} spacing="xs" mt="xs">
            {plans.map((entry) => {
              const current = entry.code === billing.plan.code && entry.version === billing.plan.version;
              return (
                <Radio.Card key={entry.code} value={entry.code} p="sm" radius="md" disabled={current} data-testid={`billing-plan-option-${entry.code}`}>
                  <Group wrap="nowrap" align="flex-start" gap="sm">
                    <Radio.Indicator disabled={current} />
                    <div>
                      <Text fw={600} size="sm">
                        {entry.name}{' '}
                        {current && (
                          <Text span size="xs" c="dimmed">
                            (current)
                          </Text>
                        )}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {formatPrice(entry)}
                      </Text>
                    </div>
                  </Group>
                </Radio.Card>
              );
            })}
          </SimpleGrid>
        </Radio.Group>

        <Select
          label="Proration"
          description="How the price difference for the rest of the period is billed (default from the billing settings)."
          data={Object.entries(PRORATION_LABELS).map(([value, label]) => ({ value, label }))}
          value={proration}
          onChange={(value) => value && setProration(value as ProrationBehavior)}
          allowDeselect={false}
          data-testid="billing-proration"
        />

        {quote.status === 'loading' && (
          <Group gap="xs">
            <Loader size="xs" />
            <Text size="sm" c="dimmed">
              Working out the quote…
            </Text>
          </Group>
        )}
        {quote.status === 'error' && (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="No quote" data-testid="billing-quote-error">
            {quote.message}
          </Alert>
        )}
        {ready && <QuoteView quote={ready} />}
        {ready && over && (
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="Over the new plan's limits" data-testid="billing-quote-violations">
            <List size="sm">
              {ready.violations.map((violation) => (
                <List.Item key={`${violation.resource}-${violation.companyName ?? ''}`}>
                  {violation.resource}
                  {violation.companyName ? ` (${violation.companyName})` : ''}: {violation.current} now, the plan allows {violation.limit}
                </List.Item>
              ))}
            </List>
            <Checkbox mt="sm" label="Force: keep the existing data and block new inserts over the limit" checked={force} onChange={(event) => setForce(event.currentTarget.checked)} data-testid="billing-quote-force" />
          </Alert>
        )}

        <TextInput label="Reason (optional)" placeholder="e.g. Upgrade requested by the customer" value={reason} onChange={(event) => setReason(event.currentTarget.value)} data-testid="billing-change-reason" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={saving}>
            Cancel
          </Button>
          <Button onClick={() => void submit()} loading={saving} disabled={!canSubmit} color={over ? 'orange' : undefined} data-testid="billing-change-submit">
            {ready?.effective === 'period_end' ? 'Schedule the downgrade' : over ? 'Force the change' : 'Change plan'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function QuoteView({ quote }: { quote: PlanChangeQuote }) {
  const upgrade = quote.direction === 'upgrade';
  const plans = useReferenceStore((state) => state.plans);
  const planName = (code: string) => plans.find((plan) => plan.code === code)?.name ?? code;
  return (
    <Stack gap="xs" p="sm" style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-md)' }} data-testid="billing-quote" data-direction={quote.direction}>
      <Group gap="xs">
        <Badge variant="light" color={upgrade ? 'teal' : quote.direction === 'downgrade' ? 'orange' : 'gray'} tt="none" leftSection={upgrade ? <IconArrowUpRight size={12} /> : quote.direction === 'downgrade' ? <IconArrowDownRight size={12} /> : undefined} data-testid="billing-quote-direction">
          {upgrade ? 'Upgrade' : quote.direction === 'downgrade' ? 'Downgrade' : 'Same price'}
        </Badge>
        <Text size="sm" data-testid="billing-quote-effective">
          {quote.effective === 'now' ? 'Takes effect now' : `Takes effect at the end of the period, ${formatDate(quote.effectiveAt)}`}
        </Text>
      </Group>
      <Text size="sm">
        {planName(quote.from.code)} {quote.from.priceCents !== null ? formatMoney(quote.from.priceCents, quote.currency) : 'custom'} → {planName(quote.to.code)}{' '}
        {quote.to.priceCents !== null ? formatMoney(quote.to.priceCents, quote.currency) : 'custom'}
      </Text>
      {quote.lines.length > 0 && (
        <Table verticalSpacing={4} fz="sm" data-testid="billing-quote-lines">
          <Table.Tbody>
            {quote.lines.map((line, index) => (
              <Table.Tr key={index}>
                <Table.Td>{line.description}</Table.Td>
                <Table.Td ta="right" className="tabular">
                  {formatMoney(line.amountCents, quote.currency)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group justify="space-between">
        <Text size="sm" fw={600}>
          {quote.prorationCents < 0 ? 'Proration credit' : 'Proration'} {quote.prorationBehavior === 'always_invoice' ? '(invoiced now)' : quote.prorationBehavior === 'none' ? '(none)' : '(on the next invoice)'}
        </Text>
        <Text size="sm" fw={700} className="tabular" data-testid="billing-quote-proration">
          {formatMoney(quote.prorationCents, quote.currency)}
        </Text>
      </Group>
    </Stack>
  );
}
