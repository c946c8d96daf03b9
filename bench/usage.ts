import pLimit from 'p-limit';
import pg from 'pg';
import type { ConsoleCore } from '../src-main/app/console-core';
import { quoteIdent } from '../src-main/postgres/identifiers';
import { clientConfig } from '../src-main/postgres/server-endpoint';
import { refreshDailyRollup } from '../src-main/usage/usage-store';
import { usageCalendar } from '../src-main/usage/usage-calendar';
import type { UsageRunSummary } from '../src-shared/contract/usage-models';
import { seedTenants } from './registry-list';
import { summarize, type Summary } from './lib/stats';

/**
 * Benchmark 3: usage metering. (a) A full collection over N real tenant databases, in
 * databases per second; (b) an incremental run over M databases of which 10% changed;
 * (c) the Usage page's data (`usage:fleet`) over 10,000 tenants × 90 days of history.
 * The databases are cheap clones of the tenant template plus registry rows (no login roles:
 * the collector connects as the server's admin anyway).
 */

export interface UsageBenchOptions {
  readonly fullTenants: number;
  readonly incrementalTenants: number;
  readonly changedShare: number;
  readonly fleetTenants: number;
  readonly fleetDays: number;
  readonly fleetIterations: number;
  readonly log: (line: string) => void;
}

export interface UsageBenchResult {
  readonly options: Omit<UsageBenchOptions, 'log'>;
  readonly createMs: number;
  readonly full: { readonly runs: UsageRunSummary[]; readonly perSecond: number[] };
  readonly incremental: { readonly baseline: UsageRunSummary; readonly run: UsageRunSummary; readonly changed: number };
  readonly fleet: { readonly seedMs: number; readonly rows: number; readonly days90: Summary; readonly days30: Summary; readonly tenant365: Summary };
}

export const USAGE_TARGETS = { fullPerSecond: 25, incrementalMs: 5_000 } as const;

const codeOf = (index: number) => `UB${String(index).padStart(5, '0')}`;

/** Template clones + registry rows for tenants [from, to). */
async function createTenantDatabases(core: ConsoleCore, from: number, to: number): Promise<void> {
  const { primary } = core.platform;
  const limit = pLimit(4);
  await Promise.all(
    Array.from({ length: to - from }, (_, k) =>
      limit(async () => {
        const database = `tenant_${codeOf(from + k).toLowerCase()}`;
        await primary.adminPool.query(`CREATE DATABASE ${quoteIdent(database)} TEMPLATE ${quoteIdent(primary.templateDatabase)}`);
      }),
    ),
  );
  await core.platform.pool.query(
    `INSERT INTO tenants (tenant_code, company_name, subdomain, admin_email, plan_code, plan_version, status, server_id, database_name, db_role)
     SELECT code, 'Usage Bench ' || i, 'usage-bench-' || i, 'ops@usage-bench-' || i || '.example', 'professional', 1, 'active',
            $3::uuid, 'tenant_' || lower(code), 'tenant_' || lower(code) || '_app'
       FROM (SELECT i, 'UB' || lpad(i::text, 5, '0') AS code FROM generate_series($1::int, $2::int - 1) AS i) AS g`,
    [from, to, primary.id],
  );
}

async function tupleChanges(core: ConsoleCore, databases: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await core.platform.primary.adminPool.query<{ datname: string; n: number }>(
    `SELECT d.datname, COALESCE(s.tup_inserted + s.tup_updated + s.tup_deleted, 0)::int8 AS n
       FROM pg_database d LEFT JOIN pg_stat_database s ON s.datid = d.oid WHERE d.datname = ANY($1::text[])`,
    [databases],
  );
  return new Map(rows.map((row) => [row.datname, Number(row.n)]));
}

/** Writes to `share` of the databases (one company each), then waits until the statistics show it. */
async function changeSome(core: ConsoleCore, count: number, share: number): Promise<number> {
  const step = Math.round(1 / share);
  const targets = Array.from({ length: count }, (_, i) => i).filter((i) => i % step === 0).map((i) => `tenant_${codeOf(i).toLowerCase()}`);
  const before = await tupleChanges(core, targets);
  const limit = pLimit(4);
  await Promise.all(
    targets.map((database) =>
      limit(async () => {
        const client = new pg.Client(clientConfig(core.platform.primary.endpoint, database, 'tenant-console-bench'));
        await client.connect();
        try {
          await client.query("INSERT INTO erp.companies (name) VALUES ('Changed by the benchmark')");
        } finally {
          await client.end();
        }
      }),
    ),
  );
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const after = await tupleChanges(core, targets);
    if (targets.every((database) => after.get(database) !== before.get(database))) return targets.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('The changes never reached pg_stat_database.');
}

/** 90 days of plausible history for every registry tenant, straight in with generate_series. */
export async function seedHistory(core: ConsoleCore, days: number): Promise<number> {
  const today = usageCalendar(new Date()).usageDate;
  const { rowCount } = await core.platform.pool.query(
    `INSERT INTO tenant_usage (tenant_id, usage_date, companies, users_total, largest_company_id, largest_company_name,
                               largest_company_users, month_start, transactions_month, transactions_delta, database_bytes,
                               commits, sessions, connections, stat_tuple_changes, stats_reset, active, carried_over, read_at,
                               collected_at)
     SELECT t.id, d, 1 + h % 3, 25 + h % 40, 1, 'Main', 1 + h % 25,
            date_trunc('month', d)::date,
            (h % 120) * extract(day FROM d)::int, h % 120,
            9000000 + (h % 5000) * 20000 + k * 1000,
            h * 10 + k * 50, h + k, h % 4, h * 7, NULL,
            h % 3 <> 0, h % 5 = 0, d + interval '2 hours', d + interval '2 hours'
       FROM (SELECT id, abs(hashtext(tenant_code))::int8 AS h FROM tenants WHERE status IN ('active', 'suspended', 'cancelled')) AS t
      CROSS JOIN LATERAL (SELECT k, $1::date - ($2::int - 1) + k AS d FROM generate_series(0, $2::int - 1) AS k) AS days
     ORDER BY d, t.id`,
    [today, days],
  );
  const from = new Date(Date.parse(today) - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  await refreshDailyRollup(core.platform.pool, from, today);
  await core.platform.pool.query('ANALYZE tenant_usage');
  await core.platform.pool.query('ANALYZE usage_daily');
  return rowCount ?? 0;
}

async function timeCalls(iterations: number, work: () => Promise<unknown>): Promise<Summary> {
  for (let i = 0; i < 3; i += 1) await work(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const start = performance.now();
    await work();
    samples.push(performance.now() - start);
  }
  return summarize(samples);
}

async function dispatch(core: ConsoleCore, channel: string, input: unknown): Promise<unknown> {
  const result = await core.dispatch(channel, input, { origin: 'test' });
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

export async function benchUsage(core: ConsoleCore, options: UsageBenchOptions): Promise<UsageBenchResult> {
  const { log } = options;
  const pool = core.platform.pool;
  const { rows: existing } = await pool.query<{ n: number }>('SELECT count(*) AS n FROM tenants');
  if ((existing[0]?.n ?? 0) > 0) throw new Error('The usage benchmark needs an empty registry.');

  // (a) Full collection.
  let start = performance.now();
  await createTenantDatabases(core, 0, options.fullTenants);
  let createMs = performance.now() - start;
  log(`  created ${options.fullTenants} tenant databases in ${(createMs / 1000).toFixed(1)} s`);
  await pool.query('CHECKPOINT').catch(() => undefined);
  const fullRuns: UsageRunSummary[] = [];
  for (let round = 0; round < 2; round += 1) {
    // No previous figures: every database is visited.
    await pool.query('DELETE FROM tenant_usage');
    const run = await core.usage.collect({ trigger: 'manual' });
    if (run.failed > 0 || run.read !== options.fullTenants) throw new Error(`Full run read ${run.read}, failed ${run.failed}: ${JSON.stringify(run.failures.slice(0, 3))}`);
    fullRuns.push(run);
    log(`  full run ${round + 1}: ${run.read} databases in ${((run.durationMs ?? 0) / 1000).toFixed(2)} s`);
  }

  // (b) Incremental: grow to M databases, collect once as the baseline, change 10%, collect again.
  start = performance.now();
  await createTenantDatabases(core, options.fullTenants, options.incrementalTenants);
  createMs += performance.now() - start;
  const baseline = await core.usage.collect({ trigger: 'manual' });
  const changed = await changeSome(core, options.incrementalTenants, options.changedShare);
  const run = await core.usage.collect({ trigger: 'manual' });
  log(`  incremental run over ${run.tenants}: ${run.read} read, ${run.carriedOver} carried over in ${((run.durationMs ?? 0) / 1000).toFixed(2)} s`);
  if (run.read < changed) throw new Error(`The incremental run read ${run.read} databases but ${changed} changed.`);

  // (c) The Usage page's data over 10,000 tenants × 90 days (registry rows only from here on).
  await pool.query('DELETE FROM tenants');
  start = performance.now();
  await seedTenants(pool, core.platform.primary.id, options.fleetTenants);
  const rows = await seedHistory(core, options.fleetDays);
  const seedMs = performance.now() - start;
  log(`  seeded ${options.fleetTenants} tenants and ${rows} usage rows in ${(seedMs / 1000).toFixed(1)} s`);
  const { rows: one } = await pool.query<{ tenant_code: string }>("SELECT tenant_code FROM tenants WHERE status = 'active' ORDER BY tenant_code LIMIT 1");
  const days90 = await timeCalls(options.fleetIterations, () => dispatch(core, 'usage:fleet', { days: 90 }));
  const days30 = await timeCalls(options.fleetIterations, () => dispatch(core, 'usage:fleet', { days: 30 }));
  const tenant365 = await timeCalls(options.fleetIterations, () => dispatch(core, 'usage:tenant', { ref: one[0]!.tenant_code, days: 365 }));
  log(`  usage:fleet (90 days) median ${days90.median.toFixed(1)} ms`);

  return {
    options: {
      fullTenants: options.fullTenants,
      incrementalTenants: options.incrementalTenants,
      changedShare: options.changedShare,
      fleetTenants: options.fleetTenants,
      fleetDays: options.fleetDays,
      fleetIterations: options.fleetIterations,
    },
    createMs,
    full: { runs: fullRuns, perSecond: fullRuns.map((r) => r.read / ((r.durationMs ?? 1) / 1000)) },
    incremental: { baseline, run, changed },
    fleet: { seedMs, rows, days90, days30, tenant365 },
  };
}
