import { useEffect, useState } from 'react';
import { Alert, Button, Group, List, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { Modal } from '../../components/Modal';
import { IconCircleCheck, IconInfoCircle } from '@tabler/icons-react';
import type { Backup, RestoreResult } from '../../../src-shared/contract/backup-models';
import type { TenantDetail } from '../../../src-shared/contract/models';
import { subdomainSchema } from '../../../src-shared/domain/subdomain';
import { companyNameSchema } from '../../../src-shared/domain/tenant-fields';
import { api } from '../../api/client';
import { errorMessage, isApiError } from '../../api/api-error';
import { formatBytes, formatCount, formatDateTime } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useJob } from '../../lib/use-job';
import { useTenantDetailStore } from '../../store/tenant-detail-store';
import { CredentialsView } from '../tenants/create/CredentialsView';
import { codeMatches, ConfirmCodeInput } from '../tenants/detail/ConfirmCodeInput';
import { BACKUP_KIND_LABELS } from './backup-labels';
import { JobProgress } from './JobProgress';
import { invalidate } from '../../store/invalidation';

type Mode = 'as-new' | 'in-place';

interface RestoreModalProps {
  readonly tenant: TenantDetail;
  readonly backups: readonly Backup[];
  readonly initial: Backup | null;
  readonly opened: boolean;
  readonly onClose: () => void;
}

const problemOf = (schema: typeof subdomainSchema | typeof companyNameSchema, value: string): string | null => {
  const parsed = schema.safeParse(value);
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? 'Not acceptable.');
};

/**
 * Restore from a backup, as a new tenant (a copy or sandbox, with its own credentials shown
 * once) or in place (the tenant's data replaced, after a safety backup of its current state).
 * Main verifies the whole archive before anything is touched, and the restored database
 * against the archive before it reports done.
 */
export function RestoreModal({ tenant, backups, initial, opened, onClose }: RestoreModalProps) {
  const job = useJob();
  const [backupId, setBackupId] = useState<string | null>(initial?.id ?? null);
  const [mode, setMode] = useState<Mode>('as-new');
  const [subdomain, setSubdomain] = useState(`${tenant.subdomain}-copy`);
  const [companyName, setCompanyName] = useState(`${tenant.companyName} (copy)`);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ result: RestoreResult; copy: TenantDetail | null } | null>(null);

  useEffect(() => {
    if (!opened) return;
    setBackupId(initial?.id ?? backups[0]?.id ?? null);
    setMode('as-new');
    setSubdomain(`${tenant.subdomain}-copy`.slice(0, 63));
    setCompanyName(`${tenant.companyName} (copy)`.slice(0, 200));
    setCode('');
    setError(null);
    setDone(null);
    // Only when the dialog opens: later catalog refreshes keep the operator's choices.
  }, [opened]);

  const backup = backups.find((entry) => entry.id === backupId) ?? null;
  const subdomainProblem = mode === 'as-new' ? problemOf(subdomainSchema, subdomain) : null;
  const companyProblem = mode === 'as-new' ? problemOf(companyNameSchema, companyName) : null;
  const inPlaceAllowed = tenant.status !== 'deleted';
  const ready = backup !== null && (mode === 'as-new' ? !subdomainProblem && !companyProblem : inPlaceAllowed && codeMatches(code, tenant.tenantCode));

  async function start() {
    if (!backup || !ready) return;
    setError(null);
    try {
      const result = await job.run((requestId) =>
        api().call(
          'backups:restore',
          mode === 'as-new'
            ? { backupId: backup.id, mode, subdomain: subdomain.trim().toLowerCase(), companyName: companyName.trim(), requestId }
            : { backupId: backup.id, mode, requestId },
        ),
      );
      const copy = result.mode === 'as-new' ? await api().call('tenants:get', { ref: result.tenantCode }) : null;
      setDone({ result, copy });
      notifySuccess(
        result.mode === 'as-new' ? 'Restored as a new tenant' : 'Restored in place',
        `${result.tenantCode}: ${formatCount(result.rows)} rows in ${result.tables} tables, verified against the backup.`,
      );
    } catch (failure) {
      if (isApiError(failure) && failure.code === 'CANCELLED') setError('The restore was cancelled. Nothing was changed.');
      else {
        setError(errorMessage(failure));
        notifyError('The restore failed', failure);
      }
    } finally {
      // The drawer, its journal and backups reload; a copy restored as new shows up in the list.
      invalidate({ event: 'tenant:restored', tenantCode: backup.tenantCode });
    }
  }

  const close = () => {
    if (job.running) return;
    onClose();
  };

  const title = done?.result.mode === 'as-new' ? 'Restored as a new tenant' : 'Restore from a backup';
  return (
    <Modal opened={opened} onClose={close} title={<Text fw={650} size="lg">{title}</Text>} size={done?.copy ? 620 : 540} data-testid="restore-modal">
      {done?.copy && done.result.credentials ? (
        <CredentialsView
          tenant={done.copy}
          credentials={done.result.credentials}
          steps={[]}
          elapsedMs={0}
          onDone={close}
          onOpenTenant={() => {
            const next = done.copy!.tenantCode;
            close();
            useTenantDetailStore.getState().open(next);
          }}
        />
      ) : done ? (
        <Stack gap="md">
          <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} title={`${done.result.tenantCode} restored in place`} data-testid="restore-done">
            {formatCount(done.result.rows)} rows in {done.result.tables} tables, checked against the backup. The state before the restore
            was backed up first{done.result.safetyBackupId ? ' (listed as “Before restore”)' : ''}.
          </Alert>
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <Stack gap="md">
          <Select
            label="Backup"
            data={backups
              .filter((entry) => entry.format === 'tc-archive')
              .map((entry) => ({
                value: entry.id,
                label: `${formatDateTime(entry.madeAt)} · ${BACKUP_KIND_LABELS[entry.kind]} · ${formatBytes(entry.sizeBytes)}`,
              }))}
            value={backupId}
            onChange={setBackupId}
            allowDeselect={false}
            disabled={job.running}
            data-testid="restore-backup"
          />
          <SegmentedControl
            fullWidth
            value={mode}
            onChange={(value) => setMode(value as Mode)}
            disabled={job.running}
            data={[
              { value: 'as-new', label: 'As a new tenant' },
              { value: 'in-place', label: 'In place', disabled: !inPlaceAllowed },
            ]}
            data-testid="restore-mode"
          />
          {mode === 'as-new' ? (
            <>
              <Text size="sm" c="dimmed">
                A copy with its own database, role and password — for a sandbox, an audit, or to recover rows by hand. {tenant.tenantCode}{' '}
                is not touched.
              </Text>
              <TextInput
                label="Subdomain of the copy"
                value={subdomain}
                onChange={(event) => setSubdomain(event.currentTarget.value)}
                error={subdomainProblem}
                disabled={job.running}
                autoComplete="off"
                spellCheck={false}
                data-testid="restore-subdomain"
              />
              <TextInput
                label="Company name"
                value={companyName}
                onChange={(event) => setCompanyName(event.currentTarget.value)}
                error={companyProblem}
                disabled={job.running}
                data-testid="restore-company"
              />
            </>
          ) : (
            <>
              <Alert color="orange" variant="light" icon={<IconInfoCircle size={18} />} title="Replaces the tenant’s current data" data-testid="restore-in-place-note">
                <List size="sm" spacing={2}>
                  <List.Item>First, the current state of {tenant.tenantCode} is backed up (kind “Before restore”), so this can be undone.</List.Item>
                  <List.Item>The backup is loaded into a new database and checked table by table; only then are the databases swapped.</List.Item>
                  <List.Item>Open sessions end during the swap; the code, role, password and status stay as they are.</List.Item>
                </List>
              </Alert>
              <ConfirmCodeInput tenantCode={tenant.tenantCode} value={code} onChange={setCode} />
            </>
          )}
          {job.running && <JobProgress job={job} label={mode === 'as-new' ? 'Restoring as a new tenant' : `Restoring ${tenant.tenantCode} in place`} />}
          {error && (
            <Alert color="red" variant="light" data-testid="restore-error">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={job.running}>
              Back
            </Button>
            <Button onClick={() => void start()} loading={job.running} disabled={!ready} color={mode === 'in-place' ? 'orange' : undefined} data-testid="restore-confirm">
              {mode === 'as-new' ? 'Restore as new tenant' : 'Restore in place'}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
