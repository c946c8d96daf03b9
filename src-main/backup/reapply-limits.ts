import type pg from 'pg';
import { limitsSpecFor } from '../limits/limits-spec';
import { pushLimits } from '../limits/push-limits';
import { withClient } from '../postgres/pools';
import type { PlatformContext } from '../platform/platform-context';
import { grantTenantPrivileges } from '../tenant-schema/privileges';
import { markLimitsPushed } from '../tenants/tenant-writes';

/**
 * Usage as the data says it is, per counter key, next to what the restored counters hold.
 * The same definitions as the counters' seed in tenant-schema migration 003 (companies;
 * users per company; transactions created in the current UTC month).
 */
const COUNTER_DRIFT_SQL = `
  WITH truth AS (
    SELECT 'companies'::text AS resource, 0::bigint AS scope, '-infinity'::date AS period, count(*)::bigint AS used FROM erp.companies
    UNION ALL
    SELECT 'users', u.company_id, '-infinity', count(*) FROM erp.users u GROUP BY u.company_id
    UNION ALL
    SELECT 'transactions', 0, platform.current_period(), count(*) FROM erp.transactions t
     WHERE t.created_at >= (platform.current_period()::timestamp AT TIME ZONE 'UTC')
  ), counted AS (
    SELECT resource, scope, period, sum(used)::bigint AS used FROM platform.counters
     WHERE period = '-infinity' OR period = platform.current_period()
     GROUP BY resource, scope, period
  )
  SELECT count(*)::int AS drift FROM truth FULL JOIN counted USING (resource, scope, period)
   WHERE coalesce(truth.used, 0) <> coalesce(counted.used, 0)`;

/** Reseeds every counter from the data, exactly as migration 003 seeds an existing database. */
const RECOUNT_SQL = `
  DELETE FROM platform.counters;
  INSERT INTO platform.counters (resource, used) SELECT 'companies', count(*) FROM erp.companies;
  INSERT INTO platform.counters (resource, scope, used) SELECT 'users', u.company_id, count(*) FROM erp.users u GROUP BY u.company_id;
  INSERT INTO platform.counters (resource, period, used)
  SELECT 'transactions', platform.current_period(), count(*) FROM erp.transactions t
   WHERE t.created_at >= (platform.current_period()::timestamp AT TIME ZONE 'UTC');`;

/**
 * The archive carried the counters as data (loaded with triggers off). A backup reads one
 * snapshot, so they normally agree with the rows; when they do not (an archive made from a
 * database whose counters had drifted, or loaded by hand), they are recounted from the data
 * — otherwise the limits would refuse or allow the wrong inserts. Returns whether it recounted.
 */
export async function reconcileCounters(client: pg.ClientBase): Promise<boolean> {
  await client.query('BEGIN');
  try {
    // Writers are locked out while the counters are compared and, if need be, rebuilt.
    await client.query('LOCK TABLE platform.counters, erp.companies, erp.users, erp.transactions IN SHARE ROW EXCLUSIVE MODE');
    const { rows } = await client.query<{ drift: number }>(COUNTER_DRIFT_SQL);
    const drifted = (rows[0]?.drift ?? 0) > 0;
    if (drifted) await client.query(RECOUNT_SQL);
    await client.query('COMMIT');
    return drifted;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Re-applies what the platform enforces inside a restored tenant database, from the
 * registry (never from the file): the tenant role's privileges, counters that agree with
 * the data, and the limits of the tenant's plan version with its active overrides. For a
 * restore in place that is the tenant's own plan and overrides; for a restore as a new
 * tenant, the new tenant's plan and no overrides (the source's overrides, carried in the
 * archive's platform.limit_overrides, are replaced).
 */
export async function reapplyTenantLimits(ctx: PlatformContext, tenantId: string): Promise<{ recounted: boolean }> {
  const { rows } = await ctx.pool.query<{ server_id: string; database_name: string; db_role: string; plan_code: string; plan_version: number }>(
    'SELECT server_id, database_name, db_role, plan_code, plan_version FROM tenants WHERE id = $1',
    [tenantId],
  );
  const tenant = rows[0];
  if (!tenant) throw new Error(`The restored tenant ${tenantId} is not in the registry.`);
  const spec = await limitsSpecFor(ctx.pool, tenantId, { code: tenant.plan_code, version: tenant.plan_version });
  const recounted = await withClient(ctx.serverById(tenant.server_id).endpoint, tenant.database_name, async (client) => {
    await grantTenantPrivileges(client, tenant.db_role);
    const drifted = await reconcileCounters(client);
    await pushLimits(client, spec);
    return drifted;
  });
  await markLimitsPushed(ctx.pool, tenantId);
  if (recounted) ctx.logger.warn({ tenantId }, 'restored usage counters disagreed with the data: recounted');
  return { recounted };
}

/** Every restored database passes here once, whatever the mode: the one call site of reapplyTenantLimits. */
export async function finishRestoredDatabase(ctx: PlatformContext, tenantId: string): Promise<void> {
  await reapplyTenantLimits(ctx, tenantId);
}
