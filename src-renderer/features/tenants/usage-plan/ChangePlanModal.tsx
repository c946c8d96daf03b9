import { useEffect, useState } from 'react';
import { DialogForm } from '../../../components/DialogForm';
import { Alert, Button, Checkbox, Group, List, Loader, Radio, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { Modal } from '../../../components/Modal';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import type { TenantDetail } from '../../../../src-shared/contract/models';
import { api } from '../../../api/client';
import { queryState, useQuery } from '../../../lib/use-query';
import { isApiError } from '../../../api/api-error';
import { formatLimitOf, formatPrice } from '../../../lib/format';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { useReferenceStore } from '../../../store/reference-store';
import { useTenantDetailStore } from '../../../store/tenant-detail-store';
import { invalidate } from '../../../store/invalidation';


/**
 * Picks a plan (the current version of each), previews what the tenant would be over with the
 * backend's exact numbers, offers Force only then, and shows the result.
 */
export function ChangePlanModal({ tenant, opened, onClose }: { tenant: TenantDetail; opened: boolean; onClose: () => void }) {
  const plans = useReferenceStore((state) => state.plans);
  const [plan, setPlan] = useState<string | null>(null);
  const [force, setForce] = useState(false);
  const [reason, setReason] = useState('');
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<TenantDetail | null>(null);

  useEffect(() => {
    if (!opened) return;
    setPlan(null);
    setForce(false);
    setReason('');
    setResult(null);
  }, [opened]);

  const preview = queryState(useQuery(() => api().call('tenants:previewPlanChange', { ref: tenant.tenantCode, plan: plan ?? '' }), [plan, tenant.tenantCode], { enabled: plan !== null }));
  // Force is agreed to for one preview: another plan asks again.
  useEffect(() => setForce(false), [plan, tenant.tenantCode]);

  const chosen = plans.find((entry) => entry.code === plan);
  const sameVersion = chosen !== undefined && chosen.code === tenant.plan && chosen.version === tenant.planVersion;
  const violations = preview.status === 'ready' ? preview.value.violations : [];
  const over = violations.length > 0;
  const canSubmit = chosen !== undefined && !sameVersion && preview.status === 'ready' && preview.value.problem === null && (!over || force);

  async function submit() {
    if (!chosen) return;
    setSaving(true);
    try {
      const updated = await api().call('tenants:changePlan', {
        ref: tenant.tenantCode,
        plan: chosen.code,
        force: over && force,
        expectedVersion: tenant.version,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      });
      setResult(updated);
      useTenantDetailStore.getState().show(updated);
      invalidate({ event: 'tenant:planChanged', tenantCode: updated.tenantCode });
      notifySuccess('Plan changed', `${updated.companyName} is now on ${updated.planName}; the new limits are in force.`);
    } catch (error) {
      notifyError(`Could not change the plan of ${tenant.tenantCode}`, error);
      if (isApiError(error) && error.code === 'CONFLICT') void useTenantDetailStore.getState().reload();
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>Change plan of {tenant.companyName}</Text>} size="lg" data-testid="change-plan-modal">
      {result ? (
        <Stack gap="md" data-testid="change-plan-result">
          <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} title={`Now on ${result.planName} (version ${result.planVersion})`}>
            The new limits are enforced in the tenant database:
            <List size="sm" mt={6}>
              <List.Item>{formatLimitOf(result.limits.companies, 'company', 'companies')}</List.Item>
              <List.Item>{formatLimitOf(result.limits.usersPerCompany, 'user per company', 'users per company')}</List.Item>
              <List.Item>{formatLimitOf(result.limits.transactionsPerMonth, 'transaction a month', 'transactions a month')}</List.Item>
            </List>
          </Alert>
          <Group justify="flex-end">
            <Button onClick={onClose} data-testid="change-plan-done">
              Done
            </Button>
          </Group>
        </Stack>
      ) : (
        <DialogForm onSubmit={() => void submit()} canSubmit={canSubmit && !saving} data-testid="change-plan-form">
        <Stack gap="md">
          <Radio.Group value={plan} onChange={setPlan} label="New plan" data-testid="change-plan-picker">
            <SimpleGrid cols={2} spacing="xs" mt="xs">
              {plans.map((entry) => {
                const current = entry.code === tenant.plan && entry.version === tenant.planVersion;
                return (
                  <Radio.Card key={entry.code} value={entry.code} p="sm" radius="md" disabled={current} data-testid={`plan-option-${entry.code}`}>
                    <Group wrap="nowrap" align="flex-start" gap="sm">
                      <Radio.Indicator disabled={current} />
                      <div>
                        <Text fw={600} size="sm">
                          {entry.name} {current && <Text span size="xs" c="dimmed">(current)</Text>}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {formatPrice(entry)}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {formatLimitOf(entry.limits.companies, 'company', 'companies')} · {formatLimitOf(entry.limits.usersPerCompany, 'user', 'users')} ·{' '}
                          {formatLimitOf(entry.limits.transactionsPerMonth, 'txn/mo', 'txn/mo')}
                        </Text>
                      </div>
                    </Group>
                  </Radio.Card>
                );
              })}
            </SimpleGrid>
          </Radio.Group>

          {preview.status === 'loading' && (
            <Group gap="xs">
              <Loader size="xs" />
              <Text size="sm" c="dimmed">
                Checking the tenant database against the new limits…
              </Text>
            </Group>
          )}
          {preview.status === 'error' && (
            <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="The change could not be previewed">
              {preview.message}
            </Alert>
          )}
          {preview.status === 'ready' && preview.value.problem && (
            <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="The tenant database could not be read">
              {preview.value.problem}
            </Alert>
          )}
          {preview.status === 'ready' && !preview.value.problem && !over && (
            <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} data-testid="change-plan-fits">
              The tenant's current usage fits {chosen?.name ?? 'the new plan'}.
            </Alert>
          )}
          {over && (
            <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="Over the new limits" data-testid="change-plan-violations">
              <List size="sm">
                {violations.map((violation) => (
                  <List.Item key={`${violation.resource}-${violation.message}`} data-testid="change-plan-violation">
                    {violation.message}
                  </List.Item>
                ))}
              </List>
              <Checkbox
                mt="sm"
                label="Force: keep the existing data and block new inserts over the limit"
                checked={force}
                onChange={(event) => setForce(event.currentTarget.checked)}
                data-testid="change-plan-force"
              />
            </Alert>
          )}

          <TextInput label="Reason (optional)" placeholder="e.g. Upgrade requested by the customer" value={reason} onChange={(event) => setReason(event.currentTarget.value)} data-testid="change-plan-reason" />

          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={saving}>
              Cancel
            </Button>
            <Button type="submit" loading={saving} disabled={!canSubmit} color={over ? 'orange' : undefined} data-testid="change-plan-submit">
              {over ? 'Force the change' : 'Change plan'}
            </Button>
          </Group>
        </Stack>
        </DialogForm>
      )}
    </Modal>
  );
}
