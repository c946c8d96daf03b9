import { useState } from 'react';
import { Alert, Button, Group, List, Modal, Stack, Text, Textarea } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import type { TenantDetail } from '../../../../src-shared/contract/models';
import type { StatusAction } from '../../../../src-shared/domain/status';
import { REASON_MAX, reasonSchema } from '../../../../src-shared/domain/tenant-fields';
import { formatDate } from '../../../lib/format';
import { useReferenceStore } from '../../../store/reference-store';
import { useTenantDetailStore } from '../../../store/tenant-detail-store';
import { codeMatches, ConfirmCodeInput } from './ConfirmCodeInput';

/** The same reason rule main applies; null when the reason is acceptable. */
function reasonProblem(reason: string): string | null {
  const parsed = reasonSchema.safeParse(reason);
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? 'The reason is not acceptable.');
}

interface ActionModalProps {
  readonly tenant: TenantDetail;
  readonly onClose: () => void;
}

/** `action` stays set while the modal animates out, so its content does not vanish mid-fade. */
export function StatusActionModal({
  action,
  opened,
  tenant,
  onClose,
}: ActionModalProps & { action: StatusAction; opened: boolean }) {
  const title = action === 'suspend' ? 'Suspend tenant' : action === 'activate' ? 'Activate tenant' : 'Cancel tenant';
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={
        <Text fw={650} size="lg">
          {title}
        </Text>
      }
      size={500}
      data-testid={`${action}-modal`}
    >
      {action === 'suspend' && <SuspendForm tenant={tenant} onClose={onClose} />}
      {action === 'activate' && <ActivateForm tenant={tenant} onClose={onClose} />}
      {action === 'cancel' && <CancelForm tenant={tenant} onClose={onClose} />}
    </Modal>
  );
}

function ReasonField({
  value,
  onChange,
  required,
  showError,
}: {
  value: string;
  onChange: (value: string) => void;
  required: boolean;
  showError: boolean;
}) {
  const problem = required || value.trim() !== '' ? reasonProblem(value) : null;
  return (
    <Textarea
      label="Reason"
      description={required ? 'Recorded with the tenant and in the audit log.' : 'Optional; recorded with the tenant and in the audit log.'}
      placeholder={required ? 'e.g. Invoice INV-2041 unpaid for 30 days' : 'e.g. Customer moved to another provider'}
      withAsterisk={required}
      autosize
      minRows={2}
      maxRows={5}
      maxLength={REASON_MAX + 20}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      error={showError ? problem : null}
      data-autofocus
      data-testid="action-reason"
    />
  );
}

function SuspendForm({ tenant, onClose }: ActionModalProps) {
  const suspend = useTenantDetailStore((state) => state.suspend);
  const busy = useTenantDetailStore((state) => state.busyAction === 'suspend');
  const [reason, setReason] = useState('');
  const [code, setCode] = useState('');
  const [touched, setTouched] = useState(false);
  const ready = reasonProblem(reason) === null && codeMatches(code, tenant.tenantCode);

  return (
    <form
      onSubmit={async (event) => {
        event.preventDefault();
        setTouched(true);
        if (!ready) return;
        const outcome = await suspend(reason);
        if (outcome !== 'failed') onClose();
      }}
    >
      <Stack gap="md">
        <Text size="sm">
          <b>{tenant.companyName}</b> loses access at once. In PostgreSQL:
        </Text>
        <List size="sm" spacing={4} withPadding>
          <List.Item>its login role <Text span ff="monospace" size="sm">{tenant.dbRole}</Text> is set to NOLOGIN;</List.Item>
          <List.Item>its open sessions are terminated and CONNECT is revoked;</List.Item>
          <List.Item>its data stays intact; backups and usage remain available to you.</List.Item>
        </List>
        <ReasonField value={reason} onChange={(value) => { setReason(value); if (value.trim()) setTouched(true); }} required showError={touched} />
        <ConfirmCodeInput tenantCode={tenant.tenantCode} value={code} onChange={setCode} />
        <Group justify="flex-end" mt="xs">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Back
          </Button>
          <Button type="submit" color="orange" loading={busy} disabled={!ready} data-testid="confirm-suspend">
            Suspend tenant
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function ActivateForm({ tenant, onClose }: ActionModalProps) {
  const activate = useTenantDetailStore((state) => state.activate);
  const busy = useTenantDetailStore((state) => state.busyAction === 'activate');
  return (
    <Stack gap="md">
      <Text size="sm">
        Activate <b>{tenant.companyName}</b> ({tenant.tenantCode})? Its login role can log in and connect to its database again
        {tenant.status === 'cancelled' ? ', and the scheduled deletion is called off' : ''}.
      </Text>
      {tenant.statusReason && (
        <Alert variant="light" color="gray" icon={<IconInfoCircle size={18} />} title={`Reason it was ${tenant.status}`}>
          {tenant.statusReason}
        </Alert>
      )}
      <Group justify="flex-end" mt="xs">
        <Button variant="default" onClick={onClose} disabled={busy}>
          Back
        </Button>
        <Button
          color="green"
          loading={busy}
          data-autofocus
          data-testid="confirm-activate"
          onClick={async () => {
            const outcome = await activate();
            if (outcome !== 'failed') onClose();
          }}
        >
          Activate tenant
        </Button>
      </Group>
    </Stack>
  );
}

function CancelForm({ tenant, onClose }: ActionModalProps) {
  const cancel = useTenantDetailStore((state) => state.cancel);
  const busy = useTenantDetailStore((state) => state.busyAction === 'cancel');
  const retentionDays = useReferenceStore((state) => state.settings?.cancellationRetentionDays ?? null);
  const [reason, setReason] = useState('');
  const [code, setCode] = useState('');
  const reasonOk = reason.trim() === '' || reasonProblem(reason) === null;
  const ready = reasonOk && codeMatches(code, tenant.tenantCode);
  const deletionDate = retentionDays ? formatDate(new Date(Date.now() + retentionDays * 86_400_000).toISOString()) : null;

  return (
    <form
      onSubmit={async (event) => {
        event.preventDefault();
        if (!ready) return;
        const outcome = await cancel(reason.trim() === '' ? undefined : reason);
        if (outcome !== 'failed') onClose();
      }}
    >
      <Stack gap="md">
        <Text size="sm">
          <b>{tenant.companyName}</b> loses access at once, as when suspended, and its database is scheduled for deletion.
        </Text>
        <Alert variant="light" color="red" icon={<IconInfoCircle size={18} />} data-testid="cancel-retention">
          {retentionDays
            ? `The database ${tenant.databaseName} will be deleted after the ${retentionDays}-day retention period (around ${deletionDate}). Until then you can reactivate the tenant.`
            : `The database ${tenant.databaseName} will be deleted after the retention period. Until then you can reactivate the tenant.`}
        </Alert>
        <ReasonField value={reason} onChange={setReason} required={false} showError />
        <ConfirmCodeInput tenantCode={tenant.tenantCode} value={code} onChange={setCode} />
        <Group justify="flex-end" mt="xs">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Keep tenant
          </Button>
          <Button type="submit" color="red" loading={busy} disabled={!ready} data-testid="confirm-cancel">
            Cancel tenant
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
