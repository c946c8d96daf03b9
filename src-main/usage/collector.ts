import pLimit from 'p-limit';
import type { UsageRunSummary } from '../../src-shared/contract/usage-models';
import type { PlatformContext, TenantServer } from '../platform/platform-context';
import { readReason, type PreviousUsage } from './incremental';
import { readServerStats, type DatabaseStats } from './server-stats';
import { DEFAULT_READ_TIMEOUTS, readTenantFigures, type ReadTimeouts, type TenantFigures } from './tenant-reader';
import { usageCalendar, type UsageCalendar } from './usage-calendar';
import { finishRun, startRun, writeUsageRows, type CollectedUsage } from './usage-store';

export type UsageTrigger = UsageRunSummary['trigger'];

export interface CollectOptions {
  readonly trigger: UsageTrigger;
  readonly startedBy: string;
  /** The clock (tests move it to another month). */
  readonly now?: Date;
  /** Databases visited at once (default 8: connection set-up is CPU-bound on the server). */
  readonly concurrency?: number;
  readonly timeouts?: ReadTimeouts;
  readonly onProgress?: (done: number, total: number, message: string) => void;
}

export interface UsageCollection {
  readonly summary: UsageRunSummary;
  /** Every tenant's row as written: for the local cache's snapshot. */
  readonly rows: readonly CollectedUsage[];
}

interface TenantToCollect {
  readonly tenantId: string;
  readonly tenantCode: string;
  readonly serverId: string;
  readonly database: string;
  /** The latest row (today's included): the baseline and the figures that may carry over. */
  readonly latest: (PreviousUsage & { figures: TenantFigures | null }) | null;
  /** The latest successfully read row before today: what today's deltas and activity compare with. */
  readonly prior: { monthStart: string; transactionsMonth: number; tupleChanges: number | null; statsReset: Date | null } | null;
}

interface TenantListRow {
  id: string;
  tenant_code: string;
  server_id: string;
  database_name: string;
  last_date: string | null;
  companies: number | null;
  users_total: number | null;
  largest_company_id: number | null;
  largest_company_name: string | null;
  largest_company_users: number | null;
  month_start: string | null;
  transactions_month: number | null;
  stat_tuple_changes: number | null;
  stats_reset: Date | null;
  read_at: Date | null;
  error: string | null;
  prior_month_start: string | null;
  prior_transactions_month: number | null;
  prior_tuple_changes: number | null;
  prior_stats_reset: Date | null;
}

async function tenantsToCollect(ctx: PlatformContext, calendar: UsageCalendar): Promise<TenantToCollect[]> {
  // Every tenant that has a database: deleted ones are gone, provisioning ones not yet there.
  const { rows } = await ctx.pool.query<TenantListRow>(
    `SELECT t.id, t.tenant_code, t.server_id, t.database_name,
            l.usage_date::text AS last_date, l.companies, l.users_total, l.largest_company_id, l.largest_company_name,
            l.largest_company_users, l.month_start::text AS month_start, l.transactions_month, l.stat_tuple_changes,
            l.stats_reset, l.read_at, l.error,
            p.month_start::text AS prior_month_start, p.transactions_month AS prior_transactions_month,
            p.stat_tuple_changes AS prior_tuple_changes, p.stats_reset AS prior_stats_reset
       FROM tenants t
       LEFT JOIN LATERAL (
         SELECT * FROM tenant_usage u WHERE u.tenant_id = t.id ORDER BY u.usage_date DESC LIMIT 1
       ) AS l ON true
       LEFT JOIN LATERAL (
         SELECT * FROM tenant_usage u WHERE u.tenant_id = t.id AND u.usage_date < $1::date AND u.read_at IS NOT NULL
          ORDER BY u.usage_date DESC LIMIT 1
       ) AS p ON true
      WHERE t.status IN ('active', 'suspended', 'cancelled')
      ORDER BY t.tenant_code`,
    [calendar.usageDate],
  );
  return rows.map((row) => ({
    tenantId: row.id,
    tenantCode: row.tenant_code,
    serverId: row.server_id,
    database: row.database_name,
    latest:
      row.last_date === null
        ? null
        : {
            usageDate: row.last_date,
            readAt: row.read_at,
            monthStart: row.month_start,
            tupleChanges: row.stat_tuple_changes,
            statsReset: row.stats_reset,
            error: row.error,
            figures:
              row.read_at === null
                ? null
                : {
                    companies: row.companies ?? 0,
                    usersTotal: row.users_total ?? 0,
                    transactionsMonth: row.transactions_month ?? 0,
                    largestCompany:
                      row.largest_company_id === null
                        ? null
                        : { id: Number(row.largest_company_id), name: row.largest_company_name ?? '', users: row.largest_company_users ?? 0 },
                  },
          },
    prior:
      row.prior_month_start === null
        ? null
        : {
            monthStart: row.prior_month_start,
            transactionsMonth: row.prior_transactions_month ?? 0,
            tupleChanges: row.prior_tuple_changes,
            statsReset: row.prior_stats_reset,
          },
  }));
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 500 ? `${text.slice(0, 497)}…` : text;
}

/** What today's row says about activity and new transactions, against the prior day's figures. */
function deltas(tenant: TenantToCollect, calendar: UsageCalendar, figures: TenantFigures | null, stats: DatabaseStats | null) {
  if (!figures) return { transactionsDelta: null, active: false };
  const prior = tenant.prior;
  const sameMonth = prior !== null && prior.monthStart === calendar.monthStart;
  const transactionsDelta = Math.max(0, figures.transactionsMonth - (sameMonth ? prior.transactionsMonth : 0));
  const active =
    prior === null || stats === null
      ? transactionsDelta > 0
      : prior.tupleChanges !== stats.tupleChanges || (prior.statsReset?.getTime() ?? null) !== (stats.statsReset?.getTime() ?? null);
  return { transactionsDelta, active };
}

/**
 * One collection run over every tenant database. Per server: one admin round trip for all
 * sizes and statistics, then a visit only to the databases whose write counters moved (or
 * whose figures are from another month, or failed last time). Visits run with bounded
 * concurrency and their own timeouts; a failure is recorded and the run goes on.
 * The caller holds the collection lock.
 */
export async function collectUsage(ctx: PlatformContext, options: CollectOptions): Promise<UsageCollection> {
  const startedAt = options.now ?? new Date();
  const calendar = usageCalendar(startedAt);
  const clock = performance.now();
  const runId = await startRun(ctx.pool, options.trigger, options.startedBy, calendar.usageDate);
  try {
    const tenants = await tenantsToCollect(ctx, calendar);
    const results: CollectedUsage[] = [];
    let done = 0;
    let lastReport = 0;
    const progress = (message: string) => {
      done += 1;
      // At most ~50 events per run: the progress bar needs no more.
      if (options.onProgress && (done === tenants.length || done - lastReport >= Math.max(1, Math.ceil(tenants.length / 50)))) {
        lastReport = done;
        options.onProgress(done, tenants.length, message);
      }
    };

    const limit = pLimit(options.concurrency ?? 8);
    const byServer = new Map<string, TenantToCollect[]>();
    for (const tenant of tenants) byServer.set(tenant.serverId, [...(byServer.get(tenant.serverId) ?? []), tenant]);
    const visits: Promise<void>[] = [];
    for (const [serverId, group] of byServer) {
      let server: TenantServer;
      let stats: Map<string, DatabaseStats>;
      try {
        server = ctx.serverById(serverId);
        stats = await readServerStats(server.adminPool, group.map((tenant) => tenant.database));
      } catch (error) {
        for (const tenant of group) {
          results.push(failedRow(tenant, calendar, null, `Server unavailable: ${messageOf(error)}`));
          progress(`${tenant.tenantCode}: server unavailable`);
        }
        continue;
      }
      for (const tenant of group) {
        const stat = stats.get(tenant.database) ?? null;
        if (!stat) {
          results.push(failedRow(tenant, calendar, null, `Database ${tenant.database} does not exist on the server.`));
          progress(`${tenant.tenantCode}: database missing`);
          continue;
        }
        const reason = readReason(tenant.latest, stat, calendar.monthStart);
        if (reason === null && tenant.latest?.figures) {
          results.push(row(tenant, calendar, tenant.latest.figures, stat, { carriedOver: true, readAt: tenant.latest.readAt }));
          progress(`${tenant.tenantCode}: unchanged`);
          continue;
        }
        visits.push(
          limit(async () => {
            try {
              const figures = await readTenantFigures(server.endpoint, tenant.database, calendar, options.timeouts ?? DEFAULT_READ_TIMEOUTS);
              results.push(row(tenant, calendar, figures, stat, { carriedOver: false, readAt: new Date() }));
              progress(`${tenant.tenantCode}: read`);
            } catch (error) {
              results.push(failedRow(tenant, calendar, stat, messageOf(error)));
              progress(`${tenant.tenantCode}: failed`);
            }
          }),
        );
      }
    }
    await Promise.all(visits);

    await writeUsageRows(ctx.pool, runId, calendar.usageDate, results);
    const failures = results.filter((result) => result.error !== null).map((result) => ({ tenantCode: result.tenantCode, message: result.error! }));
    const summary = await finishRun(ctx.pool, runId, {
      tenants: results.length,
      read: results.filter((result) => result.error === null && !result.carriedOver).length,
      carriedOver: results.filter((result) => result.error === null && result.carriedOver).length,
      failures: failures.sort((a, b) => a.tenantCode.localeCompare(b.tenantCode)),
      durationMs: performance.now() - clock,
    });
    return { summary, rows: results };
  } catch (error) {
    await finishRun(ctx.pool, runId, { error: messageOf(error), durationMs: performance.now() - clock }).catch(() => undefined);
    throw error;
  }
}

function row(
  tenant: TenantToCollect,
  calendar: UsageCalendar,
  figures: TenantFigures,
  stats: DatabaseStats,
  how: { carriedOver: boolean; readAt: Date | null },
): CollectedUsage {
  return {
    tenantId: tenant.tenantId,
    tenantCode: tenant.tenantCode,
    usageDate: calendar.usageDate,
    monthStart: calendar.monthStart,
    figures,
    ...deltas(tenant, calendar, figures, stats),
    stats,
    carriedOver: how.carriedOver,
    readAt: how.readAt,
    error: null,
  };
}

/** A failed tenant keeps its last figures (marked carried over) beside the error. */
function failedRow(tenant: TenantToCollect, calendar: UsageCalendar, stats: DatabaseStats | null, error: string): CollectedUsage {
  const figures = tenant.latest?.figures ?? null;
  return {
    tenantId: tenant.tenantId,
    tenantCode: tenant.tenantCode,
    usageDate: calendar.usageDate,
    monthStart: figures ? tenant.latest!.monthStart : null,
    figures,
    transactionsDelta: figures ? 0 : null,
    active: false,
    stats,
    carriedOver: figures !== null,
    readAt: tenant.latest?.readAt ?? null,
    error,
  };
}
