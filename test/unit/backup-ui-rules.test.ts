import { describe, expect, it } from 'vitest';
import { exportPathFor, isForcedDeletion, shortChecksum } from '../../src-renderer/features/backups/backup-labels';
import { isBackupFailure } from '../../src-renderer/features/tenants/detail/backup-first-rules';
import { filePathSchema } from '../../src-shared/contract/backup-channels';

describe('backup UI rules', () => {
  const at = new Date('2026-03-04T05:06:07.890Z');

  it('exports into <backup folder>/exports with the code and a UTC stamp, a path main accepts', () => {
    const posix = exportPathFor('/var/lib/tc/backups/', 'ACME001', at);
    expect(posix).toBe('/var/lib/tc/backups/exports/ACME001-20260304T050607Z.zip');
    expect(exportPathFor('D:\\Backups', 'ACME001', at)).toBe('D:\\Backups\\exports\\ACME001-20260304T050607Z.zip');
    expect(filePathSchema.safeParse(posix).success).toBe(true);
    expect(filePathSchema.safeParse(exportPathFor('D:\\Backups', 'ACME001', at)).success).toBe(true);
  });

  it('a deletion is forced unless the tenant is cancelled and past its retention', () => {
    const now = at.getTime();
    expect(isForcedDeletion({ status: 'cancelled', deletionScheduledAt: '2026-03-01T00:00:00Z' }, now)).toBe(false);
    expect(isForcedDeletion({ status: 'cancelled', deletionScheduledAt: '2026-04-01T00:00:00Z' }, now)).toBe(true);
    expect(isForcedDeletion({ status: 'cancelled', deletionScheduledAt: null }, now)).toBe(true);
    expect(isForcedDeletion({ status: 'active', deletionScheduledAt: null }, now)).toBe(true);
    expect(isForcedDeletion({ status: 'suspended', deletionScheduledAt: null }, now)).toBe(true);
  });

  it('offers the override only for a failed backup, never for a cancelled one or another refusal', () => {
    const failed = { action: 'suspend' as const, code: 'INTERNAL', message: 'ACME001 was not suspended: Cannot write the backup: EACCES.' };
    expect(isBackupFailure(failed, true)).toBe(true);
    expect(isBackupFailure({ ...failed, action: 'cancel', message: 'ACME001 was not cancelled: disk full' }, true)).toBe(true);
    expect(isBackupFailure(failed, false)).toBe(false);
    expect(isBackupFailure({ ...failed, code: 'CANCELLED' }, true)).toBe(false);
    expect(isBackupFailure({ ...failed, code: 'CONFLICT', message: 'Tenant ACME001 was changed by someone else' }, true)).toBe(false);
    expect(isBackupFailure(null, true)).toBe(false);
  });

  it('shows 12 hex digits of the checksum', () => {
    expect(shortChecksum('a'.repeat(64))).toBe('aaaaaaaaaaaa');
  });
});
