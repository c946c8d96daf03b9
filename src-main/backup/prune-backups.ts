import type pg from 'pg';
import type { PrunePreview, PruneReport } from '../../src-shared/contract/backup-models';
import { removeIfPresent } from './atomic-file';
import type { BackupContext } from './backup-context';
import { readBackupSettings } from './backup-settings';

type Queryable = Pick<pg.ClientBase, 'query'>;

/**
 * Retention, the one decision both the preview and the run use: per tenant, the newest
 * `keepLast` backups stay, and so does every pre-deletion backup and every backup a
 * tombstone points at; the ids this SQL selects are the rest. $1 is keepLast.
 */
const PRUNABLE_IDS = /* sql */ `
  SELECT b.id
    FROM backups b
    JOIN (SELECT id, row_number() OVER (PARTITION BY tenant_code ORDER BY made_at DESC, id) AS position FROM backups) ranked ON ranked.id = b.id
   WHERE ranked.position > $1
     AND b.kind <> 'pre-deletion'
     AND NOT EXISTS (SELECT 1 FROM tenants t WHERE t.final_backup_id = b.id)`;

/** What a prune would remove now, read without removing anything (the confirm dialog, `tenantctl prune --dry-run`). */
export async function previewPrune(bctx: BackupContext): Promise<PrunePreview> {
  const { pool } = bctx.ctx;
  const { keepLast } = await readBackupSettings(pool, bctx.dataDir);
  return prunePreviewAt(pool, keepLast);
}

async function prunePreviewAt(db: Queryable, keepLast: number): Promise<PrunePreview> {
  const { rows } = await db.query<{ id: string; tenant_code: string; kind: PrunePreview['backups'][number]['kind']; location: string; size_bytes: string; made_at: Date }>(
    `SELECT id, tenant_code, kind, location, size_bytes, made_at FROM backups WHERE id IN (${PRUNABLE_IDS}) ORDER BY tenant_code, made_at, id`,
    [keepLast],
  );
  const { rows: all } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM backups');
  const backups = rows.map((row) => ({ id: row.id, tenantCode: row.tenant_code, kind: row.kind, location: row.location, sizeBytes: Number(row.size_bytes), madeAt: row.made_at.toISOString() }));
  return { keepLast, kept: (all[0]?.n ?? 0) - backups.length, backups, totalBytes: backups.reduce((sum, backup) => sum + backup.sizeBytes, 0) };
}

/**
 * Applies retention — the catalog row first (so no one is offered a file about to vanish),
 * then the file. With `confirmedIds` (from a preview the operator confirmed) only those of
 * them still due go: a backup that became prunable after the preview stays for the next
 * run, and a confirmed one no longer due (now among the newest, or gone) is reported skipped.
 */
export async function pruneBackups(bctx: BackupContext, confirmedIds?: readonly string[]): Promise<PruneReport> {
  const { pool } = bctx.ctx;
  const { keepLast } = await readBackupSettings(pool, bctx.dataDir);
  const { rows } = await pool.query<{ id: string; tenant_code: string; location: string }>(
    `DELETE FROM backups b
      WHERE b.id IN (${PRUNABLE_IDS})
        AND ($2::uuid[] IS NULL OR b.id = ANY($2::uuid[]))
      RETURNING b.id, b.tenant_code, b.location`,
    [keepLast, confirmedIds ?? null],
  );
  for (const row of rows) {
    await removeIfPresent(row.location).catch((error) => bctx.ctx.logger.warn({ err: error, file: row.location }, 'could not remove a pruned backup file'));
  }
  const removedIds = new Set(rows.map((row) => row.id));
  const { rows: left } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM backups');
  return {
    kept: left[0]?.n ?? 0,
    removed: rows.map((row) => ({ id: row.id, tenantCode: row.tenant_code, location: row.location })),
    skipped: (confirmedIds ?? []).filter((id) => !removedIds.has(id)),
  };
}
