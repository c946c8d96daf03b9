import type pg from 'pg';
import type { LimitResource } from '../../src-shared/contract/plan-models';
import { AppError } from '../base/app-error';

type Queryable = Pick<pg.ClientBase, 'query'>;

export type EffectiveLimits = Readonly<Record<LimitResource, number | null>>;

/**
 * The limits that would be in force for a tenant on `plan` with its active overrides now (null
 * = unlimited). The rule itself is SQL, once: effective_limits_of in the registry (platform
 * migration 008), which the effective_limits view applies to every tenant's own plan.
 */
export async function effectiveLimitsOf(db: Queryable, tenantId: string, plan: { code: string; version: number }): Promise<EffectiveLimits> {
  const { rows } = await db.query<{ companies: number | null; users_per_company: number | null; transactions_per_month: number | null }>(
    'SELECT companies, users_per_company, transactions_per_month FROM effective_limits_of($1, $2, $3)',
    [tenantId, plan.code, plan.version],
  );
  const row = rows[0];
  if (!row) throw new AppError('NOT_FOUND', `No plan ${plan.code} version ${plan.version}.`);
  return { companies: row.companies, users: row.users_per_company, transactions: row.transactions_per_month };
}
