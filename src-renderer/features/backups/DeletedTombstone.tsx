import { useEffect, useState } from 'react';
import { Alert, Text } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import type { Backup } from '../../../src-shared/contract/backup-models';
import type { TenantDetail } from '../../../src-shared/contract/models';
import { api } from '../../api/client';
import { formatDateTime } from '../../lib/format';
import { CopyPath } from './CopyPath';

/** A deleted tenant: what is left (the registry entry) and where its final backup is. */
export function DeletedTombstone({ tenant }: { tenant: TenantDetail }) {
  const [finalBackup, setFinalBackup] = useState<Backup | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    api()
      .call('backups:list', { ref: tenant.tenantCode, limit: 200 })
      .then((backups) => live && setFinalBackup(backups.find((backup) => backup.kind === 'pre-deletion') ?? null))
      .catch(() => live && setFinalBackup(null));
    return () => {
      live = false;
    };
  }, [tenant.tenantCode]);

  return (
    <Alert variant="light" color="gray" icon={<IconTrash size={18} />} title="Deleted — database and role dropped" data-testid="tombstone">
      <Text size="sm" mb={6}>
        Deleted {formatDateTime(tenant.statusChangedAt)}. The registry keeps this entry; the data lives on only in its final backup
        {finalBackup ? `, made ${formatDateTime(finalBackup.madeAt)}:` : '.'}
      </Text>
      {finalBackup && <CopyPath path={finalBackup.location} testId="tombstone-backup" />}
      {finalBackup === null && (
        <Text size="sm" c="dimmed">
          The final backup is no longer in the catalog.
        </Text>
      )}
    </Alert>
  );
}
