import type pg from 'pg';
import type { TenantStatus } from '../../src-shared/domain/status';

type Queryable = Pick<pg.ClientBase, 'query'>;

/**
 * The registry's tenant row changes, for every capability: the tenants folder owns the
 * `tenants` table (test/unit/table-owners.test.ts), so plan changes, limit pushes, schema
 * migrations and deletions call these instead of writing its SQL. Each takes the client
 * it runs on, so a caller keeps it inside its own transaction (a journal step's commit).
 */

/** The tenant database was told its limits (plan change, override, restore). */
export async function markLimitsPushed(db: Queryable, tenantId: string): Promise<void> {
  await db.query('UPDATE tenants SET limits_pushed_at = now() WHERE id = $1', [tenantId]);
}

/** A fleet migration brought the tenant database to `schemaVersion` and pushed its limits again. */
export async function markSchemaMigrated(db: Queryable, tenantId: string, schemaVersion: number): Promise<void> {
  await db.query('UPDATE tenants SET schema_version = $2, limits_pushed_at = now() WHERE id = $1', [tenantId, schemaVersion]);
}

/**
 * The tenant moves to a plan version (its limits already pushed). A trial ends with a move to
 * a plan without trial days. False when the tenant was already on it (a replayed commit).
 */
export async function commitPlanChange(db: Queryable, tenantId: string, to: { code: string; version: number }): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE tenants
        SET plan_code = $2, plan_version = $3, version = version + 1, updated_at = now(), limits_pushed_at = now(),
            trial_ends_at = CASE WHEN (SELECT trial_days FROM plans WHERE code = $2 AND version = $3) IS NULL THEN NULL ELSE trial_ends_at END
      WHERE id = $1 AND (plan_code, plan_version) IS DISTINCT FROM ($2, $3)`,
    [tenantId, to.code, to.version],
  );
  return rowCount === 1;
}

/**
 * The tenant's new status (already enforced in its database). A cancelled tenant is scheduled
 * for deletion after the retention; any other status clears that schedule.
 */
export async function commitStatusChange(
  db: Queryable,
  tenantId: string,
  change: { target: TenantStatus; reason: string | null; retentionDays: number },
): Promise<void> {
  await db.query(
    `UPDATE tenants
        SET status = $2, status_reason = $3, status_changed_at = now(), updated_at = now(), version = version + 1,
            deletion_scheduled_at = CASE WHEN $2 = 'cancelled' THEN now() + make_interval(days => $4::int) ELSE NULL END
      WHERE id = $1 AND status <> $2`,
    [tenantId, change.target, change.reason, change.retentionDays],
  );
}

/** The tenant's database and role are gone: the registry keeps a tombstone pointing at the final backup. */
export async function tombstoneTenant(db: Queryable, tenantId: string, finalBackupId: string | null): Promise<void> {
  await db.query(
    `UPDATE tenants SET status = 'deleted', status_changed_at = now(), updated_at = now(), version = version + 1,
            deletion_scheduled_at = NULL, final_backup_id = $2
      WHERE id = $1`,
    [tenantId, finalBackupId],
  );
}
