import { useState } from 'react';
import { Alert, Button, Group, List, Stack, Text } from '@mantine/core';
import { Modal } from '../../components/Modal';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { TenantDetail } from '../../../src-shared/contract/models';
import { api } from '../../api/client';
import { errorMessage, isApiError } from '../../api/api-error';
import { formatDateTime } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useJob } from '../../lib/use-job';
import { codeMatches, ConfirmCodeInput } from '../tenants/detail/ConfirmCodeInput';
import { isForcedDeletion } from './backup-labels';
import { JobProgress } from './JobProgress';
import { invalidate } from '../../store/invalidation';

/**
 * Delete a tenant: a verified pre-deletion backup is made first (main refuses otherwise),
 * then its database and role are dropped; the registry keeps a tombstone naming that backup.
 */
export function DeleteTenantModal({ tenant, opened, onClose }: { tenant: TenantDetail; opened: boolean; onClose: () => void }) {
  const job = useJob();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const forced = isForcedDeletion(tenant);
  const ready = codeMatches(code, tenant.tenantCode);

  async function start() {
    if (!ready) return;
    setError(null);
    try {
      const result = await job.run((requestId) =>
        api().call('tenants:delete', { ref: tenant.tenantCode, ...(forced ? { confirmCode: code.trim() } : {}), requestId }),
      );
      notifySuccess('Tenant deleted', `${result.tenantCode}: database and role dropped; the final backup is kept.`);
      onClose();
      setCode('');
    } catch (failure) {
      if (isApiError(failure) && failure.code === 'CANCELLED') setError('The deletion was cancelled before anything was dropped.');
      else {
        setError(errorMessage(failure));
        notifyError(`Could not delete ${tenant.tenantCode}`, failure);
      }
    } finally {
      invalidate({ event: 'tenant:deleted', tenantCode: tenant.tenantCode });
    }
  }

  return (
    <Modal
      opened={opened}
      onClose={() => !job.running && onClose()}
      title={<Text fw={650} size="lg">Delete tenant</Text>}
      size={520}
      data-testid="delete-modal"
    >
      <Stack gap="md">
        <Text size="sm">
          Deletes <b>{tenant.companyName}</b> for good:
        </Text>
        <List size="sm" spacing={4} withPadding>
          <List.Item>first a final backup is made and verified (kind “Before deletion”, never pruned) — nothing is dropped unless it succeeds;</List.Item>
          <List.Item>
            then the database <Text span ff="monospace" size="sm">{tenant.databaseName}</Text> and the role{' '}
            <Text span ff="monospace" size="sm">{tenant.dbRole}</Text> are dropped;
          </List.Item>
          <List.Item>the registry keeps the tenant as deleted, pointing at the final backup, which can be restored as a new tenant.</List.Item>
        </List>
        {forced && (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="Forced deletion" data-testid="delete-forced">
            {tenant.status === 'cancelled' && tenant.deletionScheduledAt
              ? `${tenant.tenantCode} is within its retention period (deletion scheduled ${formatDateTime(tenant.deletionScheduledAt)}).`
              : `${tenant.tenantCode} is ${tenant.status}, not cancelled.`}{' '}
            Deleting it now is recorded as forced.
          </Alert>
        )}
        <ConfirmCodeInput tenantCode={tenant.tenantCode} value={code} onChange={setCode} />
        {job.running && <JobProgress job={job} label={`Deleting ${tenant.tenantCode}`} />}
        {error && (
          <Alert color="red" variant="light" data-testid="delete-error">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={job.running}>
            Keep tenant
          </Button>
          <Button color="red" onClick={() => void start()} loading={job.running} disabled={!ready} data-testid="confirm-delete">
            Back up and delete
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
