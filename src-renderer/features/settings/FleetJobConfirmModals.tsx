import { Alert, Button, Group, ScrollArea, Stack, Table, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { PrunePreview, ScheduledDeletionsPreview } from '../../../src-shared/contract/backup-models';
import { Modal } from '../../components/Modal';
import { formatBytes, formatDate, formatDateTime } from '../../lib/format';
import { BACKUP_KIND_LABELS } from '../backups/backup-labels';

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** The Back / confirm row, or only Close when there is nothing to confirm. */
function ConfirmButtons({ count, label, running, onConfirm, onClose, testId }: { count: number; label: string; running: boolean; onConfirm: () => void; onClose: () => void; testId: string }) {
  return (
    <Group justify="flex-end" mt="xs">
      <Button variant="default" onClick={onClose} disabled={running} data-autofocus data-testid="fleet-confirm-back">
        {count === 0 ? 'Close' : 'Back'}
      </Button>
      {count > 0 && (
        <Button color="red" loading={running} onClick={onConfirm} data-testid={testId}>
          {label}
        </Button>
      )}
    </Group>
  );
}

/**
 * What a prune removes, listed before it happens: each backup file with its size, and the
 * total. The run is asked to remove exactly these (main removes only those still due).
 */
export function PruneConfirmModal({ preview, running, onConfirm, onClose }: { preview: PrunePreview | null; running: boolean; onConfirm: () => void; onClose: () => void }) {
  const count = preview?.backups.length ?? 0;
  return (
    <Modal opened={preview !== null} onClose={() => !running && onClose()} title={<Text fw={650} size="lg">Prune backups</Text>} size={880} data-testid="prune-confirm">
      {preview && (
        <Stack gap="md">
          {count === 0 ? (
            <Text size="sm" data-testid="prune-nothing">
              Nothing to prune: no tenant has backups beyond the newest {preview.keepLast}. {plural(preview.kept, 'backup stays', 'backups stay')}.
            </Text>
          ) : (
            <>
              <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} data-testid="prune-summary">
                {plural(count, 'backup file', 'backup files')}, {formatBytes(preview.totalBytes)} in all, will be removed from disk for good. Every tenant keeps its newest {preview.keepLast}, and backups made before a deletion are never removed; {plural(preview.kept, 'backup stays', 'backups stay')}.
              </Alert>
              <ScrollArea.Autosize mah={360}>
                <Table striped withTableBorder fz="xs" data-testid="prune-list">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Tenant</Table.Th>
                      <Table.Th>Kind</Table.Th>
                      <Table.Th>Made</Table.Th>
                      <Table.Th ta="right">Size</Table.Th>
                      <Table.Th>File</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {preview.backups.map((backup) => (
                      <Table.Tr key={backup.id} data-testid="prune-item" data-backup-id={backup.id}>
                        <Table.Td ff="monospace">{backup.tenantCode}</Table.Td>
                        <Table.Td>{BACKUP_KIND_LABELS[backup.kind]}</Table.Td>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(backup.madeAt)}</Table.Td>
                        <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>{formatBytes(backup.sizeBytes)}</Table.Td>
                        <Table.Td ff="monospace" style={{ wordBreak: 'break-all' }}>{backup.location}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                  <Table.Tfoot>
                    <Table.Tr>
                      <Table.Th colSpan={3}>Total</Table.Th>
                      <Table.Th ta="right" style={{ whiteSpace: 'nowrap' }} data-testid="prune-total">{formatBytes(preview.totalBytes)}</Table.Th>
                      <Table.Th />
                    </Table.Tr>
                  </Table.Tfoot>
                </Table>
              </ScrollArea.Autosize>
              <Text size="xs" c="dimmed">
                Only the files listed here are removed: a backup that falls out of retention after this list was made stays until the next prune.
              </Text>
            </>
          )}
          <ConfirmButtons count={count} label={`Remove ${plural(count, 'backup', 'backups')}`} running={running} onConfirm={onConfirm} onClose={onClose} testId="confirm-prune" />
        </Stack>
      )}
    </Modal>
  );
}

/**
 * What a scheduled-deletions run deletes, listed before it happens: each tenant (code,
 * company) and the database dropped. The run is asked to delete exactly these.
 */
export function DeletionsConfirmModal({ preview, running, onConfirm, onClose }: { preview: ScheduledDeletionsPreview | null; running: boolean; onConfirm: () => void; onClose: () => void }) {
  const count = preview?.tenants.length ?? 0;
  return (
    <Modal opened={preview !== null} onClose={() => !running && onClose()} title={<Text fw={650} size="lg">Run scheduled deletions</Text>} size={760} data-testid="deletions-confirm">
      {preview && (
        <Stack gap="md">
          {count === 0 ? (
            <Text size="sm" data-testid="deletions-nothing">
              Nothing to delete: no cancelled tenant is past its retention period.
            </Text>
          ) : (
            <>
              <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} data-testid="deletions-summary">
                {plural(count, 'tenant', 'tenants')} will be deleted: each gets a verified final backup first (kept for good, restorable as a new tenant), then its database and login role are dropped.
              </Alert>
              <ScrollArea.Autosize mah={360}>
                <Table striped withTableBorder fz="xs" data-testid="deletions-list">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Code</Table.Th>
                      <Table.Th>Company</Table.Th>
                      <Table.Th>Database</Table.Th>
                      <Table.Th>Server</Table.Th>
                      <Table.Th>Due since</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {preview.tenants.map((tenant) => (
                      <Table.Tr key={tenant.tenantCode} data-testid="deletions-item" data-tenant-code={tenant.tenantCode}>
                        <Table.Td ff="monospace">{tenant.tenantCode}</Table.Td>
                        <Table.Td>{tenant.companyName}</Table.Td>
                        <Table.Td ff="monospace">{tenant.databaseName}</Table.Td>
                        <Table.Td>{tenant.serverName}</Table.Td>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(tenant.deletionScheduledAt)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollArea.Autosize>
              <Text size="xs" c="dimmed">
                Only the tenants listed here are deleted: one reactivated meanwhile is left alone, and one that falls due after this list was made waits for the next run.
              </Text>
            </>
          )}
          <ConfirmButtons count={count} label={`Delete ${plural(count, 'tenant', 'tenants')}`} running={running} onConfirm={onConfirm} onClose={onClose} testId="confirm-deletions" />
        </Stack>
      )}
    </Modal>
  );
}
