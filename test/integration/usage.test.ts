import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { LOCK_NAMESPACE, LOCK_USAGE_COLLECTION } from '../../src-main/base/advisory-locks';
import type { UsageCollection } from '../../src-main/usage/collector';
import { UsageScheduler } from '../../src-main/usage/usage-scheduler';
import type { EventPayload } from '../../src-shared/contract/events';
import { runTenantctl } from '../support/cli';
import { runCliInProcess } from '../support/run-cli';
import { call, callError } from '../support/core-calls';
import { provisionMany, type Provisioned } from '../support/provision-many';
import { adminClient, operatorEnv, serverCases, useTestPlatform } from '../support/servers';
import { tierScale } from '../support/tier';

// The 50 tenant databases in the full tier; 20 in the fast tier (still more than the
// collector reads at once, with every role below: data, broken, changed, suspended, cancelled).
const TENANTS = tierScale(20, 50);
// Cycled over the tenants: index 0 trial, 1 professional, 2 starter, 3 enterprise, 4 trial, …
const PLANS = ['trial', 'professional', 'starter', 'enterprise'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface DbStats {
  sessions: number;
  tuples: number;
}

describe.each(await serverCases('usage metering'))('usage metering on $name', (serverCase) => {
  const { skip } = serverCase;
  const platform = useTestPlatform(serverCase, 'usage');
  let core: ConsoleCore;
  let url: string;
  let tenants: Provisioned[];
  let dataDir: string;
  const today = new Date().toISOString().slice(0, 10);

  const db = (index: number) => tenants[index]!.tenant.databaseName;
  const code = (index: number) => tenants[index]!.tenant.tenantCode;
  // Who is who: data at 0–2, broken at 3 (refuses connections) and 4 (dropped), changed later at 5.
  const TRIAL_FULL = 0;
  const PRO_NEAR = 1;
  const STARTER_SOME = 2;
  const REFUSING = 3;
  const DROPPED = 4;
  const CHANGED = 5;
  const SUSPENDED = 6;
  const CANCELLED = 7;
  const withData = [TRIAL_FULL, PRO_NEAR, STARTER_SOME, CHANGED];
  const broken = [REFUSING, DROPPED];
  const idle = () => tenants.map((_, index) => index).filter((index) => !withData.includes(index) && !broken.includes(index));

  async function onTenantDb<T>(index: number, work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = await adminClient(url, db(index));
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  async function seedErp(index: number, companies: { name: string; users: number }[], transactionsThisMonth: number, transactionsLastMonth = 0) {
    await onTenantDb(index, async (client) => {
      for (const company of companies) {
        const { rows } = await client.query<{ id: string }>('INSERT INTO erp.companies (name) VALUES ($1) RETURNING id', [company.name]);
        const id = rows[0]!.id;
        await client.query(
          `INSERT INTO erp.users (company_id, email) SELECT $1, 'user' || g || '@' || $2 || '.example' FROM generate_series(1, $3::int) g`,
          [id, company.name.toLowerCase(), company.users],
        );
        if (company === companies[0]) {
          await client.query('INSERT INTO erp.transactions (company_id, amount) SELECT $1, 10 FROM generate_series(1, $2::int)', [id, transactionsThisMonth]);
          // Last month's transactions as last month left them: rows dated then, counted in
          // last month's limit counter. "This month" is read from the counters (what the
          // limit uses), which count a row in the month it was written whatever its
          // created_at says — so the rows go in without the insert trigger (superuser only)
          // and last month's counter is written as it stood (usage-counters.security.test.ts
          // shows a backdated insert counting for this month).
          await client.query('BEGIN');
          await client.query('SET LOCAL session_replication_role = replica');
          await client.query(
            `INSERT INTO erp.transactions (company_id, amount, created_at)
             SELECT $1, 10, date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '1 day' FROM generate_series(1, $2::int)`,
            [id, transactionsLastMonth],
          );
          await client.query(
            `INSERT INTO platform.counters (resource, period, used)
             VALUES ('transactions', (date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month')::date, $1)`,
            [transactionsLastMonth],
          );
          await client.query('COMMIT');
        }
      }
    });
  }

  async function serverStats(): Promise<Map<string, DbStats>> {
    const admin = await adminClient(url);
    try {
      const { rows } = await admin.query<{ datname: string; sessions: number; tuples: number }>(
        `SELECT d.datname, COALESCE(s.sessions, 0)::int8 AS sessions,
                COALESCE(s.tup_inserted + s.tup_updated + s.tup_deleted, 0)::int8 AS tuples
           FROM pg_database d LEFT JOIN pg_stat_database s ON s.datid = d.oid WHERE d.datname = ANY($1::text[])`,
        [tenants.map((tenant) => tenant.tenant.databaseName)],
      );
      return new Map(rows.map((row) => [row.datname, { sessions: Number(row.sessions), tuples: Number(row.tuples) }]));
    } finally {
      await admin.end();
    }
  }

  /** Statistics are flushed lazily (at backend exit, at most once a second): wait until nothing moves. */
  async function setAllowConnections(quotedDatabases: readonly string[], allow: boolean): Promise<void> {
    const admin = await adminClient(url);
    try {
      for (const name of quotedDatabases) await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS ${allow}`);
    } finally {
      await admin.end();
    }
  }

  async function quietStats(): Promise<Map<string, DbStats>> {
    let before = await serverStats();
    for (let attempt = 0; attempt < 20; attempt += 1) {
      await sleep(1_200);
      const after = await serverStats();
      if (JSON.stringify([...after]) === JSON.stringify([...before])) return after;
      before = after;
    }
    throw new Error('Statistics never settled.');
  }

  async function usageRow(index: number, date = today) {
    const { rows } = await core.platform.pool.query(
      `SELECT companies, users_total, largest_company_name, largest_company_users, transactions_month, database_bytes,
              carried_over, error, read_at, month_start::text AS month_start
         FROM tenant_usage WHERE tenant_id = $1 AND usage_date = $2::date`,
      [tenants[index]!.tenant.id, date],
    );
    return rows[0];
  }

  beforeAll(async () => {
    if (skip) return;
    ({ core, url } = platform);
    dataDir = await mkdtemp(join(tmpdir(), 'tc-usage-cli-'));
    tenants = await provisionMany(core, TENANTS, PLANS, 4);
    await seedErp(TRIAL_FULL, [{ name: 'Solo', users: 2 }], 85, 2);
    await seedErp(PRO_NEAR, [{ name: 'Small', users: 1 }, { name: 'Big', users: 17 }], 100);
    await seedErp(STARTER_SOME, [{ name: 'Shop', users: 3 }], 10);
    // Provisioning leaves catalog changes (pg_attribute, pg_class…) past autovacuum's analyze
    // threshold, and an autoanalyze writes pg_statistic: the database's tuple counters move,
    // and the collector rightly reads it again. That happens at a moment of the launcher's
    // choosing on a server with autovacuum on (the embedded one); analyse now so the idle
    // databases stay idle for the whole file.
    const settle = pLimit(4);
    await Promise.all(tenants.map((_, index) => settle(() => onTenantDb(index, (client) => client.query('ANALYZE')))));
    // Broken behind the registry's back: one database refuses connections, and the registry
    // of another points at a database that is not there (as if dropped by hand; a real DROP
    // here would cost a checkpoint).
    const admin = await adminClient(url);
    try {
      await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(db(REFUSING))} ALLOW_CONNECTIONS false`);
    } finally {
      await admin.end();
    }
    await core.platform.pool.query("UPDATE tenants SET database_name = database_name || '_gone' WHERE id = $1", [tenants[DROPPED]!.tenant.id]);
  }, 180_000);

  afterAll(async () => {
    if (skip) return;
    await rm(dataDir, { recursive: true, force: true });
    // Runs before the platform's own tear-down (hooks unwind in reverse): drop the many
    // tenant databases a few at a time instead of one by one.
    const limit = pLimit(4);
    await Promise.all(
      tenants.map((tenant) =>
        limit(async () => {
          const admin = await adminClient(url);
          try {
            await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(tenant.tenant.databaseName)} WITH (FORCE)`);
          } finally {
            await admin.end();
          }
        }),
      ),
    );
  });

  it.skipIf(skip)(`reads ${TENANTS} tenant databases, reports the broken ones and finishes the rest with correct figures`, async () => {
    // Before the first run the page still loads, empty.
    expect(await call(core, 'usage:fleet', { days: 30 })).toMatchObject({
      asOf: null, totals: { tenants: 0, databaseBytes: 0 }, nearLimit: { total: 0, tenants: [] }, trends: [], storage: { top: [], rest: { tenants: 0 } }, lastRun: null,
    });
    // Suspended and cancelled tenants keep their databases: they are metered too.
    const suspended = tenants[SUSPENDED]!.tenant;
    await call(core, 'tenants:suspend', { ref: suspended.tenantCode, reason: 'Unpaid', expectedVersion: suspended.version });
    const cancelled = tenants[CANCELLED]!.tenant;
    await call(core, 'tenants:cancel', { ref: cancelled.tenantCode, expectedVersion: cancelled.version });
    await quietStats();
    const requestId = 'usage-test-run-1';
    const progress: EventPayload<'job:progress'>[] = [];
    const collected: EventPayload<'usage:collected'>[] = [];
    const hooked: UsageCollection[] = [];
    const offs = [
      core.events.on('job:progress', (event) => event.requestId === requestId && progress.push(event)),
      core.events.on('usage:collected', (event) => collected.push(event)),
      core.usage.onCollected((collection) => void hooked.push(collection)),
    ];
    let run;
    try {
      run = await call(core, 'usage:collect', { requestId });
    } finally {
      offs.forEach((off) => off());
    }

    expect(run).toMatchObject({ state: 'done', usageDate: today, tenants: TENANTS, read: TENANTS - 2, carriedOver: 0, failed: 2, error: null });
    expect(run.failures.map((failure) => failure.tenantCode).sort()).toEqual([code(REFUSING), code(DROPPED)].sort());
    expect(run.failures.find((failure) => failure.tenantCode === code(DROPPED))!.message).toMatch(/does not exist/);
    expect(run.failures.find((failure) => failure.tenantCode === code(REFUSING))!.message).toMatch(/not currently accepting connections/);

    expect(progress.every((event) => event.operation === 'usage-collect')).toBe(true);
    expect(progress.at(-1)).toMatchObject({ stepIndex: TENANTS, stepCount: TENANTS });
    expect(collected).toEqual([run]);
    expect(hooked).toHaveLength(1);
    expect(hooked[0]!.rows).toHaveLength(TENANTS);

    expect(await usageRow(TRIAL_FULL)).toMatchObject({
      companies: 1, users_total: 2, largest_company_name: 'Solo', largest_company_users: 2, transactions_month: 85, carried_over: false, error: null,
    });
    expect(await usageRow(PRO_NEAR)).toMatchObject({ companies: 2, users_total: 18, largest_company_name: 'Big', largest_company_users: 17, transactions_month: 100 });
    expect(await usageRow(STARTER_SOME)).toMatchObject({ companies: 1, users_total: 3, largest_company_users: 3, transactions_month: 10 });
    for (const index of idle()) {
      const row = await usageRow(index);
      expect(row).toMatchObject({ companies: 0, users_total: 0, largest_company_name: null, transactions_month: 0, carried_over: false, error: null });
      expect(Number(row.database_bytes)).toBeGreaterThan(1_000_000);
    }
    for (const index of [SUSPENDED, CANCELLED]) expect(await usageRow(index)).toMatchObject({ companies: 0, error: null, carried_over: false });
    const dropped = await usageRow(DROPPED);
    expect(dropped).toMatchObject({ companies: null, carried_over: false, read_at: null });
    expect(dropped.error).toMatch(/does not exist/);
  });

  it.skipIf(skip)('does not connect to an idle database (the server refuses one during the run), re-reads a changed one, and a rerun updates the day', async () => {
    await seedErp(CHANGED, [{ name: 'Newco', users: 4 }], 3);
    // Wait for the insert to reach the statistics, and for every visit's session to be counted.
    const before = await quietStats();
    // The server itself refuses any connection to an idle database during the run (even a
    // superuser's): a visit would fail and show in `failed`. Counting the idle databases'
    // sessions instead would also count whatever else on a shared test server connects.
    const idleNames = idle().map((index) => pg.escapeIdentifier(db(index)));
    await setAllowConnections(idleNames, false);
    let run;
    try {
      run = await call(core, 'usage:collect', {});
    } finally {
      await setAllowConnections(idleNames, true);
    }
    expect(run).toMatchObject({ tenants: TENANTS, failed: 2 });
    expect(run.read).toBeGreaterThanOrEqual(1);
    expect(run.read + run.carriedOver + run.failed).toBe(TENANTS);
    expect(run.carriedOver).toBeGreaterThanOrEqual(idle().length);

    expect(await usageRow(CHANGED)).toMatchObject({ companies: 1, users_total: 4, largest_company_name: 'Newco', transactions_month: 3, carried_over: false });
    // The visit to the changed database shows up in its sessions: the measure works…
    let after = await serverStats();
    for (let attempt = 0; attempt < 30 && after.get(db(CHANGED))!.sessions <= before.get(db(CHANGED))!.sessions; attempt += 1) {
      await sleep(300);
      after = await serverStats();
    }
    expect(after.get(db(CHANGED))!.sessions).toBeGreaterThan(before.get(db(CHANGED))!.sessions);
    // …and no idle database was visited: each was closed to connections, and each carried over cleanly.
    for (const index of idle()) {
      expect(await usageRow(index), `usage of idle ${db(index)}`).toMatchObject({ companies: 0, carried_over: true, error: null });
    }

    const { rows } = await core.platform.pool.query<{ rows: number; tenants: number; days: number }>(
      'SELECT count(*)::int AS rows, count(DISTINCT tenant_id)::int AS tenants, count(DISTINCT usage_date)::int AS days FROM tenant_usage',
    );
    expect(rows[0]).toEqual({ rows: TENANTS, tenants: TENANTS, days: 1 });
    const runs = await core.platform.pool.query<{ state: string }>('SELECT state FROM usage_runs ORDER BY started_at');
    expect(runs.rows.map((row) => row.state)).toEqual(['done', 'done']);
  });

  it.skipIf(skip)('fleet data: near-limit math, totals, storage, plans, MRR and trends', async () => {
    const fleet = await call(core, 'usage:fleet', { days: 30 });
    expect(fleet).toMatchObject({ days: 30, asOf: today, warningPercent: 80 });
    // Trial: 1 of 1 companies, 2 of 3 users, 85 of 100 transactions; starter: 1 of 1 companies;
    // professional: 17 of 20 users in its largest company. Worst first, then by code.
    const expected = [
      {
        tenantCode: code(TRIAL_FULL), companyName: 'Usage Test 1', plan: 'trial', status: 'active', maxPercent: 100, over: true,
        resources: [
          { resource: 'companies', current: 1, limit: 1, percent: 100 },
          { resource: 'usersPerCompany', current: 2, limit: 3, percent: 66.7 },
          { resource: 'transactionsPerMonth', current: 85, limit: 100, percent: 85 },
        ],
      },
      {
        tenantCode: code(STARTER_SOME), companyName: 'Usage Test 3', plan: 'starter', status: 'active', maxPercent: 100, over: true,
        resources: [
          { resource: 'companies', current: 1, limit: 1, percent: 100 },
          { resource: 'usersPerCompany', current: 3, limit: 5, percent: 60 },
          { resource: 'transactionsPerMonth', current: 10, limit: 1000, percent: 1 },
        ],
      },
      {
        tenantCode: code(PRO_NEAR), companyName: 'Usage Test 2', plan: 'professional', status: 'active', maxPercent: 85, over: false,
        resources: [
          { resource: 'companies', current: 2, limit: 3, percent: 66.7 },
          { resource: 'usersPerCompany', current: 17, limit: 20, percent: 85 },
          { resource: 'transactionsPerMonth', current: 100, limit: 10000, percent: 1 },
        ],
      },
    ].sort((a, b) => b.maxPercent - a.maxPercent || a.tenantCode.localeCompare(b.tenantCode));
    expect(fleet.nearLimit.tenants).toEqual(expected);
    expect(fleet.nearLimit).toMatchObject({ total: 3, over: 2 });
    expect(fleet.totals).toMatchObject({ tenants: TENANTS, companies: 5, users: 2 + 18 + 3 + 4, transactionsMonth: 85 + 100 + 10 + 3, failedTenants: 2 });

    const sizes = (await core.platform.pool.query<{ bytes: string }>('SELECT database_bytes AS bytes FROM tenant_usage WHERE database_bytes IS NOT NULL')).rows.map((row) => Number(row.bytes));
    expect(fleet.storage.top).toHaveLength(10);
    expect(fleet.storage.rest.tenants).toBe(sizes.length - 10);
    expect(fleet.storage.top.reduce((sum, row) => sum + row.databaseBytes, 0) + fleet.storage.rest.databaseBytes).toBe(sizes.reduce((a, b) => a + b, 0));
    expect(fleet.totals.databaseBytes).toBe(sizes.reduce((a, b) => a + b, 0));

    // Plan distribution counts active and suspended tenants; MRR only the active ones.
    const perPlan = (plan: string, except: number[] = []) =>
      tenants.filter((tenant, index) => tenant.tenant.plan === plan && !except.includes(index)).length;
    expect(fleet.plans).toEqual(
      ['trial', 'starter', 'professional', 'enterprise'].map((plan) => ({ plan, name: expect.any(String), tenants: perPlan(plan, [CANCELLED]) })),
    );
    expect(fleet.mrr.customTenants).toBe(perPlan('enterprise', [SUSPENDED, CANCELLED]));
    expect(fleet.mrr.totals).toEqual([
      { currency: 'USD', monthlyCents: perPlan('starter', [SUSPENDED, CANCELLED]) * 4900 + perPlan('professional', [SUSPENDED, CANCELLED]) * 19900 },
    ]);
    expect(fleet.trends).toEqual([{ date: today, tenants: TENANTS, activeTenants: expect.any(Number), transactions: expect.any(Number), users: 27, databaseBytes: fleet.totals.databaseBytes }]);
    expect(fleet.lastRun).toMatchObject({ state: 'done', tenants: TENANTS });

    // The threshold is a setting: at 90% the professional tenant (85%) is no longer listed.
    await core.platform.pool.query(`INSERT INTO settings (key, value) VALUES ('limit_warning_percent', '90') ON CONFLICT (key) DO UPDATE SET value = '90'`);
    try {
      const stricter = await call(core, 'usage:fleet', { days: 90 });
      expect(stricter.warningPercent).toBe(90);
      expect(stricter.nearLimit.tenants.map((tenant) => tenant.tenantCode)).toEqual(expected.filter((tenant) => tenant.maxPercent >= 90).map((tenant) => tenant.tenantCode));
    } finally {
      await core.platform.pool.query(`UPDATE settings SET value = '80' WHERE key = 'limit_warning_percent'`);
    }

    const one = await call(core, 'usage:tenant', { ref: code(PRO_NEAR), days: 30 });
    expect(one.limits).toEqual(expected.find((tenant) => tenant.tenantCode === code(PRO_NEAR))!.resources);
    expect(one.history).toHaveLength(1);
    expect(one.latest).toMatchObject({ usageDate: today, companies: 2, largestCompany: { name: 'Big', users: 17 } });

    const csv = await call(core, 'usage:exportCsv', { filters: { plan: ['trial'] } });
    const lines = csv.csv.trim().split('\n');
    expect(lines[0]).toMatch(/^usage_date,tenant_code,company_name,plan,status,companies,companies_limit,/);
    expect(csv.rows).toBe(perPlan('trial'));  // every status, cancelled included
    expect(lines).toHaveLength(perPlan('trial') + 1);
    expect(lines.find((line) => line.includes(code(TRIAL_FULL)))).toContain(`${today},${code(TRIAL_FULL)},Usage Test 1,trial,active,1,1,2,Solo,2,3,85,100,`);
    expect((await callError(core, 'usage:exportCsv', { filters: { from: '2026-01-01', to: '2025-01-01' } })).code).toBe('VALIDATION');
    expect((await callError(core, 'usage:fleet', { days: 45 })).code).toBe('VALIDATION');
    expect((await callError(core, 'usage:tenant', { ref: 'NOPE999', days: 30 })).code).toBe('NOT_FOUND');
  });

  it.skipIf(skip)('one collection at a time: the lock refuses a second run and the scheduler skips while another console collects', async () => {
    // Another console's session on the same platform database.
    const other = await adminClient(url, platform.platformDatabase);
    other.on('error', () => undefined);
    const scheduler = new UsageScheduler(core.platform, core.usage, { intervalMs: 0 });
    try {
      await other.query('SELECT pg_advisory_lock($1, $2)', [LOCK_NAMESPACE, LOCK_USAGE_COLLECTION]);
      expect(await callError(core, 'usage:collect', {})).toMatchObject({ code: 'CONFLICT' });
      expect(await scheduler.tick()).toBe('locked');
      await other.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, LOCK_USAGE_COLLECTION]);

      // Two at once in this process: exactly one runs.
      const outcomes = await Promise.allSettled([core.usage.collect({ trigger: 'manual' }), core.usage.collect({ trigger: 'manual' })]);
      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);

      expect(await scheduler.tick()).toBe('collected');
      const daily = new UsageScheduler(core.platform, core.usage);
      expect(await daily.dueInMs()).toBeGreaterThan(23 * 3_600_000);
      expect(await daily.tick()).toBe('not-due');
      const { rows } = await core.platform.pool.query<{ trigger: string }>('SELECT trigger FROM usage_runs ORDER BY started_at DESC LIMIT 1');
      expect(rows[0]!.trigger).toBe('schedule');

      // Started, the timer runs a due collection by itself; stop() ends it.
      const timed = new UsageScheduler(core.platform, core.usage, { intervalMs: 0, startDelayMs: 10 });
      const fired = new Promise<EventPayload<'usage:collected'>>((resolve) => {
        const off = core.events.on('usage:collected', (event) => {
          off();
          resolve(event);
        });
      });
      timed.start();
      try {
        expect(await fired).toMatchObject({ trigger: 'schedule', state: 'done', tenants: TENANTS });
      } finally {
        await timed.stop();
      }
    } finally {
      await scheduler.stop();
      await other.end();
    }
  });

  it.skipIf(skip)('tenantctl usage collect --json and usage show CODE --json', async () => {
    const env = { TENANT_CONSOLE_DATABASE_URL: url, TENANT_CONSOLE_PLATFORM_DATABASE: platform.platformDatabase, TENANT_CONSOLE_DATA_DIR: dataDir, ...(await operatorEnv(core)) };
    // The usage group's smoke run through the real bin (collect, as cron runs it).
    const collect = await runTenantctl(['usage', 'collect', '--json'], env);
    expect(collect.code, collect.stderr).toBe(0);
    const run = JSON.parse(collect.stdout);
    expect(run).toMatchObject({ trigger: 'cli', state: 'done', tenants: TENANTS, failed: 2, usage_date: today });
    expect(run.read + run.carried_over).toBe(TENANTS - 2);

    const show = await runCliInProcess(['usage', 'show', code(TRIAL_FULL), '--json'], env);
    expect(show.code, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({
      tenant_code: code(TRIAL_FULL),
      plan: 'trial',
      latest: { usage_date: today, companies: 1, users_total: 2, transactions_month: 85, largest_company: { name: 'Solo', users: 2 } },
      limits: [
        { resource: 'companies', current: 1, limit: 1, percent: 100 },
        { resource: 'usersPerCompany', current: 2, limit: 3, percent: 66.7 },
        { resource: 'transactionsPerMonth', current: 85, limit: 100, percent: 85 },
      ],
    });
    const text = await runCliInProcess(['usage', 'show', code(TRIAL_FULL)], env);
    expect(text.stdout).toMatch(/Companies\s+1\s+1\s+100% \(at limit\)/);
    const missing = await runCliInProcess(['usage', 'show', 'NOPE999', '--json'], env);
    expect(missing.code).toBe(3);
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it.skipIf(skip)('a new calendar month re-reads every database, idle or not', async () => {
    const now = new Date();
    const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 12));
    const run = await core.usage.collect({ trigger: 'manual', now: nextMonth });
    const date = nextMonth.toISOString().slice(0, 10);
    expect(run).toMatchObject({ usageDate: date, tenants: TENANTS, read: TENANTS - 2, carriedOver: 0, failed: 2 });
    // Last month's 85 are not this month's.
    expect(await usageRow(TRIAL_FULL, date)).toMatchObject({ transactions_month: 0, companies: 1, month_start: date, carried_over: false });
  });

  it.skipIf(skip)('a database that does not answer in time is reported (statement timeout) and the run goes on', async () => {
    const locker = await adminClient(url, db(STARTER_SOME));
    locker.on('error', () => undefined);
    try {
      // Holds a lock the count has to wait for, as a long migration or a stuck session would.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE erp.users IN ACCESS EXCLUSIVE MODE');
      const now = new Date();
      const later = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 1, 12));
      const run = await core.usage.collect({ trigger: 'manual', now: later, timeouts: { connectMs: 5_000, statementMs: 500, overallMs: 10_000 } });
      expect(run).toMatchObject({ tenants: TENANTS, read: TENANTS - 3, failed: 3 });
      expect(run.failures.find((failure) => failure.tenantCode === code(STARTER_SOME))!.message).toMatch(/statement timeout/);
      // Its last figures carry over beside the error.
      expect(await usageRow(STARTER_SOME, later.toISOString().slice(0, 10))).toMatchObject({ companies: 1, users_total: 3, carried_over: true });
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
  });
});
