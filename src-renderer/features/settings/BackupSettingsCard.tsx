import { useState } from 'react';
import { Alert, Button, Divider, Group, NumberInput, Skeleton, Stack, Switch, Text, TextInput } from '@mantine/core';
import { IconCalendarX, IconScissors } from '@tabler/icons-react';
import type { BackupSettings, PrunePreview, ScheduledDeletionsPreview } from '../../../src-shared/contract/backup-models';
import { filePathSchema } from '../../../src-shared/contract/backup-channels';
import { api } from '../../api/client';
import { LoadErrorAlert } from '../../components/LoadErrorAlert';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useQuery } from '../../lib/use-query';
import { invalidate } from '../../store/invalidation';
import { useActionBlock, useActionBlocks } from '../../store/action-block';
import { BlockedAction } from '../offline/BlockedAction';
import { DeletionsConfirmModal, PruneConfirmModal } from './FleetJobConfirmModals';

/**
 * Where backups go and how many are kept, plus the two fleet jobs an operator runs from
 * here: prune (retention) and the scheduled deletions of cancelled tenants past retention.
 */
export function BackupSettingsCard() {
  const settings = useQuery(() => api().call('backups:getSettings', {}), []);
  const saved = settings.value;

  if (settings.error !== null && !settings.loading) return <LoadErrorAlert title="Backup settings could not be loaded" message={settings.error} onRetry={settings.reload} />;
  if (!saved) return <Skeleton h={160} />;
  return (
    <Stack gap="lg" data-testid="backup-settings">
      <BackupSettingsForm key={`${saved.directory}|${saved.keepLast}|${saved.requireSigned}`} saved={saved} onSaved={settings.set} />
      <Divider />
      <FleetJobs />
    </Stack>
  );
}

function BackupSettingsForm({ saved, onSaved }: { saved: BackupSettings; onSaved: (settings: BackupSettings) => void }) {
  const [directory, setDirectory] = useState(saved.directory);
  const [keepLast, setKeepLast] = useState<number | string>(saved.keepLast);
  const [requireSigned, setRequireSigned] = useState(saved.requireSigned);
  const [saving, setSaving] = useState(false);
  const blocked = useActionBlock('backups:updateSettings');
  const parsedDirectory = filePathSchema.safeParse(directory.trim());
  const directoryProblem = parsedDirectory.success ? null : (parsedDirectory.error.issues[0]?.message ?? 'Not a usable path.');
  const keep = typeof keepLast === 'number' ? keepLast : Number.NaN;
  const keepProblem = Number.isInteger(keep) && keep >= 1 && keep <= 1000 ? null : 'Between 1 and 1000.';
  const dirty = directory.trim() !== saved.directory || keep !== saved.keepLast || requireSigned !== saved.requireSigned;

  async function save() {
    setSaving(true);
    try {
      onSaved(await api().call('backups:updateSettings', { directory: directory.trim(), keepLast: keep, requireSigned }));
      notifySuccess('Backup settings saved', 'New backups and exports use them at once.');
    } catch (failure) {
      notifyError('Could not save the backup settings', failure);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Stack gap="md">
      <TextInput
        label="Backup folder"
        description="An absolute path on the console’s machine; a mounted network share works. Exports go into its exports folder."
        value={directory}
        onChange={(event) => setDirectory(event.currentTarget.value)}
        error={directoryProblem}
        spellCheck={false}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        data-testid="backup-directory"
      />
      <NumberInput
        label="Keep the newest backups per tenant"
        description="Pruning removes older ones; backups made before a deletion are always kept."
        value={keepLast}
        onChange={setKeepLast}
        min={1}
        max={1000}
        w={320}
        error={keepProblem}
        data-testid="backup-keep-last"
      />
      <Switch
        label="Restore signed backups only"
        description="Every backup carries an HMAC made with this console’s key (kept in its secret store). When on, unsigned archives (older ones) and archives signed by another console are refused for restore."
        checked={requireSigned}
        onChange={(event) => setRequireSigned(event.currentTarget.checked)}
        data-testid="backup-require-signed"
      />
      <Text size="xs" c="dimmed" data-testid="backup-pg-dump">
        {saved.pgDump ? `pg_dump format available: ${saved.pgDump}` : 'No pg_dump matching the server’s version on PATH: backups use the console’s own archive format.'}
      </Text>
      <Group justify="flex-end">
        <BlockedAction reason={blocked} testId="backup-settings-save-blocked">
          <Button onClick={() => void save()} loading={saving} disabled={!dirty || directoryProblem !== null || keepProblem !== null || blocked !== null} data-testid="backup-settings-save">
            Save
          </Button>
        </BlockedAction>
      </Group>
    </Stack>
  );
}

/**
 * Prune and scheduled deletions remove what cannot be brought back, so neither runs on one
 * click: the button fetches main's preview (the same decision the run makes), the dialog
 * lists it, and the run is asked to do exactly what was confirmed.
 */
function FleetJobs() {
  const [running, setRunning] = useState<'prune' | 'deletions' | null>(null);
  const [previewing, setPreviewing] = useState<'prune' | 'deletions' | null>(null);
  const [prunePreview, setPrunePreview] = useState<PrunePreview | null>(null);
  const [deletionsPreview, setDeletionsPreview] = useState<ScheduledDeletionsPreview | null>(null);
  const [report, setReport] = useState<{ color: string; title: string; lines: string[] } | null>(null);
  const blockOf = useActionBlocks();
  const pruneBlocked = blockOf('backups:prune');
  const deletionsBlocked = blockOf('tenants:runScheduledDeletions');

  async function preview<T>(which: 'prune' | 'deletions', load: () => Promise<T>, show: (value: T) => void) {
    setPreviewing(which);
    setReport(null);
    try {
      show(await load());
    } catch (failure) {
      notifyError(which === 'prune' ? 'Could not list the backups to prune' : 'Could not list the tenants due for deletion', failure);
    } finally {
      setPreviewing(null);
    }
  }

  async function prune(confirmed: PrunePreview) {
    setRunning('prune');
    try {
      const result = await api().call('backups:prune', { backupIds: confirmed.backups.map((backup) => backup.id) });
      setReport({
        color: result.skipped.length > 0 ? 'orange' : 'teal',
        title: `Pruned ${result.removed.length} ${result.removed.length === 1 ? 'backup' : 'backups'}; ${result.kept} kept`,
        lines: [
          ...result.removed.slice(0, 8).map((entry) => `${entry.tenantCode}: ${entry.location}`),
          ...(result.removed.length > 8 ? [`… and ${result.removed.length - 8} more`] : []),
          ...result.skipped.map((id) => `${id.slice(0, 8)}: no longer due when the prune ran, left alone`),
        ],
      });
    } catch (failure) {
      notifyError('Pruning failed', failure);
    } finally {
      setRunning(null);
      setPrunePreview(null);
    }
  }

  async function runDeletions(confirmed: ScheduledDeletionsPreview) {
    setRunning('deletions');
    try {
      const result = await api().call('tenants:runScheduledDeletions', { tenantCodes: confirmed.tenants.map((tenant) => tenant.tenantCode) });
      setReport({
        color: result.failed.length > 0 || result.skipped.length > 0 ? 'orange' : 'teal',
        title: `Deleted ${result.deleted.length} cancelled ${result.deleted.length === 1 ? 'tenant' : 'tenants'} past retention${result.failed.length ? `; ${result.failed.length} failed` : ''}`,
        lines: [
          ...result.deleted.map((entry) => `${entry.tenantCode}: deleted, final backup ${entry.finalBackupId.slice(0, 8)}`),
          ...result.failed.map((entry) => `${entry.tenantCode}: ${entry.message}`),
          ...result.skipped.map((code) => `${code}: no longer due when the run came, left alone`),
        ],
      });
      invalidate({ event: 'tenants:scheduledDeletionsRan' });
    } catch (failure) {
      notifyError('Scheduled deletions failed', failure);
    } finally {
      setRunning(null);
      setDeletionsPreview(null);
    }
  }

  return (
    <Stack gap="sm">
      <Text size="sm" fw={600}>
        Fleet jobs
      </Text>
      <Group gap="xs">
        <BlockedAction reason={pruneBlocked} testId="prune-backups-blocked">
          <Button variant="default" leftSection={<IconScissors size={16} />} loading={previewing === 'prune'} disabled={running !== null || previewing !== null || pruneBlocked !== null} onClick={() => void preview('prune', () => api().call('backups:prunePreview', {}), setPrunePreview)} data-testid="prune-backups">
            Prune backups…
          </Button>
        </BlockedAction>
        <BlockedAction reason={deletionsBlocked} testId="run-deletions-blocked">
          <Button variant="default" color="red" leftSection={<IconCalendarX size={16} />} loading={previewing === 'deletions'} disabled={running !== null || previewing !== null || deletionsBlocked !== null} onClick={() => void preview('deletions', () => api().call('tenants:scheduledDeletionsPreview', {}), setDeletionsPreview)} data-testid="run-deletions">
            Run scheduled deletions…
          </Button>
        </BlockedAction>
      </Group>
      <Text size="xs" c="dimmed">
        Both list what they would remove and ask first. Scheduled deletions back up (verified) and then delete every cancelled tenant whose retention has ended.
      </Text>
      <PruneConfirmModal preview={prunePreview} running={running === 'prune'} onConfirm={() => prunePreview && void prune(prunePreview)} onClose={() => setPrunePreview(null)} />
      <DeletionsConfirmModal preview={deletionsPreview} running={running === 'deletions'} onConfirm={() => deletionsPreview && void runDeletions(deletionsPreview)} onClose={() => setDeletionsPreview(null)} />
      {report && (
        <Alert color={report.color} variant="light" title={report.title} withCloseButton onClose={() => setReport(null)} data-testid="fleet-job-report">
          {report.lines.length > 0 &&
            report.lines.map((line) => (
              <Text key={line} size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
                {line}
              </Text>
            ))}
        </Alert>
      )}
    </Stack>
  );
}
