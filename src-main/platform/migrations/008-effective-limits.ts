/**
 * The effective-limit rule, once, in the registry (read through src-main/limits/effective-limits.ts):
 * a custom limit replaces the plan's (the one expiring soonest, then the oldest), active
 * allowances add on top, unlimited (NULL) stays unlimited; revoked or expired overrides
 * count for nothing.
 *
 * effective_limits_by_plan applies it to every (tenant, plan version) pair, so "what if this
 * tenant moved to that plan" (a plan change's preview) uses the same rule as "what is in
 * force now" (effective_limits: the rows of each tenant's own plan). Views, not functions:
 * the planner reads the fleet with one hash join over the grouped overrides, and one tenant
 * through the overrides' index.
 *
 * Each tenant database keeps its own copy (platform.effective_limit, tenant migration
 * 003-limits): it enforces without reaching the registry. test/integration/effective-limit-rule.test.ts
 * feeds both the same random overrides and compares.
 */
export const sql = /* sql */ `
CREATE VIEW effective_limits_by_plan AS
SELECT t.id AS tenant_id, p.code AS plan_code, p.version AS plan_version,
       t.plan_code = p.code AND t.plan_version = p.version AS in_force,
       (CASE WHEN o.companies_custom THEN o.companies_limit ELSE p.max_companies END + COALESCE(o.companies_allowance, 0))::integer AS companies,
       (CASE WHEN o.users_custom THEN o.users_limit ELSE p.max_users_per_company END + COALESCE(o.users_allowance, 0))::integer AS users_per_company,
       (CASE WHEN o.transactions_custom THEN o.transactions_limit ELSE p.max_transactions_per_month END + COALESCE(o.transactions_allowance, 0))::integer AS transactions_per_month
  FROM tenants t
 CROSS JOIN plans p
  LEFT JOIN (
     SELECT tenant_id,
            bool_or(resource = 'companies' AND kind = 'limit') AS companies_custom,
            (array_agg(value ORDER BY expires_at ASC NULLS LAST, created_at, id) FILTER (WHERE resource = 'companies' AND kind = 'limit'))[1] AS companies_limit,
            sum(value) FILTER (WHERE resource = 'companies' AND kind = 'allowance') AS companies_allowance,
            bool_or(resource = 'users' AND kind = 'limit') AS users_custom,
            (array_agg(value ORDER BY expires_at ASC NULLS LAST, created_at, id) FILTER (WHERE resource = 'users' AND kind = 'limit'))[1] AS users_limit,
            sum(value) FILTER (WHERE resource = 'users' AND kind = 'allowance') AS users_allowance,
            bool_or(resource = 'transactions' AND kind = 'limit') AS transactions_custom,
            (array_agg(value ORDER BY expires_at ASC NULLS LAST, created_at, id) FILTER (WHERE resource = 'transactions' AND kind = 'limit'))[1] AS transactions_limit,
            sum(value) FILTER (WHERE resource = 'transactions' AND kind = 'allowance') AS transactions_allowance
       FROM tenant_limit_overrides
      WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
      GROUP BY tenant_id
  ) o ON o.tenant_id = t.id;

-- What is in force for every tenant now: the dashboards, the near-limit list, the CSV, the
-- limit notices and the offline snapshot all read this view.
CREATE VIEW effective_limits AS
SELECT tenant_id, companies, users_per_company, transactions_per_month
  FROM effective_limits_by_plan
 WHERE in_force;

-- % of a limit, to one decimal (float arithmetic: it runs for every tenant of the fleet):
-- null when unlimited; a zero limit is "full" (100 %, or more once anything exists), so it
-- sorts with the tenants at their limit. Plain IMMUTABLE SQL: the planner inlines it.
CREATE FUNCTION percent_of_limit(p_current double precision, p_limit double precision) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN p_limit IS NULL OR p_current IS NULL THEN NULL
              WHEN p_limit = 0 THEN 100.0::float8 + 100.0 * p_current
              ELSE round(1000.0::float8 * p_current / p_limit) / 10 END
$$;
`;
