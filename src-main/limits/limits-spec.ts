import type pg from 'pg';
import type { LimitResource } from '../../src-shared/contract/plan-models';
import { AppError } from '../base/app-error';
import { readSetting } from '../settings/settings-store';

type Queryable = Pick<pg.ClientBase, 'query'>;

export interface OverrideSpec {
  readonly id: string;
  readonly resource: LimitResource;
  readonly kind: 'limit' | 'allowance';
  readonly value: number | null;
  readonly expiresAt: Date | null;
  readonly reason: string;
}

/** What a tenant database is told: its plan's limits, its active overrides, the warning threshold. */
export interface LimitsSpec {
  readonly planCode: string;
  readonly planVersion: number;
  readonly planLimits: Readonly<Record<LimitResource, number | null>>;
  readonly overrides: readonly OverrideSpec[];
  readonly warningPercent: number;
  /** The tenant's login role and its plan's CONNECTION LIMIT, set on the role with the limits. */
  readonly connections: RoleConnectionLimit;
}

export interface RoleConnectionLimit {
  readonly role: string;
  readonly limit: number;
}

export interface PlanLimitsRow {
  max_companies: number | null;
  max_users_per_company: number | null;
  max_transactions_per_month: number | null;
}

export const planLimitsOf = (row: PlanLimitsRow): Record<LimitResource, number | null> => ({
  companies: row.max_companies,
  users: row.max_users_per_company,
  transactions: row.max_transactions_per_month,
});

/** Active (not revoked, not expired) overrides of a tenant, from the registry. */
export async function activeOverrides(db: Queryable, tenantId: string): Promise<OverrideSpec[]> {
  const { rows } = await db.query<{ id: string; resource: LimitResource; kind: 'limit' | 'allowance'; value: number | null; expires_at: Date | null; reason: string }>(
    `SELECT id, resource, kind, value, expires_at, reason FROM tenant_limit_overrides
      WHERE tenant_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
      ORDER BY created_at`,
    [tenantId],
  );
  return rows.map((row) => ({ id: row.id, resource: row.resource, kind: row.kind, value: row.value, expiresAt: row.expires_at, reason: row.reason }));
}

/** A tenant's limits as the registry says they should be: plan version + active overrides. */
export async function limitsSpecFor(db: Queryable, tenantId: string, plan: { code: string; version: number }): Promise<LimitsSpec> {
  // The tenant's role comes with the plan row (one round trip): the connection limit is set on it.
  const { rows } = await db.query<PlanLimitsRow & { connection_limit: number; db_role: string }>(
    `SELECT p.max_companies, p.max_users_per_company, p.max_transactions_per_month, p.connection_limit, t.db_role
       FROM plans p, tenants t WHERE p.code = $1 AND p.version = $2 AND t.id = $3`,
    [plan.code, plan.version, tenantId],
  );
  if (!rows[0]) throw new AppError('NOT_FOUND', `No plan ${plan.code} version ${plan.version} (or no tenant ${tenantId}).`);
  return {
    planCode: plan.code,
    planVersion: plan.version,
    planLimits: planLimitsOf(rows[0]),
    overrides: await activeOverrides(db, tenantId),
    warningPercent: await readSetting(db, 'limitWarningPercent'),
    connections: { role: rows[0].db_role, limit: rows[0].connection_limit },
  };
}
