/**
 * The limits that apply to each tenant, as ONE SQL subquery every usage query joins:
 * today the tenant's plan version; per-tenant overrides (custom enterprise limits,
 * temporary allowances with an expiry) belong here and nowhere else, so the dashboards,
 * the near-limit list and the CSV all change together.
 *
 * Columns: tenant_id, companies, users_per_company, transactions_per_month (null = unlimited).
 */
export const EFFECTIVE_LIMITS_SQL = /* sql */ `
  SELECT t.id AS tenant_id,
         p.max_companies AS companies,
         p.max_users_per_company AS users_per_company,
         p.max_transactions_per_month AS transactions_per_month
    FROM tenants t
    JOIN plans p ON p.code = t.plan_code AND p.version = t.plan_version`;

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
