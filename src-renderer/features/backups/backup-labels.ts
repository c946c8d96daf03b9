import type { MantineColor } from '@mantine/core';
import type { BackupKind } from '../../../src-shared/contract/backup-models';
import type { TenantDetail } from '../../../src-shared/contract/models';

export const BACKUP_KIND_LABELS: Readonly<Record<BackupKind, string>> = {
  manual: 'Manual',
  'pre-suspension': 'Before suspension',
  'pre-cancellation': 'Before cancellation',
  'pre-deletion': 'Before deletion',
  'pre-restore': 'Before restore',
  scheduled: 'Scheduled',
};

export const BACKUP_KIND_COLORS: Readonly<Record<BackupKind, MantineColor>> = {
  manual: 'blue',
  'pre-suspension': 'orange',
  'pre-cancellation': 'gray',
  'pre-deletion': 'red',
  'pre-restore': 'violet',
  scheduled: 'cyan',
};

/** The first 12 hex digits: enough to tell two backups apart at a glance. */
export const shortChecksum = (sha256: string): string => sha256.slice(0, 12);

/** The export's file: next to the backups, named after the tenant and the moment. */
export function exportPathFor(directory: string, tenantCode: string, now = new Date()): string {
  const separator = directory.includes('\\') && !directory.includes('/') ? '\\' : '/';
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${directory.replace(/[\\/]+$/, '')}${separator}exports${separator}${tenantCode}-${stamp}.zip`;
}

/** A cancelled tenant past its retention is deleted as scheduled; anything else is forced by typing the code. */
export function isForcedDeletion(tenant: Pick<TenantDetail, 'status' | 'deletionScheduledAt'>, now = Date.now()): boolean {
  return tenant.status !== 'cancelled' || !tenant.deletionScheduledAt || Date.parse(tenant.deletionScheduledAt) > now;
}
