import type pg from 'pg';
import { LIMIT_RESOURCES } from '../../src-shared/contract/plan-models';
import { alterRoleConnectionLimit } from './connection-limit';
import type { LimitsSpec } from './limits-spec';

/** A plan template has no role: the connection limit is pushed only for a tenant. */
export type PushedLimits = Omit<LimitsSpec, 'connections'> & Partial<Pick<LimitsSpec, 'connections'>>;

/**
 * Writes a tenant's limits into its database, in one transaction, idempotently: the plan's
 * limits, the active overrides (replacing whatever was there) and the warning threshold —
 * and sets its role's CONNECTION LIMIT to its plan's (a role attribute, server-wide: the
 * admin session may set it from any database, and it commits with the rest).
 * Every counter's share is then invalidated, so the next insert of each key rebalances
 * against the new limits (a lower limit takes effect at once, never after a slot's share
 * runs out). Locks are taken in the writers' order (key, slot).
 */
export async function pushLimits(client: pg.ClientBase, spec: PushedLimits): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(
      `INSERT INTO platform.limits (resource, plan_limit, warning_percent, plan_code, plan_version, pushed_at)
       SELECT resource, plan_limit, $3, $4, $5, now() FROM unnest($1::text[], $2::bigint[]) AS l (resource, plan_limit)
       ON CONFLICT (resource) DO UPDATE SET plan_limit = EXCLUDED.plan_limit, warning_percent = EXCLUDED.warning_percent,
         plan_code = EXCLUDED.plan_code, plan_version = EXCLUDED.plan_version, pushed_at = EXCLUDED.pushed_at`,
      [LIMIT_RESOURCES, LIMIT_RESOURCES.map((resource) => spec.planLimits[resource]), spec.warningPercent, spec.planCode, spec.planVersion],
    );
    await client.query('DELETE FROM platform.limit_overrides');
    if (spec.overrides.length > 0) {
      await client.query(
        `INSERT INTO platform.limit_overrides (id, resource, kind, value, expires_at, reason)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[], $6::text[])`,
        [
          spec.overrides.map((o) => o.id),
          spec.overrides.map((o) => o.resource),
          spec.overrides.map((o) => o.kind),
          spec.overrides.map((o) => o.value),
          spec.overrides.map((o) => o.expiresAt),
          spec.overrides.map((o) => o.reason),
        ],
      );
    }
    await client.query(
      `WITH locked AS (
         SELECT resource, scope, period, slot FROM platform.counters
          WHERE period = '-infinity' OR period >= platform.current_period()
          ORDER BY resource, scope, period, slot FOR UPDATE
       )
       UPDATE platform.counters c SET valid_until = '-infinity'
         FROM locked l
        WHERE (c.resource, c.scope, c.period, c.slot) = (l.resource, l.scope, l.period, l.slot)`,
    );
    // Last, so the role's catalog row is not held while the counters' locks are awaited.
    if (spec.connections) await client.query(alterRoleConnectionLimit(spec.connections.role, spec.connections.limit));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
