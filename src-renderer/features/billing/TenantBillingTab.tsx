import { useState, type ReactNode } from 'react';
import { Alert, Badge, Button, Group, SimpleGrid, Skeleton, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle, IconArrowsExchange, IconCalendarClock, IconInfoCircle, IconPlayerPause, IconX } from '@tabler/icons-react';
import type { TenantBilling } from '../../../src-shared/contract/billing-models';
import type { TenantDetail } from '../../../src-shared/contract/models';
import { api } from '../../api/client';
import { LoadErrorAlert } from '../../components/LoadErrorAlert';
import { formatDate, formatDateTime, formatMoney, formatPrice } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useQuery } from '../../lib/use-query';
import { useActionBlocks } from '../../store/action-block';
import { invalidate } from '../../store/invalidation';
import { BlockedAction } from '../offline/BlockedAction';
import { DetailSection } from '../tenants/detail/DetailSection';
import { BillingStateBadge } from './BillingBadges';
import { GRACE_REASON_LABELS, NOTICE_KIND_LABELS } from './billing-labels';
import { CancelSubscriptionModal } from './CancelSubscriptionModal';
import { ChangePlanQuoteModal } from './ChangePlanQuoteModal';
import { InvoicesTable } from './InvoicesTable';

type Dialog = 'change' | 'cancel' | null;

/** The drawer's Billing tab: the subscription and its state, what comes next, invoices and notices. */
export function TenantBillingTab({ tenant }: { tenant: TenantDetail }) {
  const billing = useQuery(() => api().call('billing:tenant', { ref: tenant.tenantCode }), [tenant.tenantCode, tenant.version], { key: 'tenantBilling' });
  const [dialog, setDialog] = useState<Dialog>(null);
  const blockOf = useActionBlocks();
  const value = billing.value;

  if (billing.error && !value) return <LoadErrorAlert title="Billing could not be loaded" message={billing.error} onRetry={billing.reload} data-testid="tenant-billing-error" />;
  if (!value) {
    return (
      <Stack gap="md" data-testid="tenant-billing-loading">
        <Skeleton h={150} radius="md" />
        <Skeleton h={120} radius="md" />
      </Stack>
    );
  }

  /** After a change: the tab shows main's answer, the drawer and the list catch up (plan, version). */
  const changed = (updated: TenantBilling) => {
    billing.set(updated);
    invalidate({ event: 'tenant:billingChanged', tenantCode: updated.tenantCode });
  };
  const live = value.tenantStatus === 'active' || value.tenantStatus === 'suspended';
  const subscribed = value.state !== 'none' && value.state !== 'canceled';

  return (
    <Stack gap="lg" data-testid="tenant-billing" data-state={value.state}>
      <DetailSection
        title="Subscription"
        testId="billing-subscription"
        aside={
          live ? (
            <Group gap="xs">
              <BlockedAction reason={blockOf('billing:changePlan')}>
                <Button size="compact-sm" variant="light" leftSection={<IconArrowsExchange size={14} />} onClick={() => setDialog('change')} disabled={blockOf('billing:changePlan') !== null} data-testid="billing-change-plan">
                  Change plan
                </Button>
              </BlockedAction>
              {subscribed && !value.cancelAtPeriodEnd && (
                <BlockedAction reason={blockOf('billing:cancelSubscription')}>
                  <Button size="compact-sm" variant="subtle" color="red" leftSection={<IconX size={14} />} onClick={() => setDialog('cancel')} disabled={blockOf('billing:cancelSubscription') !== null} data-testid="billing-cancel">
                    Cancel subscription
                  </Button>
                </BlockedAction>
              )}
            </Group>
          ) : undefined
        }
      >
        <Group gap="sm" mb="sm">
          <BillingStateBadge state={value.state} size="lg" data-testid="billing-state" />
          <Text fw={600} data-testid="billing-plan">
            {value.plan.name}
          </Text>
          <Text size="sm" c="dimmed" data-testid="billing-price">
            {value.plan.pricingModel === 'flat'
              ? formatPrice({ priceCents: value.plan.priceCents, currency: value.plan.currency, interval: value.plan.interval as 'month' | 'year' | 'none' })
              : value.plan.pricing}
          </Text>
          <Badge variant="outline" color="gray" tt="none" size="sm">
            {value.mode === 'stripe' ? 'Stripe' : 'Manual invoicing'}
          </Badge>
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" verticalSpacing="sm">
          {value.state === 'trialing' ? (
            <Fact label="Trial ends" testId="billing-trial-ends">
              {formatDate(value.trialEndsAt)} · then {value.paymentMethodPresent ? `converts to ${value.conversionPlanCode}` : 'a grace period (no payment method)'}
            </Fact>
          ) : (
            <Fact label="Current period" testId="billing-period">
              {value.currentPeriodStart ? `${formatDate(value.currentPeriodStart)} – ${formatDate(value.currentPeriodEnd)}` : '—'}
            </Fact>
          )}
          <Fact label="Next invoice" testId="billing-next-invoice">
            {value.nextInvoice ? `${formatDate(value.nextInvoice.date)} · about ${formatMoney(value.nextInvoice.estimatedCents, value.nextInvoice.currency)}` : 'None scheduled'}
          </Fact>
          {value.nextInvoice && value.nextInvoice.lines.length > 0 && (
            <Fact label="So far this period" testId="billing-next-invoice-lines">
              <Stack gap={2}>
                {value.nextInvoice.lines.map((line, index) => (
                  <Text key={index} size="sm">
                    {line.description}: <b>{formatMoney(line.amountCents, value.nextInvoice!.currency)}</b>
                  </Text>
                ))}
              </Stack>
            </Fact>
          )}
          <Fact label="Payment method" testId="billing-payment-method">
            {value.mode === 'manual' && live ? (
              <PaymentMethodToggle billing={value} blocked={blockOf('billing:setPaymentMethod')} onChanged={changed} />
            ) : value.paymentMethodPresent ? (
              value.paymentMethodLabel ?? 'On file'
            ) : (
              'None'
            )}
          </Fact>
          {value.stripe && (
            <Fact label="Stripe" testId="billing-stripe">
              <Text span size="sm" ff="monospace">
                {value.stripe.customerId ?? 'no customer yet'}
              </Text>
              {value.stripe.subscriptionStatus ? ` · ${value.stripe.subscriptionStatus}` : ''}
            </Fact>
          )}
        </SimpleGrid>
      </DetailSection>

      {value.grace && (
        <Alert color={value.suspendedByBilling ? 'red' : 'orange'} variant="light" icon={<IconCalendarClock size={18} />} title={`Grace period: ${GRACE_REASON_LABELS[value.grace.reason].toLowerCase()}`} data-testid="billing-grace">
          Since {formatDate(value.grace.startedAt)}; ends {formatDateTime(value.grace.endsAt)}. Unless a payment arrives by then, the next
          lifecycle run suspends the tenant (after a backup) and e-mails its admin; a payment reactivates it.
        </Alert>
      )}
      {value.suspendedByBilling && (
        <Alert color="red" variant="light" icon={<IconPlayerPause size={18} />} title="Suspended by billing" data-testid="billing-suspended">
          Billing suspended this tenant for non-payment. Recording the payment (or Stripe reporting it) reactivates it automatically.
        </Alert>
      )}
      {value.pendingPlan && (
        <Alert color="blue" variant="light" icon={<IconInfoCircle size={18} />} data-testid="billing-pending-plan">
          Downgrade to <b>{value.pendingPlan.code}</b> (version {value.pendingPlan.version}) at the end of the period, {formatDate(value.currentPeriodEnd)}; the new limits apply then.
        </Alert>
      )}
      {value.cancelAtPeriodEnd && <CancelAtPeriodEnd billing={value} blocked={blockOf('billing:resumeSubscription')} onChanged={changed} />}
      {value.lastError && (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="Last billing error" data-testid="billing-last-error">
          {value.lastError}
        </Alert>
      )}

      <DetailSection title="Invoices" testId="billing-invoices">
        {value.invoices.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="billing-invoices-none">
            No invoices yet.
          </Text>
        ) : (
          <InvoicesTable invoices={value.invoices} showTenant={false} testId="tenant-invoices-table" />
        )}
      </DetailSection>

      <DetailSection title="Notices sent" testId="billing-notices">
        {value.notices.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="billing-notices-none">
            No e-mail sent to this tenant yet.
          </Text>
        ) : (
          <Table verticalSpacing={4} fz="sm" data-testid="billing-notices-table">
            <Table.Tbody>
              {value.notices.map((notice) => (
                <Table.Tr key={notice.idempotencyKey}>
                  <Table.Td>{NOTICE_KIND_LABELS[notice.kind]}</Table.Td>
                  <Table.Td c="dimmed">{formatDateTime(notice.sentAt ?? notice.createdAt)}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" tt="none" color={notice.state === 'sent' ? 'teal' : notice.state === 'failed' ? 'red' : 'gray'} title={notice.lastError ?? undefined}>
                      {notice.state}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </DetailSection>

      {dialog === 'change' && <ChangePlanQuoteModal billing={value} onClose={() => setDialog(null)} onChanged={changed} />}
      {dialog === 'cancel' && <CancelSubscriptionModal billing={value} onClose={() => setDialog(null)} onChanged={changed} />}
    </Stack>
  );
}

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text component="div" size="sm" data-testid={testId}>
        {children}
      </Text>
    </div>
  );
}

/** Manual mode: the operator records whether a payment method (card on file, mandate) exists; a trial converts only with one. */
function PaymentMethodToggle({ billing, blocked, onChanged }: { billing: TenantBilling; blocked: string | null; onChanged: (billing: TenantBilling) => void }) {
  const [label, setLabel] = useState('');
  const [saving, setSaving] = useState(false);

  async function toggle(present: boolean) {
    setSaving(true);
    try {
      const updated = await api().call('billing:setPaymentMethod', { ref: billing.tenantCode, present, ...(present && label.trim() ? { label: label.trim() } : {}) });
      notifySuccess(present ? 'Payment method recorded' : 'Payment method removed', `${billing.companyName}: ${present ? (updated.paymentMethodLabel ?? 'on file') : 'none on file'}.`);
      onChanged(updated);
      setLabel('');
    } catch (error) {
      notifyError('Could not record the payment method', error);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Group gap="xs" wrap="nowrap">
      <BlockedAction reason={blocked}>
        <Switch
          checked={billing.paymentMethodPresent}
          onChange={(event) => void toggle(event.currentTarget.checked)}
          disabled={saving || blocked !== null}
          label={billing.paymentMethodPresent ? (billing.paymentMethodLabel ?? 'On file') : 'None'}
          data-testid="billing-payment-toggle"
        />
      </BlockedAction>
      {!billing.paymentMethodPresent && (
        <TextInput size="xs" placeholder="label, e.g. SEPA mandate" value={label} onChange={(event) => setLabel(event.currentTarget.value)} maxLength={100} w={170} aria-label="Payment method label" data-testid="billing-payment-label" />
      )}
    </Group>
  );
}

function CancelAtPeriodEnd({ billing, blocked, onChanged }: { billing: TenantBilling; blocked: string | null; onChanged: (billing: TenantBilling) => void }) {
  const [saving, setSaving] = useState(false);
  async function resume() {
    setSaving(true);
    try {
      onChanged(await api().call('billing:resumeSubscription', { ref: billing.tenantCode }));
      notifySuccess('Subscription resumed', `${billing.companyName} renews as before.`);
    } catch (error) {
      notifyError('Could not resume the subscription', error);
    } finally {
      setSaving(false);
    }
  }
  return (
    <Alert color="yellow" variant="light" icon={<IconX size={18} />} title="Cancels at the end of the period" data-testid="billing-cancel-at-period-end">
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm">The subscription ends on {formatDate(billing.currentPeriodEnd)}; no invoice after that.</Text>
        <BlockedAction reason={blocked}>
          <Button size="compact-sm" variant="default" onClick={() => void resume()} loading={saving} disabled={blocked !== null} data-testid="billing-resume">
            Resume
          </Button>
        </BlockedAction>
      </Group>
    </Alert>
  );
}
