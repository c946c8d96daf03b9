import { useEffect, useState } from 'react';
import { Badge, Button, Group, Paper, Skeleton, Stack, Text, Tooltip } from '@mantine/core';
import { IconCloudUpload, IconDatabaseImport, IconFileZip, IconRosetteDiscountCheck, IconShieldCheck } from '@tabler/icons-react';
import type { Backup, VerifyReport } from '../../../src-shared/contract/backup-models';
import type { TenantDetail } from '../../../src-shared/contract/models';
import { api } from '../../api/client';
import { isApiError } from '../../api/api-error';
import { LoadErrorAlert } from '../../components/LoadErrorAlert';
import { formatBytes, formatCount, formatDateTime, formatRelative } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useJob } from '../../lib/use-job';
import { useBackupsStore } from '../../store/backups-store';
import { useActionBlocks } from '../../store/action-block';
import { BlockedAction } from '../offline/BlockedAction';
import { BACKUP_KIND_COLORS, BACKUP_KIND_LABELS, shortChecksum } from './backup-labels';
import { CopyPath } from './CopyPath';
import { ExportModal } from './ExportModal';
import { JobProgress } from './JobProgress';
import { RestoreModal } from './RestoreModal';
import { invalidate } from '../../store/invalidation';

/** The tenant drawer's Backups tab: Back up now, Export, Restore…, and the tenant's catalog. */
export function BackupsPanel({ tenant }: { tenant: TenantDetail }) {
  const backups = useBackupsStore((state) => (state.tenantCode === tenant.tenantCode ? state.backups : []));
  const status = useBackupsStore((state) => state.status);
  const error = useBackupsStore((state) => state.error);
  const job = useJob();
  const [exporting, setExporting] = useState(false);
  const [restoring, setRestoring] = useState<{ backup: Backup | null; opened: boolean }>({ backup: null, opened: false });
  const live = tenant.status !== 'deleted' && tenant.status !== 'provisioning';
  // Backups read the tenant database and write the catalog: offline (or for a viewer), they wait with the reason shown.
  const blockOf = useActionBlocks();
  const backupBlocked = blockOf('backups:create');
  const exportBlocked = blockOf('backups:export');
  const restoreBlocked = blockOf('backups:restore');

  useEffect(() => {
    void useBackupsStore.getState().load(tenant.tenantCode);
  }, [tenant.tenantCode]);

  async function backUpNow() {
    try {
      const backup = await job.run((requestId) => api().call('backups:create', { ref: tenant.tenantCode, requestId }));
      notifySuccess('Backup made and verified', `${tenant.tenantCode}: ${formatCount(backup.rowCount)} rows in ${backup.tableCount} tables, ${formatBytes(backup.sizeBytes)}.`);
    } catch (failure) {
      if (isApiError(failure) && failure.code === 'CANCELLED') notifySuccess('Backup cancelled', `No backup of ${tenant.tenantCode} was kept.`);
      else notifyError(`Could not back up ${tenant.tenantCode}`, failure);
    } finally {
      invalidate({ event: 'tenant:backedUp', tenantCode: tenant.tenantCode });
    }
  }

  return (
    <Stack gap="md" data-testid="backups-panel">
      <Group gap="xs">
        <BlockedAction reason={backupBlocked} testId="backup-now-blocked">
          <Button leftSection={<IconCloudUpload size={16} />} onClick={() => void backUpNow()} loading={job.running} disabled={!live || backupBlocked !== null} data-testid="backup-now">
            Back up now
          </Button>
        </BlockedAction>
        <BlockedAction reason={exportBlocked} testId="export-open-blocked">
          <Button variant="default" leftSection={<IconFileZip size={16} />} onClick={() => setExporting(true)} disabled={!live || job.running || exportBlocked !== null} data-testid="export-open">
            Export…
          </Button>
        </BlockedAction>
        <BlockedAction reason={restoreBlocked} testId="restore-open-blocked">
          <Button
            variant="default"
            leftSection={<IconDatabaseImport size={16} />}
            onClick={() => setRestoring({ backup: backups[0] ?? null, opened: true })}
            disabled={backups.length === 0 || job.running || restoreBlocked !== null}
            data-testid="restore-open"
          >
            Restore…
          </Button>
        </BlockedAction>
      </Group>

      {job.running && <JobProgress job={job} label={`Backing up ${tenant.tenantCode}`} />}

      {status === 'error' && backups.length === 0 ? (
        <LoadErrorAlert title="The backups could not be loaded" message={error} onRetry={() => void useBackupsStore.getState().load(tenant.tenantCode)} />
      ) : status === 'loading' && backups.length === 0 ? (
        <Stack gap="xs">
          <Skeleton h={84} radius="md" />
          <Skeleton h={84} radius="md" />
        </Stack>
      ) : backups.length === 0 ? (
        <Paper withBorder radius="md" p="lg" data-testid="backups-empty">
          <Text size="sm" c="dimmed" ta="center">
            No backups of {tenant.tenantCode} yet. Suspending or cancelling backs it up first; so does “Back up now”.
          </Text>
        </Paper>
      ) : (
        <Stack gap="xs" data-testid="backups-list">
          <Text size="xs" c="dimmed">
            {backups.length} {backups.length === 1 ? 'backup' : 'backups'}, newest first. Retention keeps the newest per tenant and every
            pre-deletion backup.
          </Text>
          {backups.map((backup) => (
            <BackupRow key={backup.id} backup={backup} onRestore={() => setRestoring({ backup, opened: true })} />
          ))}
        </Stack>
      )}

      <ExportModal tenant={tenant} opened={exporting} onClose={() => setExporting(false)} />
      <RestoreModal
        tenant={tenant}
        backups={backups}
        initial={restoring.backup}
        opened={restoring.opened}
        onClose={() => setRestoring((current) => ({ ...current, opened: false }))}
      />
    </Stack>
  );
}

/** What the manifest's HMAC (manifest.hmac) says about who made the archive. */
const SIGNATURE_WORDS: Record<NonNullable<VerifyReport['signature']>, string> = {
  signed: 'signed by this console',
  unsigned: 'unsigned: an older archive, or its signature was removed',
  'unknown-key': "signed with another console's key, which this console cannot check",
};

function BackupRow({ backup, onRestore }: { backup: Backup; onRestore: () => void }) {
  const [verifying, setVerifying] = useState(false);
  const [checked, setChecked] = useState<Pick<VerifyReport, 'ok' | 'problem' | 'signature'> | null>(null);

  async function verify() {
    setVerifying(true);
    try {
      const report = await api().call('backups:verify', { backupId: backup.id });
      setChecked({ ok: report.ok, problem: report.problem, signature: report.signature });
      if (report.ok) notifySuccess('Backup verified', `${formatCount(report.rows)} rows in ${report.tables.length} tables match their checksums; ${SIGNATURE_WORDS[report.signature ?? 'unsigned']}.`);
      else notifyError('The backup failed verification', new Error(report.problem ?? 'It does not match its manifest.'));
    } catch (failure) {
      notifyError('Could not verify the backup', failure);
    } finally {
      setVerifying(false);
    }
  }

  const damaged = checked !== null && !checked.ok;
  return (
    <Paper withBorder radius="md" p="sm" data-testid="backup-row" data-kind={backup.kind} data-backup-id={backup.id}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Group gap={6}>
            <Badge variant="light" color={BACKUP_KIND_COLORS[backup.kind]} tt="none" data-testid="backup-kind">
              {BACKUP_KIND_LABELS[backup.kind]}
            </Badge>
            {damaged ? (
              <Tooltip label={checked.problem ?? 'Does not match its manifest'} multiline w={260}>
                <Badge variant="filled" color="red" tt="none" data-testid="backup-damaged">
                  Damaged
                </Badge>
              </Tooltip>
            ) : backup.verifiedAt ? (
              <Tooltip label={`Verified ${formatDateTime(checked?.ok ? new Date().toISOString() : backup.verifiedAt)}`}>
                <Badge variant="light" color="teal" tt="none" leftSection={<IconShieldCheck size={12} />} data-testid="backup-verified">
                  Verified
                </Badge>
              </Tooltip>
            ) : (
              <Badge variant="outline" color="gray" tt="none">
                Not verified
              </Badge>
            )}
            {checked?.signature && (
              <Tooltip label={SIGNATURE_WORDS[checked.signature]} multiline w={260}>
                <Badge variant="outline" color={checked.signature === 'signed' ? 'teal' : 'orange'} tt="none" data-testid="backup-signature" data-signature={checked.signature}>
                  {checked.signature === 'signed' ? 'Signed' : checked.signature === 'unsigned' ? 'Unsigned' : 'Other key'}
                </Badge>
              </Tooltip>
            )}
            {backup.format === 'pg_dump' && (
              <Badge variant="outline" color="gray" tt="none">
                pg_dump
              </Badge>
            )}
          </Group>
          <Group gap={4} wrap="nowrap">
            <Button size="compact-xs" variant="subtle" leftSection={<IconRosetteDiscountCheck size={13} />} loading={verifying} onClick={() => void verify()} data-testid="backup-verify">
              Verify
            </Button>
            <Button size="compact-xs" variant="subtle" leftSection={<IconDatabaseImport size={13} />} onClick={onRestore} disabled={backup.format !== 'tc-archive'} data-testid="backup-restore">
              Restore
            </Button>
          </Group>
        </Group>
        <Text size="sm">
          <Tooltip label={formatDateTime(backup.madeAt)}>
            <Text span fw={600} size="sm">
              {formatRelative(backup.madeAt)}
            </Text>
          </Tooltip>
          <Text span c="dimmed" size="sm">
            {' '}
            by {backup.madeBy} · {formatBytes(backup.sizeBytes)} · {formatCount(backup.rowCount)} rows in {backup.tableCount} tables · schema v
            {backup.tenantSchemaVersion}
          </Text>
        </Text>
        <Group gap={6} wrap="nowrap" align="flex-start">
          <Tooltip label={`SHA-256 ${backup.sha256}`} multiline w={300}>
            <Text size="xs" c="dimmed" ff="monospace" style={{ whiteSpace: 'nowrap' }} data-testid="backup-checksum">
              sha256 {shortChecksum(backup.sha256)}
            </Text>
          </Tooltip>
          <CopyPath path={backup.location} testId="backup-location" />
        </Group>
      </Stack>
    </Paper>
  );
}
