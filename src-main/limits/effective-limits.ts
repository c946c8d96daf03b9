import type pg from 'pg';
import type { LimitResource } from '../../src-shared/contract/plan-models';
import { AppError } from '../base/app-error';

type Queryable = Pick<pg.ClientBase, 'query'>;

export type EffectiveLimits = Readonly<Record<LimitResource, number | null>>;

/**
 * The limits that would be in force for a tenant on `plan` with its active overrides now (null
 * = unlimited). The rule itself is SQL, once: the effective_limits_by_plan view (platform
 * migration 008); the effective_limits view is its rows for each tenant's own plan.
 */
export async function effectiveLimitsOf(db: Queryable, tenantId: string, plan: { code: string; version: number }): Promise<EffectiveLimits> {
  const { rows } = await db.query<{ companies: number | null; users_per_company: number | null; transactions_per_month: number | null }>(
    `SELECT companies, users_per_company, transactions_per_month FROM effective_limits_by_plan
      WHERE tenant_id = $1 AND plan_code = $2 AND plan_version = $3`,
    [tenantId, plan.code, plan.version],
  );
  const row = rows[0];
  if (!row) throw new AppError('NOT_FOUND', `No plan ${plan.code} version ${plan.version} (or no tenant ${tenantId}).`);
  return { companies: row.companies, users: row.users_per_company, transactions: row.transactions_per_month };
}
