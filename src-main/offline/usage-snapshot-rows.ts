import type pg from 'pg';
import type { SnapshotLimits, UsageSnapshotRow } from '../../src-shared/contract/offline-models';
import type { UsageFigures } from '../../src-shared/contract/usage-models';
import { readSetting } from '../settings/settings-store';
import { usageRowsOfDay } from '../usage/tenant-usage-queries';
import { toUsageFigures } from '../usage/usage-rows';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** The flat numbers older snapshot files carry; kept so files stay readable by older consoles. */
export function usageMetrics(figures: UsageFigures): Record<string, number> {
  const metrics: Record<string, number> = {};
  const put = (name: string, value: number | null | undefined) => {
    if (value !== null && value !== undefined) metrics[name] = value;
  };
  put('companies', figures.companies);
  put('usersTotal', figures.usersTotal);
  if (figures.companies !== null) metrics.usersLargestCompany = figures.largestCompany?.users ?? 0;
  put('transactionsMonth', figures.transactionsMonth);
  put('transactionsDelta', figures.transactionsDelta);
  put('databaseBytes', figures.databaseBytes);
  put('commits', figures.commits);
  put('connections', figures.connections);
  metrics.carriedOver = figures.carriedOver ? 1 : 0;
  return metrics;
}

/**
 * What the offline snapshot keeps after a collection, read back from the platform as the
 * dashboards read it (so offline answers equal online ones): every tenant's row of that day
 * and every tenant's effective limits. Two queries and the setting, whatever the fleet's size.
 */
export async function readUsageSnapshot(db: Queryable, usageDate: string): Promise<{ rows: UsageSnapshotRow[]; limits: Record<string, SnapshotLimits> }> {
  const [usage, limits, warningPercent] = await Promise.all([
    usageRowsOfDay(db, usageDate),
    db.query<{ tenant_code: string; companies: number | null; users_per_company: number | null; transactions_per_month: number | null }>(
      `SELECT t.tenant_code, el.companies, el.users_per_company, el.transactions_per_month
         FROM effective_limits el JOIN tenants t ON t.id = el.tenant_id
        WHERE t.status <> 'deleted'`,
    ),
    readSetting(db, 'limitWarningPercent'),
  ]);
  return {
    rows: usage.map((row) => {
      const figures = toUsageFigures(row);
      return { tenantCode: row.tenant_code, day: row.usage_date, metrics: usageMetrics(figures), figures, monthStart: row.month_start };
    }),
    limits: Object.fromEntries(
      limits.rows.map((row) => [
        row.tenant_code,
        { companies: row.companies, usersPerCompany: row.users_per_company, transactionsPerMonth: row.transactions_per_month, warningPercent },
      ]),
    ),
  };
}
