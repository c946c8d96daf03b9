import { DialogForm } from '../../../components/DialogForm';
import { useState } from 'react';
import { ActionIcon, Badge, Button, Checkbox, Group, NumberInput, SegmentedControl, Select, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import type { LimitOverride, LimitResource } from '../../../../src-shared/contract/plan-models';
import { api } from '../../../api/client';
import { formatDate, formatLimit, formatRelative } from '../../../lib/format';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { LIMIT_RESOURCE_LABELS } from '../../usage/usage-levels';
import { BlockedAction } from '../../offline/BlockedAction';
import { useActionBlocks } from '../../../store/action-block';

/** Custom limits and temporary allowances, each with its reason and expiry; add and revoke here. */
export function OverridesSection({
  tenantCode,
  overrides,
  onChanged,
}: {
  tenantCode: string;
  overrides: readonly LimitOverride[];
  onChanged: () => void;
}) {
  // Why overrides cannot be added or revoked now (the role, offline, a snapshot under review), or null.
  const blockOf = useActionBlocks();
  const addBlocked = blockOf('tenants:setOverride');
  const revokeBlocked = blockOf('tenants:revokeOverride');
  const [adding, setAdding] = useState(false);
  const [revoking, setRevoking] = useState<string | null>(null);
  const active = overrides.filter((entry) => entry.active);
  const inactive = overrides.filter((entry) => !entry.active);

  async function revoke(entry: LimitOverride) {
    setRevoking(entry.id);
    try {
      await api().call('tenants:revokeOverride', { ref: tenantCode, id: entry.id });
      notifySuccess('Override revoked', `${LIMIT_RESOURCE_LABELS[entry.resource]}: the plan's limit applies again.`);
      onChanged();
    } catch (error) {
      notifyError('Could not revoke the override', error);
    } finally {
      setRevoking(null);
    }
  }

  return (
    <Stack gap="sm" data-testid="overrides">
      {active.length === 0 && !adding && (
        <Text size="sm" c="dimmed" data-testid="overrides-none">
          No overrides: the plan's limits apply.
        </Text>
      )}
      {active.map((entry) => (
        <Group key={entry.id} justify="space-between" wrap="nowrap" align="flex-start" data-testid="override-row">
          <div>
            <Group gap={6}>
              <Badge variant="light" color={entry.kind === 'allowance' ? 'cyan' : 'violet'} tt="none">
                {entry.kind === 'allowance' ? 'Allowance' : 'Custom limit'}
              </Badge>
              <Text size="sm" fw={600}>
                {LIMIT_RESOURCE_LABELS[entry.resource]}: {entry.kind === 'allowance' ? `+${formatLimit(entry.value)}` : formatLimit(entry.value)}
              </Text>
            </Group>
            <Text size="sm" c="dimmed" mt={2}>
              {entry.reason}
            </Text>
            <Text size="xs" c="dimmed">
              {entry.expiresAt ? `Expires ${formatDate(entry.expiresAt)} (${formatRelative(entry.expiresAt)})` : 'No expiry'} · by {entry.createdBy}
            </Text>
          </div>
          <Tooltip label={revokeBlocked ?? 'Revoke'} multiline maw={280}>
            <ActionIcon
              variant="subtle"
              color="red"
              aria-label="Revoke override"
              loading={revoking === entry.id}
              disabled={revokeBlocked !== null}
              onClick={() => void revoke(entry)}
              data-testid="override-revoke"
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Tooltip>
        </Group>
      ))}
      {inactive.length > 0 && (
        <Text size="xs" c="dimmed">
          {inactive.length} expired or revoked {inactive.length === 1 ? 'override' : 'overrides'} not shown.
        </Text>
      )}
      {adding ? (
        <AddOverrideForm
          tenantCode={tenantCode}
          onDone={(added) => {
            setAdding(false);
            if (added) onChanged();
          }}
        />
      ) : (
        <Group>
          <BlockedAction reason={addBlocked} testId="override-add-blocked">
            <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setAdding(true)} disabled={addBlocked !== null} data-testid="override-add">
              Add override
            </Button>
          </BlockedAction>
        </Group>
      )}
    </Stack>
  );
}

function AddOverrideForm({ tenantCode, onDone }: { tenantCode: string; onDone: (added: boolean) => void }) {
  const [resource, setResource] = useState<LimitResource>('users');
  const [kind, setKind] = useState<'limit' | 'allowance'>('allowance');
  const [value, setValue] = useState<number | string>('');
  const [unlimited, setUnlimited] = useState(false);
  const [reason, setReason] = useState('');
  const [expiry, setExpiry] = useState('');
  const [saving, setSaving] = useState(false);
  const [errors, setErrors] = useState<{ value?: string; reason?: string; expiry?: string }>({});

  async function submit() {
    const next: typeof errors = {};
    const number = typeof value === 'number' ? value : null;
    if (!(kind === 'limit' && unlimited) && (number === null || number < 0)) next.value = kind === 'allowance' ? 'How many above the limit?' : 'The new limit, 0 or more.';
    if (!reason.trim()) next.reason = 'Say why, for the next operator.';
    // An expiry is the end of the chosen day, local time.
    const expiresAt = expiry ? new Date(`${expiry}T23:59:59`) : null;
    if (expiresAt && (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now())) next.expiry = 'The expiry must be in the future.';
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    setSaving(true);
    try {
      await api().call('tenants:setOverride', {
        ref: tenantCode,
        resource,
        kind,
        value: kind === 'limit' && unlimited ? null : number,
        reason: reason.trim(),
        ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
      });
      notifySuccess('Override added', `${LIMIT_RESOURCE_LABELS[resource]}: pushed to the tenant database.`);
      onDone(true);
    } catch (error) {
      notifyError('Could not add the override', error);
    } finally {
      setSaving(false);
    }
  }

  return (
    <DialogForm onSubmit={() => void submit()} canSubmit={!saving}>
    <Stack gap="xs" p="sm" style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-md)' }} data-testid="override-form">
      <Group grow align="flex-start">
        <Select
          label="Resource"
          size="xs"
          allowDeselect={false}
          value={resource}
          onChange={(next) => next && setResource(next as LimitResource)}
          data={(Object.keys(LIMIT_RESOURCE_LABELS) as LimitResource[]).map((key) => ({ value: key, label: LIMIT_RESOURCE_LABELS[key] }))}
          data-testid="override-resource"
        />
        <div>
          <Text size="xs" fw={500} mb={4}>
            Kind
          </Text>
          <SegmentedControl
            size="xs"
            fullWidth
            value={kind}
            onChange={(next) => setKind(next as 'limit' | 'allowance')}
            data={[
              { value: 'allowance', label: 'Allowance' },
              { value: 'limit', label: 'Custom limit' },
            ]}
            data-testid="override-kind"
          />
        </div>
      </Group>
      <Group grow align="flex-start">
        <NumberInput
          label={kind === 'allowance' ? 'Above the limit by' : 'New limit'}
          size="xs"
          min={0}
          allowDecimal={false}
          value={value}
          onChange={setValue}
          disabled={kind === 'limit' && unlimited}
          error={errors.value}
          data-testid="override-value"
        />
        <TextInput label="Expires (optional)" size="xs" type="date" value={expiry} onChange={(event) => setExpiry(event.currentTarget.value)} error={errors.expiry} data-testid="override-expiry" />
      </Group>
      {kind === 'limit' && <Checkbox size="xs" label="Unlimited" checked={unlimited} onChange={(event) => setUnlimited(event.currentTarget.checked)} />}
      <TextInput label="Reason" size="xs" placeholder="e.g. Year-end close, agreed with sales" value={reason} onChange={(event) => setReason(event.currentTarget.value)} error={errors.reason} data-testid="override-reason" />
      <Group justify="flex-end" gap="xs">
        <Button size="xs" variant="default" onClick={() => onDone(false)} disabled={saving}>
          Cancel
        </Button>
        <Button size="xs" type="submit" loading={saving} data-testid="override-save">
          Add override
        </Button>
      </Group>
    </Stack>
    </DialogForm>
  );
}
