/**
 * The limits that apply to each tenant, as ONE SQL subquery every usage query joins: the
 * tenant's plan version, then its active overrides (revoked or expired ones are ignored), so
 * the dashboards, the near-limit list and the CSV all change together. Mirrors
 * effectiveLimit() in src-main/limits/limits-spec.ts and platform.effective_limit in each
 * tenant database: a custom limit (the one expiring soonest) replaces the plan's, allowances
 * add on top, and unlimited (NULL) stays unlimited.
 *
 * Columns: tenant_id, companies, users_per_company, transactions_per_month (null = unlimited).
 */
export const EFFECTIVE_LIMITS_SQL = /* sql */ `
  SELECT t.id AS tenant_id,
         ${effective('companies', 'p.max_companies')} AS companies,
         ${effective('users', 'p.max_users_per_company')} AS users_per_company,
         ${effective('transactions', 'p.max_transactions_per_month')} AS transactions_per_month
    FROM tenants t
    JOIN plans p ON p.code = t.plan_code AND p.version = t.plan_version
    LEFT JOIN (
      SELECT tenant_id,
             ${overrideColumns('companies')},
             ${overrideColumns('users')},
             ${overrideColumns('transactions')}
        FROM tenant_limit_overrides
       WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
       GROUP BY tenant_id
    ) o ON o.tenant_id = t.id`;

function overrideColumns(resource: 'companies' | 'users' | 'transactions'): string {
  const is = (kind: string) => `resource = '${resource}' AND kind = '${kind}'`;
  return `bool_or(${is('limit')}) AS ${resource}_custom,
             (array_agg(value ORDER BY expires_at ASC NULLS LAST) FILTER (WHERE ${is('limit')}))[1] AS ${resource}_limit,
             sum(value) FILTER (WHERE ${is('allowance')}) AS ${resource}_allowance`;
}

function effective(resource: 'companies' | 'users' | 'transactions', planColumn: string): string {
  return `(CASE WHEN o.${resource}_custom THEN o.${resource}_limit ELSE ${planColumn} END + COALESCE(o.${resource}_allowance, 0))::integer`;
}

/**
 * % of limit, in SQL, for a current value and its limit, to one decimal (float arithmetic:
 * it runs for every tenant of the fleet): null when unlimited; a zero limit is "full"
 * (100%, or more once anything exists) so it sorts with the tenants at their limit.
 */
export function percentOfLimitSql(current: string, limit: string): string {
  return `CASE WHEN ${limit} IS NULL OR ${current} IS NULL THEN NULL
               WHEN ${limit} = 0 THEN 100.0::float8 + 100.0 * ${current}
               ELSE round(1000.0::float8 * ${current} / ${limit}) / 10 END`;
}

/** The setting for the soft-limit warning, with the default. */
export const LIMIT_WARNING_SQL = `COALESCE((SELECT (value #>> '{}')::numeric FROM settings WHERE key = 'limit_warning_percent'), 80)`;
