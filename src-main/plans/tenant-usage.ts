import type pg from 'pg';
import type { LimitResource, PlanViolation } from '../../src-shared/contract/plan-models';
import type { EffectiveLimits } from '../limits/effective-limits';

/** What a tenant uses now, from the counters its triggers keep (the numbers enforcement uses). */
export interface TenantUsage {
  readonly period: string;
  readonly companies: number;
  readonly transactions: number;
  /** Users per company, largest first. */
  readonly usersByCompany: readonly { companyId: number; companyName: string; current: number }[];
}

export async function readTenantUsage(client: Pick<pg.ClientBase, 'query'>): Promise<TenantUsage> {
  const { rows } = await client.query<{ period: string; companies: number; transactions: number; users: { companyId: number; companyName: string; current: number }[] | null }>(
    `SELECT to_char(platform.current_period(), 'YYYY-MM-DD') AS period,
            (SELECT coalesce(sum(used), 0)::bigint FROM platform.counters WHERE resource = 'companies') AS companies,
            (SELECT coalesce(sum(used), 0)::bigint FROM platform.counters
              WHERE resource = 'transactions' AND period = platform.current_period()) AS transactions,
            (SELECT json_agg(json_build_object('companyId', u.scope, 'companyName', coalesce(c.name, '#' || u.scope), 'current', u.used)
                             ORDER BY u.used DESC, u.scope)
               FROM (SELECT scope, sum(used)::bigint AS used FROM platform.counters WHERE resource = 'users' GROUP BY scope) u
               LEFT JOIN erp.companies c ON c.id = u.scope
              WHERE u.used > 0) AS users`,
  );
  const row = rows[0]!;
  return { period: row.period, companies: row.companies, transactions: row.transactions, usersByCompany: row.users ?? [] };
}

/**
 * Where a tenant's current usage would be over `limits` (effectiveLimitsOf), with the exact numbers
 * ("users in company Sales: 14, new limit 5"). Usage equal to the limit is not a violation:
 * nothing existing is over it, only new inserts would be refused.
 */
export function planViolations(usage: TenantUsage, limits: EffectiveLimits): PlanViolation[] {
  const violations: PlanViolation[] = [];
  const check = (resource: LimitResource, current: number, what: string) => {
    const limit = limits[resource];
    if (limit !== null && current > limit) violations.push({ resource, current, newLimit: limit, message: `${what}: ${current}, new limit ${limit}` });
  };
  check('companies', usage.companies, 'companies');
  for (const company of usage.usersByCompany) check('users', company.current, `users in company ${company.companyName}`);
  check('transactions', usage.transactions, 'transactions this month');
  return violations;
}
