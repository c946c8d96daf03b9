import { useState } from 'react';
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { Modal } from '../../components/Modal';
import { IconCircleCheck, IconInfoCircle } from '@tabler/icons-react';
import type { ExportResult } from '../../../src-shared/contract/backup-models';
import type { TenantDetail } from '../../../src-shared/contract/models';
import { api } from '../../api/client';
import { errorMessage, isApiError } from '../../api/api-error';
import { formatBytes, formatCount } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useJob } from '../../lib/use-job';
import { exportPathFor } from './backup-labels';
import { CopyPath } from './CopyPath';
import { JobProgress } from './JobProgress';
import { invalidate } from '../../store/invalidation';

/**
 * Export for the customer: one CSV per table and a readable manifest in a zip, written into
 * the backup folder on the console's machine. Asks only for confirmation; shows where it went.
 */
export function ExportModal({ tenant, opened, onClose }: { tenant: TenantDetail; opened: boolean; onClose: () => void }) {
  const job = useJob();
  const [result, setResult] = useState<ExportResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function start() {
    setError(null);
    try {
      const settings = await api().call('backups:getSettings', {});
      const file = exportPathFor(settings.directory, tenant.tenantCode);
      const exported = await job.run((requestId) => api().call('backups:export', { ref: tenant.tenantCode, file, requestId }));
      setResult(exported);
      notifySuccess('Export written', `${tenant.tenantCode}: ${exported.tables} tables as CSV, ${formatBytes(exported.sizeBytes)}.`);
    } catch (failure) {
      if (isApiError(failure) && failure.code === 'CANCELLED') {
        setError('The export was cancelled; no file was left behind.');
      } else {
        setError(errorMessage(failure));
        notifyError(`Could not export ${tenant.tenantCode}`, failure);
      }
    } finally {
      invalidate({ event: 'tenant:exported', tenantCode: tenant.tenantCode });
    }
  }

  const close = () => {
    if (job.running) return;
    onClose();
    setResult(null);
    setError(null);
  };

  return (
    <Modal opened={opened} onClose={close} title={<Text fw={650} size="lg">Export for the customer</Text>} size={520} data-testid="export-modal">
      <Stack gap="md">
        {result ? (
          <>
            <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} title="Export written" data-testid="export-done">
              {result.tables} tables, {formatCount(result.rows)} rows, {formatBytes(result.sizeBytes)}. The zip is on the console’s machine:
            </Alert>
            <CopyPath path={result.file} testId="export-path" />
            <Group justify="flex-end">
              <Button onClick={close} data-testid="export-close">
                Done
              </Button>
            </Group>
          </>
        ) : (
          <>
            <Text size="sm">
              Writes every table of <b>{tenant.companyName}</b> as CSV (with a header row), plus a readable manifest and README, into one
              zip that opens anywhere — the customer’s data without lock-in. The tenant keeps working meanwhile.
            </Text>
            <Alert color="gray" variant="light" icon={<IconInfoCircle size={18} />}>
              The file goes into the backup folder (Settings → Backups), under <b>exports</b>.
            </Alert>
            {job.running && <JobProgress job={job} label={`Exporting ${tenant.tenantCode}`} />}
            {error && (
              <Alert color="red" variant="light" data-testid="export-error">
                {error}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close} disabled={job.running}>
                Back
              </Button>
              <Button onClick={() => void start()} loading={job.running} data-testid="export-confirm">
                Export
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Modal>
  );
}
