import { useState } from 'react';
import { Alert, Button, Group, List, Stack, Text, Textarea } from '@mantine/core';
import { Modal } from '../../../components/Modal';
import { IconInfoCircle } from '@tabler/icons-react';
import type { TenantDetail } from '../../../../src-shared/contract/models';
import type { StatusAction } from '../../../../src-shared/domain/status';
import { REASON_MAX, reasonSchema } from '../../../../src-shared/domain/tenant-fields';
import { formatDate } from '../../../lib/format';
import { useReferenceStore } from '../../../store/reference-store';
import { useTenantDetailStore, type ActionOutcome, type BackupFirstOptions } from '../../../store/tenant-detail-store';
import { useJob } from '../../../lib/use-job';
import { JobProgress } from '../../backups/JobProgress';
import { BackupFailedPanel, BackupFirstCheckbox } from './BackupFirst';
import { isBackupFailure } from './backup-first-rules';
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

/**
 * The backup-first part of suspend and cancel: runs the action with a request id (the
 * backup's progress shows while it runs) and, when the backup failed, offers the override.
 */
function useBackupFirstAction(run: (options: BackupFirstOptions) => Promise<ActionOutcome>, onClose: () => void) {
  const job = useJob();
  const lastFailure = useTenantDetailStore((state) => state.lastFailure);
  const [backupFirst, setBackupFirst] = useState(true);
  const [failed, setFailed] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const failure = failed && isBackupFailure(lastFailure, backupFirst) ? lastFailure : null;

  async function go(overrideBackupFailure: boolean) {
    setFailed(false);
    setConfirming(false);
    const outcome = await job.run((requestId) => run({ backupFirst, overrideBackupFailure, requestId }));
    if (outcome !== 'failed') onClose();
    else setFailed(true);
  }
  return { job, backupFirst, setBackupFirst, failure, confirming, setConfirming, go };
}

/** "Back up first", the backup's progress, and what to do when it failed: the same for suspend and cancel. */
function BackupFirstSection({
  flow,
  busy,
  verb,
  progressLabel,
}: {
  flow: ReturnType<typeof useBackupFirstAction>;
  busy: boolean;
  verb: 'Suspend' | 'Cancel';
  progressLabel: string;
}) {
  return (
    <>
      <BackupFirstCheckbox checked={flow.backupFirst} onChange={flow.setBackupFirst} disabled={busy} />
      {busy && flow.backupFirst && <JobProgress job={flow.job} label={progressLabel} />}
      {flow.failure && !busy && (
        <BackupFailedPanel
          verb={verb}
          failure={flow.failure}
          confirming={flow.confirming}
          busy={busy}
          onAskOverride={() => flow.setConfirming(true)}
          onBack={() => flow.setConfirming(false)}
          onOverride={() => void flow.go(true)}
        />
      )}
    </>
  );
}

function SuspendForm({ tenant, onClose }: ActionModalProps) {
  const suspend = useTenantDetailStore((state) => state.suspend);
  const busy = useTenantDetailStore((state) => state.busyAction === 'suspend');
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  // Suspension is undone by Activate, so the reason is the whole confirmation; cancel and
  // delete, which lead to data going, keep the typed tenant code.
  const ready = reasonProblem(reason) === null;
  const flow = useBackupFirstAction((options) => suspend(reason, options), onClose);

  return (
    <form
      onSubmit={async (event) => {
        event.preventDefault();
        setTouched(true);
        if (!ready) return;
        await flow.go(false);
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
        <Text size="xs" c="dimmed">
          Activate undoes it at any time.
        </Text>
        <BackupFirstSection flow={flow} busy={busy} verb="Suspend" progressLabel={`Backing up ${tenant.tenantCode}, then suspending`} />
        <Group justify="flex-end" mt="xs" display={flow.failure && flow.confirming ? 'none' : undefined}>
          <Button variant="default" onClick={onClose} disabled={busy}>
            Back
          </Button>
          <Button type="submit" color="orange" loading={busy} disabled={!ready} data-testid="confirm-suspend">
            {flow.failure ? 'Try again' : 'Suspend tenant'}
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
  const flow = useBackupFirstAction((options) => cancel(reason.trim() === '' ? undefined : reason, options), onClose);

  return (
    <form
      onSubmit={async (event) => {
        event.preventDefault();
        if (!ready) return;
        await flow.go(false);
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
        <BackupFirstSection flow={flow} busy={busy} verb="Cancel" progressLabel={`Backing up ${tenant.tenantCode}, then cancelling`} />
        <Group justify="flex-end" mt="xs" display={flow.failure && flow.confirming ? 'none' : undefined}>
          <Button variant="default" onClick={onClose} disabled={busy}>
            Keep tenant
          </Button>
          <Button type="submit" color="red" loading={busy} disabled={!ready} data-testid="confirm-cancel">
            {flow.failure ? 'Try again' : 'Cancel tenant'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
