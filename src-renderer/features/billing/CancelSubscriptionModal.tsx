import { useState } from 'react';
import { Alert, Button, Group, Radio, Stack, Text, Textarea } from '@mantine/core';
import { Modal } from '../../components/Modal';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { TenantBilling } from '../../../src-shared/contract/billing-models';
import { api } from '../../api/client';
import { formatDate } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { contractProblems } from './contract-problems';

/** Cancel the subscription at the end of the period (the default; can be resumed) or now. */
export function CancelSubscriptionModal({ billing, onClose, onChanged }: { billing: TenantBilling; onClose: () => void; onChanged: (billing: TenantBilling) => void }) {
  const [when, setWhen] = useState<'period_end' | 'now'>('period_end');
  const [reason, setReason] = useState('');
  const [saving, setSaving] = useState(false);
  const problems = reason.trim() ? contractProblems('billing:cancelSubscription', { ref: billing.tenantCode, when, reason }) : {};

  async function submit() {
    setSaving(true);
    try {
      const updated = await api().call('billing:cancelSubscription', { ref: billing.tenantCode, when, ...(reason.trim() ? { reason: reason.trim() } : {}) });
      notifySuccess('Subscription cancelled', when === 'now' ? `${billing.companyName}'s subscription has ended.` : `${billing.companyName}'s subscription ends on ${formatDate(billing.currentPeriodEnd)}.`);
      onChanged(updated);
      onClose();
    } catch (error) {
      notifyError(`Could not cancel the subscription of ${billing.tenantCode}`, error);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title={<Text fw={650}>Cancel the subscription of {billing.companyName}</Text>} data-testid="cancel-subscription-modal">
      <Stack gap="md">
        <Radio.Group value={when} onChange={(value) => setWhen(value as 'period_end' | 'now')} label="When">
          <Stack gap="xs" mt="xs">
            <Radio value="period_end" label={`At the end of the period${billing.currentPeriodEnd ? ` (${formatDate(billing.currentPeriodEnd)})` : ''} — can be resumed until then`} data-testid="cancel-at-period-end" />
            <Radio value="now" label="Now — no further invoices" data-testid="cancel-now" />
          </Stack>
        </Radio.Group>
        {when === 'now' && (
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />}>
            The subscription ends at once. The tenant itself stays as it is: cancelling the tenant is a separate action.
          </Alert>
        )}
        <Textarea label="Reason" placeholder="e.g. Customer moving to another provider" value={reason} onChange={(event) => setReason(event.currentTarget.value)} autosize minRows={2} error={problems.reason} data-testid="cancel-reason" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={saving}>
            Keep the subscription
          </Button>
          <Button color="red" onClick={() => void submit()} loading={saving} disabled={Object.keys(problems).length > 0} data-testid="cancel-submit">
            {when === 'now' ? 'Cancel now' : 'Cancel at period end'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
