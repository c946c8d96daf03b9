import type { PruneReport } from '../../src-shared/contract/backup-models';
import { removeIfPresent } from './atomic-file';
import type { BackupContext } from './backup-context';
import { readBackupSettings } from './backup-settings';

/**
 * Retention: per tenant, the newest `backup_keep_last` backups stay, and so does every
 * pre-deletion backup and every backup a tombstone points at; the rest are removed — the
 * catalog row first (so no one is offered a file about to vanish), then the file.
 */
export async function pruneBackups(bctx: BackupContext): Promise<PruneReport> {
  const { pool } = bctx.ctx;
  const { keepLast } = await readBackupSettings(pool, bctx.dataDir);
  const { rows } = await pool.query<{ id: string; tenant_code: string; location: string }>(
    `DELETE FROM backups b
      USING (SELECT id, row_number() OVER (PARTITION BY tenant_code ORDER BY made_at DESC, id) AS position FROM backups) ranked
      WHERE b.id = ranked.id AND ranked.position > $1
        AND b.kind <> 'pre-deletion'
        AND NOT EXISTS (SELECT 1 FROM tenants t WHERE t.final_backup_id = b.id)
      RETURNING b.id, b.tenant_code, b.location`,
    [keepLast],
  );
  for (const row of rows) {
    await removeIfPresent(row.location).catch((error) => bctx.ctx.logger.warn({ err: error, file: row.location }, 'could not remove a pruned backup file'));
  }
  const { rows: left } = await pool.query<{ n: number }>('SELECT count(*) AS n FROM backups');
  return { kept: left[0]?.n ?? 0, removed: rows.map((row) => ({ id: row.id, tenantCode: row.tenant_code, location: row.location })) };
}
