import type pg from 'pg';
import { limitsSpecFor } from '../limits/limits-spec';
import { pushLimits } from '../limits/push-limits';
import { withClient } from '../postgres/pools';
import type { PlatformContext } from '../platform/platform-context';
import { grantTenantPrivileges } from '../tenant-schema/privileges';
import { markLimitsPushed } from '../tenants/tenant-writes';

/**
 * Usage as the data says it is, per counter key: companies; users per company; transactions
 * per calendar month (UTC) of created_at, for every month up to the current one. The same
 * definitions as the counters' seed in tenant-schema migration 003, which seeds the current
 * month only; earlier months are kept as the data has them (billing may still read them),
 * and no month after the current one can hold anything.
 */
const TRUTH_SQL = `
  SELECT 'companies'::text AS resource, 0::bigint AS scope, '-infinity'::date AS period, count(*)::bigint AS used FROM erp.companies
  UNION ALL
  SELECT 'users', u.company_id, '-infinity', count(*) FROM erp.users u GROUP BY u.company_id
  UNION ALL
  SELECT 'transactions', 0, date_trunc('month', t.created_at AT TIME ZONE 'UTC')::date, count(*) FROM erp.transactions t
   WHERE t.created_at < ((platform.current_period() + interval '1 month')::timestamp AT TIME ZONE 'UTC')
   GROUP BY 3`;

/** Keys whose restored counters differ from the data: any row at all (a future month too) counts. */
const COUNTER_DRIFT_SQL = `
  WITH truth AS (${TRUTH_SQL}), counted AS (
    SELECT resource, scope, period, sum(used)::bigint AS used FROM platform.counters GROUP BY resource, scope, period
  )
  SELECT count(*)::int AS drift FROM truth FULL JOIN counted USING (resource, scope, period)
   WHERE coalesce(truth.used, 0) <> coalesce(counted.used, 0)`;

/**
 * Keys the data does not have go (a future month, a company that is not there); every other
 * key keeps its slot rows, emptied, with no share and no validity (the next write rebalances,
 * as after any push), and slot 0 holds the count from the data.
 */
const RECOUNT_SQL = `
  CREATE TEMP TABLE pg_temp.counter_truth ON COMMIT DROP AS ${TRUTH_SQL};
  DELETE FROM platform.counters c
   WHERE NOT EXISTS (SELECT 1 FROM pg_temp.counter_truth t WHERE t.resource = c.resource AND t.scope = c.scope AND t.period = c.period);
  UPDATE platform.counters SET used = 0, cap = NULL, valid_until = '-infinity';
  INSERT INTO platform.counters (resource, scope, period, slot, used, cap, valid_until)
  SELECT resource, scope, period, 0, used, NULL, '-infinity' FROM pg_temp.counter_truth
  ON CONFLICT (resource, scope, period, slot) DO UPDATE SET used = EXCLUDED.used;`;

/**
 * The archive carried the counters as data (loaded with triggers off), and an archive can be
 * crafted: a counter row for a future month, a users count of zero, would survive the load
 * and later let the tenant past its limits or bill it wrongly. So after every load every
 * counter is rebuilt from the rows, whatever the file said. Returns whether the file's
 * counters disagreed with the data (logged: a sign of a drifted source or a crafted file).
 */
export async function reconcileCounters(client: pg.ClientBase): Promise<boolean> {
  await client.query('BEGIN');
  try {
    // Writers are locked out while the counters are compared and rebuilt.
    await client.query('LOCK TABLE platform.counters, erp.companies, erp.users, erp.transactions IN SHARE ROW EXCLUSIVE MODE');
    const { rows } = await client.query<{ drift: number }>(COUNTER_DRIFT_SQL);
    await client.query(RECOUNT_SQL);
    await client.query('COMMIT');
    return (rows[0]?.drift ?? 0) > 0;
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
