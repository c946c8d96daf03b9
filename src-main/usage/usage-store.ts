import type pg from 'pg';
import type { UsageRunSummary } from '../../src-shared/contract/usage-models';
import type { DatabaseStats } from './server-stats';
import type { TenantFigures } from './tenant-reader';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** One tenant's result of a run, as written to tenant_usage (and handed to the local cache). */
export interface CollectedUsage {
  readonly tenantId: string;
  readonly tenantCode: string;
  readonly usageDate: string;
  readonly monthStart: string | null;
  readonly figures: TenantFigures | null;
  readonly transactionsDelta: number | null;
  readonly active: boolean;
  /** Null when the server could not be asked (database missing, server down). */
  readonly stats: DatabaseStats | null;
  readonly carriedOver: boolean;
  readonly readAt: Date | null;
  readonly error: string | null;
}

export async function startRun(db: Queryable, trigger: UsageRunSummary['trigger'], startedBy: string, usageDate: string): Promise<string> {
  // Under the collection lock no other run is alive: a 'running' one was cut short by a crash.
  await db.query(`UPDATE usage_runs SET state = 'failed', error = 'Interrupted (the console stopped during the run).', finished_at = now()
                   WHERE state = 'running'`);
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO usage_runs (trigger, started_by, state, usage_date) VALUES ($1, $2, 'running', $3::date) RETURNING id`,
    [trigger, startedBy, usageDate],
  );
  return rows[0]!.id;
}

/** A usage_runs row with its date as text (`RUN_COLUMNS`). */
export interface RunRow {
  id: string;
  usage_date: string;
  trigger: UsageRunSummary['trigger'];
  started_by: string;
  state: UsageRunSummary['state'];
  started_at: Date;
  finished_at: Date | null;
  tenants_total: number;
  read_count: number;
  carried_over: number;
  failed_count: number;
  failures: { tenantCode: string; message: string }[];
  error: string | null;
}

export const RUN_COLUMNS = `id, trigger, started_by, state, usage_date::text AS usage_date, started_at, finished_at, tenants_total,
  read_count, carried_over, failed_count, failures, error`;

export function toRunSummary(row: RunRow): UsageRunSummary {
  return {
    runId: row.id,
    trigger: row.trigger,
    startedBy: row.started_by,
    state: row.state,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    usageDate: row.usage_date,
    tenants: row.tenants_total,
    read: row.read_count,
    carriedOver: row.carried_over,
    failed: row.failed_count,
    failures: row.failures,
    error: row.error,
    durationMs: row.finished_at ? row.finished_at.getTime() - row.started_at.getTime() : null,
  };
}

export async function finishRun(
  db: Queryable,
  runId: string,
  outcome: {
    durationMs: number;
    tenants?: number;
    read?: number;
    carriedOver?: number;
    failures?: { tenantCode: string; message: string }[];
    error?: string;
  },
): Promise<UsageRunSummary> {
  const { rows } = await db.query<RunRow>(
    `UPDATE usage_runs
        SET state = CASE WHEN $2::text IS NULL THEN 'done' ELSE 'failed' END, error = $2, finished_at = now(),
            tenants_total = $3, read_count = $4, carried_over = $5, failed_count = $6, failures = $7::jsonb
      WHERE id = $1
      RETURNING ${RUN_COLUMNS}`,
    [
      runId,
      outcome.error ?? null,
      outcome.tenants ?? 0,
      outcome.read ?? 0,
      outcome.carriedOver ?? 0,
      outcome.failures?.length ?? 0,
      JSON.stringify(outcome.failures ?? []),
    ],
  );
  return { ...toRunSummary(rows[0]!), durationMs: Math.round(outcome.durationMs) };
}

const CHUNK = 2_000;

/**
 * Files the run's rows under the day (a rerun the same day replaces that day's row), then
 * refreshes the fleet's roll-up for the day. JSON in, one statement per chunk.
 */
export async function writeUsageRows(db: Queryable, runId: string, usageDate: string, rows: readonly CollectedUsage[]): Promise<void> {
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK).map((row) => ({
      tenant_id: row.tenantId,
      companies: row.figures?.companies ?? null,
      users_total: row.figures?.usersTotal ?? null,
      largest_company_id: row.figures?.largestCompany?.id ?? null,
      largest_company_name: row.figures?.largestCompany?.name ?? null,
      largest_company_users: row.figures?.largestCompany?.users ?? null,
      month_start: row.monthStart,
      transactions_month: row.figures?.transactionsMonth ?? null,
      transactions_delta: row.transactionsDelta,
      database_bytes: row.stats?.databaseBytes ?? null,
      commits: row.stats?.commits ?? null,
      sessions: row.stats?.sessions ?? null,
      connections: row.stats?.connections ?? null,
      stat_tuple_changes: row.stats?.tupleChanges ?? null,
      stats_reset: row.stats?.statsReset?.toISOString() ?? null,
      active: row.active,
      carried_over: row.carriedOver,
      read_at: row.readAt?.toISOString() ?? null,
      error: row.error,
    }));
    await db.query(
      `INSERT INTO tenant_usage (tenant_id, usage_date, companies, users_total, largest_company_id, largest_company_name,
                                 largest_company_users, month_start, transactions_month, transactions_delta, database_bytes,
                                 commits, sessions, connections, stat_tuple_changes, stats_reset, active, carried_over,
                                 read_at, error, run_id, collected_at)
       SELECT r.tenant_id, $2::date, r.companies, r.users_total, r.largest_company_id, r.largest_company_name,
              r.largest_company_users, r.month_start, r.transactions_month, r.transactions_delta, r.database_bytes,
              r.commits, r.sessions, r.connections, r.stat_tuple_changes, r.stats_reset, r.active, r.carried_over,
              r.read_at, r.error, $3::uuid, now()
         FROM jsonb_to_recordset($1::jsonb) AS r (
                tenant_id uuid, companies integer, users_total integer, largest_company_id bigint, largest_company_name text,
                largest_company_users integer, month_start date, transactions_month integer, transactions_delta integer,
                database_bytes bigint, commits bigint, sessions bigint, connections integer, stat_tuple_changes bigint,
                stats_reset timestamptz, active boolean, carried_over boolean, read_at timestamptz, error text)
       ON CONFLICT (tenant_id, usage_date) DO UPDATE SET
         companies = EXCLUDED.companies, users_total = EXCLUDED.users_total,
         largest_company_id = EXCLUDED.largest_company_id, largest_company_name = EXCLUDED.largest_company_name,
         largest_company_users = EXCLUDED.largest_company_users, month_start = EXCLUDED.month_start,
         transactions_month = EXCLUDED.transactions_month, transactions_delta = EXCLUDED.transactions_delta,
         database_bytes = EXCLUDED.database_bytes, commits = EXCLUDED.commits, sessions = EXCLUDED.sessions,
         connections = EXCLUDED.connections, stat_tuple_changes = EXCLUDED.stat_tuple_changes,
         stats_reset = EXCLUDED.stats_reset, active = EXCLUDED.active OR tenant_usage.active,
         carried_over = EXCLUDED.carried_over, read_at = EXCLUDED.read_at, error = EXCLUDED.error,
         run_id = EXCLUDED.run_id, collected_at = EXCLUDED.collected_at`,
      [JSON.stringify(chunk), usageDate, runId],
    );
  }
  await refreshDailyRollup(db, usageDate, usageDate);
}

/** Recomputes the fleet's per-day totals for a range of days from tenant_usage (aggregated in SQL). */
export async function refreshDailyRollup(db: Queryable, from: string, to: string): Promise<void> {
  await db.query(
    `INSERT INTO usage_daily (usage_date, tenants, active_tenants, companies, users, transactions, database_bytes, failed, refreshed_at)
     SELECT usage_date, count(*), count(*) FILTER (WHERE active), COALESCE(sum(companies), 0), COALESCE(sum(users_total), 0),
            COALESCE(sum(transactions_delta), 0), COALESCE(sum(database_bytes), 0), count(*) FILTER (WHERE error IS NOT NULL), now()
       FROM tenant_usage
      WHERE usage_date BETWEEN $1::date AND $2::date
      GROUP BY usage_date
     ON CONFLICT (usage_date) DO UPDATE SET
       tenants = EXCLUDED.tenants, active_tenants = EXCLUDED.active_tenants, companies = EXCLUDED.companies,
       users = EXCLUDED.users, transactions = EXCLUDED.transactions, database_bytes = EXCLUDED.database_bytes,
       failed = EXCLUDED.failed, refreshed_at = EXCLUDED.refreshed_at`,
    [from, to],
  );
}
