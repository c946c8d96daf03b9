import type pg from 'pg';
import type { NearLimitTenant, UsageFleet, UsageRunSummary } from '../../src-shared/contract/usage-models';
import { readSetting } from '../settings/settings-store';
import { monthlyRevenueSql } from '../platform/pricing-sql';
import { RUN_COLUMNS, toRunSummary, type RunRow } from './usage-store';

/** The one MRR figure per tenant (shared with the Billing page). */
const MRR = monthlyRevenueSql('p', 't.id');

type Queryable = Pick<pg.ClientBase, 'query'>;

/** How many near-limit tenants and storage leaders the page gets; the rest are counted. */
export const NEAR_LIMIT_LIST_CAP = 200;
export const STORAGE_TOP = 10;

/**
 * Each live tenant's figures of the latest collection day (every run files a row for every
 * live tenant, failed ones included, so that day is the fleet's latest state) with its
 * effective limits and % of limit per resource. One index range on usage_date, not one
 * lookup per tenant.
 */
const SCORED_LATEST_SQL = /* sql */ `
  latest AS MATERIALIZED (
    SELECT t.id, t.tenant_code, t.company_name, t.plan_code, t.status,
           u.companies, u.largest_company_users, u.users_total, u.transactions_month, u.month_start,
           -- Last month's count says nothing about this month's allowance.
           CASE WHEN u.month_start = (SELECT date_trunc('month', now() AT TIME ZONE 'UTC')::date) THEN u.transactions_month ELSE 0 END
             AS transactions_this_month,
           u.database_bytes, u.active, u.error, u.usage_date
      FROM tenant_usage u
      JOIN tenants t ON t.id = u.tenant_id
     WHERE u.usage_date = (SELECT max(usage_date) FROM usage_daily)
       AND t.status IN ('active', 'suspended', 'cancelled')
  ),
  scored AS (
    SELECT l.*, el.companies AS limit_companies, el.users_per_company AS limit_users, el.transactions_per_month AS limit_transactions,
           percent_of_limit(l.companies, el.companies) AS pct_companies,
           percent_of_limit(l.largest_company_users, el.users_per_company) AS pct_users,
           percent_of_limit(l.transactions_this_month, el.transactions_per_month) AS pct_transactions
      FROM latest l
      JOIN effective_limits el ON el.tenant_id = l.id
  ),
  ranked AS (
    SELECT s.*, GREATEST(s.pct_companies, s.pct_users, s.pct_transactions) AS max_pct FROM scored s
  )`;

interface NearRow {
  tenant_code: string;
  company_name: string;
  plan_code: string;
  status: NearLimitTenant['status'];
  max_pct: string;
  companies: number | null;
  largest_company_users: number | null;
  transactions_month: number | null;
  limit_companies: number | null;
  limit_users: number | null;
  limit_transactions: number | null;
  pct_companies: string | null;
  pct_users: string | null;
  pct_transactions: string | null;
}

const num = (value: string | number | null): number | null => (value === null ? null : Number(value));

export function nearLimitFromRow(row: NearRow): NearLimitTenant {
  const maxPercent = Number(row.max_pct);
  return {
    tenantCode: row.tenant_code,
    companyName: row.company_name,
    plan: row.plan_code,
    status: row.status,
    maxPercent,
    over: maxPercent >= 100,
    resources: [
      { resource: 'companies', current: row.companies, limit: row.limit_companies, percent: num(row.pct_companies) },
      { resource: 'usersPerCompany', current: row.largest_company_users, limit: row.limit_users, percent: num(row.pct_users) },
      { resource: 'transactionsPerMonth', current: row.transactions_month, limit: row.limit_transactions, percent: num(row.pct_transactions) },
    ],
  };
}

export async function latestRun(db: Queryable): Promise<UsageRunSummary | null> {
  const { rows } = await db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM usage_runs ORDER BY started_at DESC LIMIT 1`);
  return rows[0] ? toRunSummary(rows[0]) : null;
}

/**
 * Everything the Usage page shows, aggregated in SQL: totals, the near-limit list (worst
 * first, capped), storage leaders plus the rest, trends from the per-day roll-up, plan
 * distribution and MRR, and the last run. A few hundred rows cross the wire, never the
 * history itself.
 */
export async function usageFleet(db: Queryable, days: number): Promise<UsageFleet> {
  const warningPercent = await readSetting(db, 'limitWarningPercent');
  const { rows } = await db.query<{
    as_of: string | null;
    totals: { tenants: number; companies: number; users: number; transactions: number; bytes: number; active: number; failed: number };
    near_total: number;
    over_total: number;
    near: NearRow[] | null;
    storage_top: { tenant_code: string; company_name: string; bytes: number }[] | null;
    storage_rest: { tenants: number; bytes: number };
  }>(
    `WITH warning AS (SELECT $1::int AS pct), ${SCORED_LATEST_SQL}
     SELECT (SELECT max(usage_date)::text FROM latest) AS as_of,
            (SELECT json_build_object(
                'tenants', count(*), 'companies', COALESCE(sum(companies), 0), 'users', COALESCE(sum(users_total), 0),
                'transactions', COALESCE(sum(transactions_this_month), 0),
                'bytes', COALESCE(sum(database_bytes), 0),
                'active', count(*) FILTER (WHERE active), 'failed', count(*) FILTER (WHERE error IS NOT NULL))
               FROM latest) AS totals,
            (SELECT count(*) FROM ranked WHERE max_pct >= (SELECT pct FROM warning))::int AS near_total,
            (SELECT count(*) FROM ranked WHERE max_pct >= 100)::int AS over_total,
            (SELECT json_agg(n ORDER BY n.max_pct DESC, n.tenant_code) FROM (
               SELECT tenant_code, company_name, plan_code, status, max_pct, companies, largest_company_users,
                      transactions_this_month AS transactions_month,
                      limit_companies, limit_users, limit_transactions, pct_companies, pct_users, pct_transactions
                 FROM ranked WHERE max_pct >= (SELECT pct FROM warning)
                ORDER BY max_pct DESC, tenant_code LIMIT ${NEAR_LIMIT_LIST_CAP}) AS n) AS near,
            (SELECT json_agg(s ORDER BY s.bytes DESC, s.tenant_code) FROM (
               SELECT tenant_code, company_name, database_bytes AS bytes FROM latest
                WHERE database_bytes IS NOT NULL ORDER BY database_bytes DESC, tenant_code LIMIT ${STORAGE_TOP}) AS s) AS storage_top,
            (SELECT json_build_object('tenants', count(*), 'bytes', COALESCE(sum(database_bytes), 0)) FROM (
               SELECT database_bytes FROM latest WHERE database_bytes IS NOT NULL
                ORDER BY database_bytes DESC, tenant_code OFFSET ${STORAGE_TOP}) AS r) AS storage_rest`,
    [warningPercent],
  );
  const head = rows[0]!;

  const [trends, plans, mrr, lastRun] = await Promise.all([
    db.query<{ date: string; transactions: number; bytes: number; users: number; active: number; tenants: number }>(
      `SELECT usage_date::text AS date, transactions, database_bytes AS bytes, users, active_tenants AS active, tenants
         FROM usage_daily
        WHERE usage_date > COALESCE((SELECT max(usage_date) FROM usage_daily), current_date) - $1::int
        ORDER BY usage_date`,
      [days],
    ),
    db.query<{ plan: string; name: string; tenants: number }>(
      `SELECT t.plan_code AS plan, COALESCE(cp.name, t.plan_code) AS name, count(*)::int AS tenants
         FROM tenants t LEFT JOIN plans cp ON cp.code = t.plan_code AND cp.is_current
        WHERE t.status IN ('active', 'suspended')
        GROUP BY t.plan_code, cp.name, cp.sort_order
        ORDER BY cp.sort_order NULLS LAST, t.plan_code`,
    ),
    // Monthly recurring revenue of active tenants at their own plan version's pricing and latest usage (monthlyRevenueSql).
    db.query<{ plan: string; name: string; currency: string; tenants: number; monthly: string; custom: number }>(
      `SELECT t.plan_code AS plan, COALESCE(cp.name, t.plan_code) AS name, p.currency,
              count(*) FILTER (WHERE p.price_cents IS NOT NULL)::int AS tenants,
              COALESCE(sum(${MRR.monthlyCents}), 0)::text AS monthly,
              count(*) FILTER (WHERE p.price_cents IS NULL)::int AS custom
         FROM tenants t
         JOIN plans p ON p.code = t.plan_code AND p.version = t.plan_version
         LEFT JOIN plans cp ON cp.code = t.plan_code AND cp.is_current
         ${MRR.join}
        WHERE t.status = 'active'
        GROUP BY t.plan_code, cp.name, cp.sort_order, p.currency
        ORDER BY cp.sort_order NULLS LAST, t.plan_code, p.currency`,
    ),
    latestRun(db),
  ]);

  const byPlan = mrr.rows
    .filter((row) => row.tenants > 0)
    .map((row) => ({ plan: row.plan, name: row.name, currency: row.currency, tenants: row.tenants, monthlyCents: Math.round(Number(row.monthly)) }));
  const totals = new Map<string, number>();
  for (const row of byPlan) totals.set(row.currency, (totals.get(row.currency) ?? 0) + row.monthlyCents);

  return {
    days,
    asOf: head.as_of,
    warningPercent,
    totals: {
      tenants: head.totals.tenants,
      companies: head.totals.companies,
      users: head.totals.users,
      transactionsMonth: head.totals.transactions,
      databaseBytes: head.totals.bytes,
      activeTenants: head.totals.active,
      failedTenants: head.totals.failed,
    },
    nearLimit: { total: head.near_total, over: head.over_total, tenants: (head.near ?? []).map(nearLimitFromRow) },
    trends: trends.rows.map((row) => ({
      date: row.date,
      transactions: row.transactions,
      databaseBytes: row.bytes,
      users: row.users,
      activeTenants: row.active,
      tenants: row.tenants,
    })),
    storage: {
      top: (head.storage_top ?? []).map((row) => ({ tenantCode: row.tenant_code, companyName: row.company_name, databaseBytes: row.bytes })),
      rest: { tenants: head.storage_rest.tenants, databaseBytes: head.storage_rest.bytes },
    },
    plans: plans.rows,
    mrr: {
      byPlan,
      customTenants: mrr.rows.reduce((sum, row) => sum + row.custom, 0),
      totals: [...totals].map(([currency, monthlyCents]) => ({ currency, monthlyCents })),
    },
    lastRun,
  };
}
