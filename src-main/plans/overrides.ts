import type pg from 'pg';
import type { ChannelParsedInput } from '../../src-shared/contract/channels';
import type { LimitOverride, LimitResource, PlanHistoryEntry } from '../../src-shared/contract/plan-models';
import { AppError } from '../base/app-error';
import { inTransaction, withClient } from '../postgres/pools';
import type { PlatformContext } from '../platform/platform-context';
import { getTenantRow } from '../tenants/tenant-queries';
import type { TenantRow } from '../tenants/tenant-rows';
import { markLimitsPushed } from '../tenants/tenant-writes';
import { limitsSpecFor } from '../limits/limits-spec';
import { pushLimits } from '../limits/push-limits';

type Queryable = Pick<pg.ClientBase, 'query'>;

interface OverrideRow {
  id: string;
  resource: LimitResource;
  kind: 'limit' | 'allowance';
  value: number | null;
  reason: string;
  expires_at: Date | null;
  created_by: string;
  created_at: Date;
  active: boolean;
}

const OVERRIDE_COLUMNS = `id, resource, kind, value, reason, expires_at, created_by, created_at,
  (revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())) AS active`;

const toOverride = (row: OverrideRow): LimitOverride => ({
  id: row.id,
  resource: row.resource,
  kind: row.kind,
  value: row.value,
  reason: row.reason,
  expiresAt: row.expires_at ? row.expires_at.toISOString() : null,
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
  active: row.active,
});

/** A tenant's overrides that are not revoked (expired ones too, marked inactive), newest first. */
export async function listOverrides(db: Queryable, tenantId: string): Promise<LimitOverride[]> {
  const { rows } = await db.query<OverrideRow>(
    `SELECT ${OVERRIDE_COLUMNS} FROM tenant_limit_overrides WHERE tenant_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC`,
    [tenantId],
  );
  return rows.map(toOverride);
}

/**
 * A change to a tenant's overrides, pushed to its database without holding a platform
 * connection while the tenant's database is written (a tenant holding a lock must never
 * pin the platform pool): the change is first made and rolled back to learn the limits it
 * gives, those are pushed, then the change is made for real. Should the limits differ by
 * then (another change in between) or the real change fail, the registry's truth is pushed
 * again, so the tenant database never keeps limits the registry does not have.
 */
async function withPushedOverrides<T>(ctx: PlatformContext, ref: string, change: (client: pg.PoolClient, row: TenantRow) => Promise<T>): Promise<T> {
  const inForce = async (client: pg.PoolClient) => {
    const row = await getTenantRow(client, ref, true);
    if (row.status === 'deleted' || row.status === 'provisioning') throw new AppError('INVALID_STATE', `${row.tenant_code} is ${row.status}.`);
    return row;
  };
  const specOf = (client: pg.PoolClient, row: TenantRow) => limitsSpecFor(client, row.id, { code: row.plan_code, version: row.plan_version });
  const push = (row: TenantRow, spec: Awaited<ReturnType<typeof specOf>>) =>
    withClient(ctx.serverById(row.server_id).endpoint, row.database_name, (tenant) => pushLimits(tenant, spec));

  const planned = await rolledBack(ctx.pool, async (client) => {
    const row = await inForce(client);
    await change(client, row);
    return { row, spec: await specOf(client, row) };
  });
  await push(planned.row, planned.spec);
  let result: { value: T; row: TenantRow; spec: Awaited<ReturnType<typeof specOf>> };
  try {
    result = await inTransaction(ctx.pool, async (client) => {
      const row = await inForce(client);
      const value = await change(client, row);
      const spec = await specOf(client, row);
      await markLimitsPushed(client, row.id);
      return { value, row, spec };
    });
  } catch (error) {
    const truth = await rolledBack(ctx.pool, async (client) => specOf(client, planned.row));
    await push(planned.row, truth).catch((pushError: unknown) => ctx.logger.warn({ err: pushError, tenant: planned.row.tenant_code }, 'pushing the limits back after a failed override change failed'));
    throw error;
  }
  if (JSON.stringify(result.spec) !== JSON.stringify(planned.spec)) await push(result.row, result.spec);
  ctx.events.emit('tenant:changed', { tenantCode: result.row.tenant_code, status: result.row.status, version: result.row.version });
  return result.value;
}

/** Runs `work` in a transaction that is always rolled back: what a change would do, without doing it. */
async function rolledBack<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    return await work(client);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

/** A custom limit replaces any active custom limit of the same resource; allowances add up. */
export async function setOverride(ctx: PlatformContext, input: ChannelParsedInput<'tenants:setOverride'>): Promise<LimitOverride> {
  return withPushedOverrides(ctx, input.ref, async (client, row) => {
    if (input.kind === 'limit') {
      await client.query(
        `UPDATE tenant_limit_overrides SET revoked_at = now(), revoked_by = $3
          WHERE tenant_id = $1 AND resource = $2 AND kind = 'limit' AND revoked_at IS NULL`,
        [row.id, input.resource, ctx.operator],
      );
    }
    const { rows } = await client.query<OverrideRow>(
      `INSERT INTO tenant_limit_overrides (tenant_id, resource, kind, value, reason, expires_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${OVERRIDE_COLUMNS}`,
      [row.id, input.resource, input.kind, input.value, input.reason, input.expiresAt ?? null, ctx.operator],
    );
    return toOverride(rows[0]!);
  });
}

export async function revokeOverride(ctx: PlatformContext, input: ChannelParsedInput<'tenants:revokeOverride'>): Promise<LimitOverride> {
  return withPushedOverrides(ctx, input.ref, async (client, row) => {
    const { rows } = await client.query<OverrideRow>(
      `UPDATE tenant_limit_overrides SET revoked_at = now(), revoked_by = $3
        WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL RETURNING ${OVERRIDE_COLUMNS}`,
      [input.id, row.id, ctx.operator],
    );
    if (!rows[0]) throw new AppError('NOT_FOUND', `${row.tenant_code} has no override ${input.id} in force.`);
    return toOverride(rows[0]);
  });
}

export async function planHistory(db: Queryable, ref: string): Promise<PlanHistoryEntry[]> {
  const row = await getTenantRow(db, ref);
  const { rows } = await db.query<{ from_code: string; from_version: number; to_code: string; to_version: number; forced: boolean; reason: string | null; changed_by: string; changed_at: Date }>(
    'SELECT * FROM tenant_plan_history WHERE tenant_id = $1 ORDER BY changed_at DESC, id DESC',
    [row.id],
  );
  return rows.map((entry) => ({
    from: { code: entry.from_code, version: entry.from_version },
    to: { code: entry.to_code, version: entry.to_version },
    forced: entry.forced,
    reason: entry.reason,
    changedBy: entry.changed_by,
    changedAt: entry.changed_at.toISOString(),
  }));
}
