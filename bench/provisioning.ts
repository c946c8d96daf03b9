import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { ConsoleCore } from '../src-main/app/console-core';
import { applyMigrations } from '../src-main/base/migration-runner';
import { quoteIdent } from '../src-main/postgres/identifiers';
import { clientConfig } from '../src-main/postgres/server-endpoint';
import { TENANT_MIGRATIONS } from '../src-main/tenant-schema/migrations';
import { grantTenantPrivileges } from '../src-main/tenant-schema/privileges';
import { planTemplateSpec } from '../src-main/platform/plan-templates';
import { readSetting, writeSettings } from '../src-main/settings/settings-store';
import { spareWants } from '../src-main/tenants/spare-wants';
import { currentPlan } from '../src-main/tenants/tenant-queries';
import { rotate, sum } from './lib/stats';

/**
 * Benchmark 1: what one tenant costs to provision, against (a) the bare clone it is built
 * around and (b) the naive alternative (an empty database, then the migrations). Full
 * provisioning twice: as the product normally runs it (a spare database ready: renamed,
 * no clone on the request path) and cold (no spare: the plan template is cloned on the
 * spot). The variants run in batches, round-robin with the order rotated every round, and
 * a CHECKPOINT is timed after every batch: the dirty pages a batch leaves behind are part
 * of its price, only paid later. The spares' refills (a clone each, in the background)
 * happen inside the warm batches, so their WAL and checkpoint count against it.
 */

export type VariantId = 'full' | 'cold' | 'bare' | 'migrate';

/** The order the report lists them in: the floor, the product (warm, then cold), the naive alternative. */
export const VARIANT_ORDER: readonly VariantId[] = ['bare', 'full', 'cold', 'migrate'];

export const VARIANT_LABELS: Readonly<Record<VariantId, string>> = {
  bare: '(a) bare clone: `CREATE DATABASE … TEMPLATE <schema template>` only',
  full: 'Full provisioning (`tenants:create`), a spare database ready (the normal path)',
  cold: 'Full provisioning (`tenants:create`), no spare: the plan template cloned on the spot',
  migrate: '(b) empty database: `CREATE DATABASE … TEMPLATE template0` + migrations + grants',
};

export interface ProvisioningOptions {
  /** Measured tenants per variant. */
  readonly perVariant: number;
  /** Unmeasured iterations per variant before the first batch. */
  readonly warmup: number;
  /** Tenants per batch; a CHECKPOINT is timed after each. */
  readonly batchSize: number;
  readonly log: (line: string) => void;
}

export interface VariantResult {
  readonly id: VariantId;
  readonly samples: number[];
  readonly checkpoints: number[];
  readonly walBytes: number[];
  /** Named sub-steps, one sample per measured tenant. */
  readonly steps: Map<string, number[]>;
  /**
   * Warm provisioning only: from the reply until the pool held a spare again (the refill the
   * take started in the background), one sample per measured tenant. Not on the request path.
   */
  readonly refills: number[];
}

export interface ProvisioningResult {
  readonly options: Omit<ProvisioningOptions, 'log'>;
  readonly rounds: number;
  readonly variants: Readonly<Record<VariantId, VariantResult>>;
  readonly settings: Readonly<Record<string, string>>;
  readonly templateBytes: number;
  /** Checkpoints the server ran on its own during the measured rounds (WAL volume or timeout). */
  readonly backgroundCheckpoints: number | null;
  readonly elapsedMs: number;
  readonly cleanupMs: number;
}

interface Sample {
  readonly ms: number;
  readonly steps: ReadonlyArray<readonly [string, number]>;
}

interface Made {
  readonly databases: string[];
  readonly roles: string[];
  readonly tenantCodes: string[];
}

/** Time between consecutive marks, named after the step that ends at each mark. */
function stepDurations(start: number, marks: ReadonlyArray<readonly [string, number]>): [string, number][] {
  let previous = start;
  return marks.map(([name, at]) => {
    const duration = at - previous;
    previous = at;
    return [name, duration];
  });
}

// What the span ending at each of provisionTenant's milestones holds (journal writes
// around an action count with it). An unknown milestone keeps its own name: the step
// table follows whatever order the events come in.
const COLD_STEP_NAMES: Readonly<Record<string, string>> = {
  registered: '`registered`: plan + settings reads, free code, registry row + journal entry',
  role_created: '`role_created`: role with password and group membership (the claim on the names) + journal step, one transaction',
  database_created: '`database_created`: clone of the plan template',
  privileges_granted: '`privileges_granted`: CONNECT, search path, LOGIN + journal step, one transaction',
  limits_pushed: '`limits_pushed`: nothing left to do (the limits came with the clone)',
  activated: '`activated`: activation transaction',
  reply: 'read back + output validation',
};
const WARM_STEP_NAMES: Readonly<Record<string, string>> = {
  ...COLD_STEP_NAMES,
  role_created: '`role_created`: role (the claim on the names) + journal step, one transaction; the spare looked up meanwhile',
  database_created: '`database_created`: spare renamed to the tenant\'s database + CONNECT, search path, LOGIN + journal step, one transaction',
  privileges_granted: '`privileges_granted`: nothing left to do (done with the rename)',
  limits_pushed: '`limits_pushed`: nothing left to do (the limits came with the spare)',
};

const BENCH_PLAN = 'starter';
/** provisionTenant's progress message when the database was a spare (provision.ts). */
const SPARE_TAKEN = /spare/i;

function createVariants(core: ConsoleCore, tag: string, made: Made): Record<VariantId, (n: number) => Promise<Sample>> {
  const server = core.platform.primary;
  const admin = server.adminPool;

  const provision = (stepNames: Readonly<Record<string, string>>, spare: boolean) => async (n: number): Promise<Sample> => {
    const requestId = randomUUID();
    const marks: [string, number][] = [];
    let databaseStep = '';
    const off = core.events.on('job:progress', (progress) => {
      if (progress.requestId !== requestId) return;
      marks.push([stepNames[progress.step] ?? `\`${progress.step}\``, performance.now()]);
      if (progress.step === 'database_created') databaseStep = progress.message;
    });
    const start = performance.now();
    let result: Awaited<ReturnType<ConsoleCore['dispatch']>>;
    try {
      result = await core.dispatch(
        'tenants:create',
        {
          companyName: `Bench Tenant ${n}`,
          subdomain: `bench-${tag}-${n}`,
          plan: BENCH_PLAN,
          adminEmail: `admin+${n}@bench.example.com`,
          requestId,
        },
        { origin: 'test' },
      );
    } finally {
      off();
    }
    const end = performance.now();
    if (!result.ok) throw new Error(`tenants:create #${n} failed: ${result.error.code}: ${result.error.message}`);
    const { tenant } = result.value as { tenant: { tenantCode: string; databaseName: string; dbRole: string } };
    made.tenantCodes.push(tenant.tenantCode);
    made.databases.push(tenant.databaseName);
    made.roles.push(tenant.dbRole);
    // A sample on the other path than its variant's would be mislabelled: the run stops instead.
    if (SPARE_TAKEN.test(databaseStep) !== spare) {
      throw new Error(`tenants:create #${n} ${spare ? 'cloned although a spare should have been ready' : 'took a spare with the count at 0'}: "${databaseStep}"`);
    }
    marks.push([stepNames.reply!, end]);
    return { ms: end - start, steps: stepDurations(start, marks) };
  };

  const bare = async (n: number): Promise<Sample> => {
    const database = `bench_${tag}_bare_${n}`;
    const start = performance.now();
    await admin.query(`CREATE DATABASE ${quoteIdent(database)} TEMPLATE ${quoteIdent(server.templateDatabase)}`);
    const end = performance.now();
    made.databases.push(database);
    return { ms: end - start, steps: [['clone', end - start]] };
  };

  // The naive alternative, done as template.ts builds the template, plus what provisioning
  // adds per tenant (a role and its grants) — but without the journal, so it errs in (b)'s favour.
  const migrate = async (n: number): Promise<Sample> => {
    const database = `bench_${tag}_mig_${n}`;
    const role = `${database}_app`;
    const marks: [string, number][] = [];
    const mark = (name: string) => marks.push([name, performance.now()]);
    const start = performance.now();
    await admin.query(`CREATE DATABASE ${quoteIdent(database)} TEMPLATE template0 ENCODING 'UTF8'`);
    made.databases.push(database);
    mark('create empty database');
    await admin.query(`CREATE ROLE ${quoteIdent(role)} NOLOGIN`);
    made.roles.push(role);
    await admin.query(`REVOKE ALL ON DATABASE ${quoteIdent(database)} FROM PUBLIC`);
    await admin.query(`GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO ${quoteIdent(role)}`);
    mark('role + database grants');
    const client = new pg.Client(clientConfig(server.endpoint, database, 'tenant-console-bench'));
    await client.connect();
    mark('connect to the new database');
    try {
      await client.query('CREATE SCHEMA IF NOT EXISTS platform');
      await applyMigrations(client, TENANT_MIGRATIONS, 'platform.schema_migrations');
      mark('tenant migrations');
      await grantTenantPrivileges(client, role);
      mark('schema grants');
    } finally {
      await client.end();
    }
    mark('disconnect');
    return { ms: performance.now() - start, steps: stepDurations(start, marks) };
  };

  return { full: provision(WARM_STEP_NAMES, true), cold: provision(COLD_STEP_NAMES, false), bare, migrate };
}

async function currentLsn(admin: pg.Pool): Promise<string> {
  const { rows } = await admin.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
  return rows[0]!.lsn;
}

async function walSince(admin: pg.Pool, lsn: string): Promise<number> {
  const { rows } = await admin.query<{ bytes: number }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::float8 AS bytes', [lsn]);
  return rows[0]!.bytes;
}

/** Checkpoints run so far (timed + requested); pg_stat_checkpointer from PostgreSQL 17, pg_stat_bgwriter before. */
async function checkpointCount(admin: pg.Pool): Promise<number | null> {
  for (const sql of [
    'SELECT (num_timed + num_requested)::float8 AS n FROM pg_stat_checkpointer',
    'SELECT (checkpoints_timed + checkpoints_req)::float8 AS n FROM pg_stat_bgwriter',
  ]) {
    try {
      const { rows } = await admin.query<{ n: number }>(sql);
      return rows[0]?.n ?? null;
    } catch {
      // Not this server version's view.
    }
  }
  return null;
}

async function serverSettings(admin: pg.Pool): Promise<Record<string, string>> {
  const names = ['shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'fsync', 'synchronous_commit', 'wal_level', 'full_page_writes'];
  const { rows } = await admin.query<{ name: string; setting: string }>(
    `SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY($1::text[])`,
    [names],
  );
  return Object.fromEntries(names.map((name) => [name, rows.find((row) => row.name === name)?.setting ?? '?']));
}

async function dropEverything(core: ConsoleCore, made: Made): Promise<void> {
  const admin = core.platform.primary.adminPool;
  if (made.tenantCodes.length > 0) {
    await core.platform.pool.query('DELETE FROM operations WHERE tenant_code = ANY($1::text[])', [made.tenantCodes]);
    await core.platform.pool.query('DELETE FROM tenants WHERE tenant_code = ANY($1::text[])', [made.tenantCodes]);
  }
  for (const database of made.databases) await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
  for (const role of made.roles) await admin.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
}

export async function benchProvisioning(core: ConsoleCore, options: ProvisioningOptions): Promise<ProvisioningResult> {
  const { perVariant, warmup, batchSize, log } = options;
  const admin = core.platform.primary.adminPool;
  const tag = randomBytes(3).toString('hex');
  const made: Made = { databases: [], roles: [], tenantCodes: [] };
  const variants = createVariants(core, tag, made);
  const ids: VariantId[] = ['full', 'cold', 'bare', 'migrate'];
  const empty = (id: VariantId): VariantResult => ({ id, samples: [], checkpoints: [], walBytes: [], steps: new Map(), refills: [] });
  const results: Record<VariantId, VariantResult> = { full: empty('full'), cold: empty('cold'), bare: empty('bare'), migrate: empty('migrate') };
  const spares = core.platform.primary.spares;
  if (!spares) throw new Error('This console has no spare pool (offline?): nothing to benchmark.');
  const spareCount = await readSetting(core.platform.pool, 'spareDatabasesPerPlan');
  if (spareCount === 0) throw new Error('spare_databases_per_plan is 0 on this platform: the warm variant needs spares.');
  // The console keeps the pool as the desktop app does, but refills only when a spare is
  // taken (and when the benchmark waits for one): no timer fires in the middle of a sample.
  const never = 24 * 3_600_000;
  spares.keep({ pool: core.platform.pool, wants: () => spareWants(core.platform.pool), startDelayMs: never, intervalMs: never });
  // Each cold sample runs with the count at 0 (provisioning then looks for no spare and
  // clones), written straight to the settings table (untimed), so the pool is left as it is.
  const withCount = (count: number) => writeSettings(core.platform.pool, { spareDatabasesPerPlan: count });
  const run: Record<VariantId, (n: number) => Promise<Sample>> = {
    ...variants,
    // Each warm sample starts as the product's steady state does: the pool full again after
    // the last take (in the rounds, the batch loop has waited for that and timed it).
    full: async (n) => {
      await spares.refillNow();
      return variants.full(n);
    },
    cold: async (n) => {
      await withCount(0);
      try {
        return await variants.cold(n);
      } finally {
        await withCount(spareCount);
      }
    },
  };
  const rounds = Math.ceil(perVariant / batchSize);
  const started = performance.now();
  const settings = await serverSettings(admin);
  const { rows: sizeRows } = await admin.query<{ bytes: number }>('SELECT pg_database_size($1)::float8 AS bytes', [core.platform.primary.templateDatabase]);

  try {
    // Steady state: the plan version's template is ready (a console builds it in the
    // background when the plan version appears or its first tenant is made).
    const plan = await currentPlan(core.platform.pool, BENCH_PLAN);
    await core.platform.primary.planTemplates?.prepare(planTemplateSpec(plan, await readSetting(core.platform.pool, 'limitWarningPercent')));
    // And the spares of every plan, as after a console has been running a while.
    await spares.refillNow();

    let counter = 0;
    for (let i = 0; i < warmup; i += 1) {
      for (const id of rotate(ids, i)) await run[id](++counter);
    }
    await admin.query('CHECKPOINT');
    log(`  warm-up done (${warmup} per variant, excluded)`);

    const checkpointsBefore = await checkpointCount(admin);
    let ours = 0;
    for (let round = 0; round < rounds; round += 1) {
      for (const id of rotate(ids, round)) {
        const result = results[id];
        const size = Math.min(batchSize, perVariant - result.samples.length);
        const lsn = await currentLsn(admin);
        for (let i = 0; i < size; i += 1) {
          const sample = await run[id](++counter);
          result.samples.push(sample.ms);
          for (const [name, ms] of sample.steps) {
            const list = result.steps.get(name) ?? [];
            list.push(ms);
            result.steps.set(name, list);
          }
          if (id === 'full') {
            // The refill the last take started: inside the batch, so its WAL and checkpoint count here.
            const waitStart = performance.now();
            await spares.refillNow();
            result.refills.push(performance.now() - waitStart);
          }
        }
        result.walBytes.push(await walSince(admin, lsn));
        const checkpointStart = performance.now();
        await admin.query('CHECKPOINT');
        result.checkpoints.push(performance.now() - checkpointStart);
        ours += 1;
      }
      log(`  round ${round + 1}/${rounds} done`);
    }
    const checkpointsAfter = await checkpointCount(admin);
    const backgroundCheckpoints =
      checkpointsBefore === null || checkpointsAfter === null ? null : Math.max(0, checkpointsAfter - checkpointsBefore - ours);

    const elapsedMs = performance.now() - started;
    const cleanupStart = performance.now();
    await dropEverything(core, made);
    made.databases.length = 0;
    made.roles.length = 0;
    made.tenantCodes.length = 0;
    return {
      options: { perVariant, warmup, batchSize },
      rounds,
      variants: results,
      settings,
      templateBytes: sizeRows[0]?.bytes ?? Number.NaN,
      backgroundCheckpoints,
      elapsedMs,
      cleanupMs: performance.now() - cleanupStart,
    };
  } finally {
    // After a failure: still leave nothing behind.
    if (made.databases.length + made.roles.length + made.tenantCodes.length > 0) {
      await dropEverything(core, made).catch((error) => log(`  cleanup failed: ${(error as Error).message}`));
    }
  }
}

export function totalWal(result: VariantResult): number {
  return sum(result.walBytes);
}
