import type pg from 'pg';
import type { TenantUsage, UsageAgainstLimit } from '../../src-shared/contract/usage-models';
import { getTenantRow } from '../tenants/tenant-queries';
import { readSetting } from '../settings/settings-store';
import { USAGE_ROW_COLUMNS, toUsageFigures, type UsageRow } from './usage-rows';
import { usageCalendar } from './usage-calendar';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** One tenant's latest figures against its effective limits, and its daily history (oldest first). */
export async function tenantUsage(db: Queryable, ref: string, days: number, now = new Date()): Promise<TenantUsage> {
  const tenant = await getTenantRow(db, ref);
  const calendar = usageCalendar(now);
  const [warningPercent, limits, history] = await Promise.all([
    readSetting(db, 'limitWarningPercent'),
    db.query<{
      companies: number | null;
      users_per_company: number | null;
      transactions_per_month: number | null;
    }>('SELECT el.* FROM effective_limits el WHERE el.tenant_id = $1', [tenant.id]),
    db.query<UsageRow>(
      `SELECT ${USAGE_ROW_COLUMNS} FROM tenant_usage u
        WHERE u.tenant_id = $1 AND u.usage_date > $2::date - $3::int
        ORDER BY u.usage_date`,
      [tenant.id, calendar.usageDate, days],
    ),
  ]);
  let latestRow = history.rows.at(-1) ?? null;
  if (!latestRow) {
    // Older than the window (collection stopped for a while): still show the last figures.
    const { rows } = await db.query<UsageRow>(`SELECT ${USAGE_ROW_COLUMNS} FROM tenant_usage u WHERE u.tenant_id = $1 ORDER BY u.usage_date DESC LIMIT 1`, [tenant.id]);
    latestRow = rows[0] ?? null;
  }
  const latest = latestRow ? toUsageFigures(latestRow) : null;
  const limit = limits.rows[0];
  const sameMonth = latestRow?.month_start === calendar.monthStart;
  const current: Record<UsageAgainstLimit['resource'], number | null> = {
    companies: latest?.companies ?? null,
    usersPerCompany: latest ? (latest.largestCompany?.users ?? 0) : null,
    transactionsPerMonth: latest ? (sameMonth ? latest.transactionsMonth : 0) : null,
  };
  const limitOf: Record<UsageAgainstLimit['resource'], number | null> = {
    companies: limit?.companies ?? null,
    usersPerCompany: limit?.users_per_company ?? null,
    transactionsPerMonth: limit?.transactions_per_month ?? null,
  };
  const percents = await percentages(db, current, limitOf);
  return {
    tenantCode: tenant.tenant_code,
    companyName: tenant.company_name,
    status: tenant.status,
    plan: tenant.plan_code,
    planVersion: tenant.plan_version,
    warningPercent,
    latest,
    limits: (['companies', 'usersPerCompany', 'transactionsPerMonth'] as const).map((resource) => ({
      resource,
      current: current[resource],
      limit: limitOf[resource],
      percent: percents[resource],
    })),
    history: history.rows.map(toUsageFigures),
  };
}

/** Every tenant's figures of one collection day, with its code (the offline snapshot's copy). */
export async function usageRowsOfDay(db: Queryable, usageDate: string): Promise<(UsageRow & { tenant_code: string })[]> {
  const { rows } = await db.query<UsageRow & { tenant_code: string }>(
    `SELECT t.tenant_code, ${USAGE_ROW_COLUMNS} FROM tenant_usage u JOIN tenants t ON t.id = u.tenant_id WHERE u.usage_date = $1::date`,
    [usageDate],
  );
  return rows;
}

/** The same % rule as the fleet's near-limit list (one SQL definition, not a JS copy). */
async function percentages(
  db: Queryable,
  current: Record<UsageAgainstLimit['resource'], number | null>,
  limit: Record<UsageAgainstLimit['resource'], number | null>,
): Promise<Record<UsageAgainstLimit['resource'], number | null>> {
  const { rows } = await db.query<{ c: string | null; u: string | null; t: string | null }>(
    `SELECT percent_of_limit($1::int, $2::int)::text AS c, percent_of_limit($3::int, $4::int)::text AS u,
            percent_of_limit($5::int, $6::int)::text AS t`,
    [current.companies, limit.companies, current.usersPerCompany, limit.usersPerCompany, current.transactionsPerMonth, limit.transactionsPerMonth],
  );
  const n = (value: string | null | undefined) => (value === null || value === undefined ? null : Number(value));
  return { companies: n(rows[0]?.c), usersPerCompany: n(rows[0]?.u), transactionsPerMonth: n(rows[0]?.t) };
}
