import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { planTemplateSpec, type PlanTemplateSpec } from '../../src-main/platform/plan-templates';
import { listSpares, newSpareName, spareKey, SPARE_PREFIX } from '../../src-main/platform/spare-databases';
import { readSetting } from '../../src-main/settings/settings-store';
import { LIMIT_SQLSTATE } from '../../src-main/tenant-schema/migrations/003-limits';
import { currentPlan } from '../../src-main/tenants/tenant-queries';
import { runTenantctl } from '../support/cli';
import { call, uniqueTenantInput } from '../support/core-calls';
import { waitForKilledSessionsToEnd } from '../support/killed-sessions';
import { adminClient, dropTestPlatform, openTestCore, operatorEnv, serverCases, tenantObjectsOnServer, uniquePlatformDatabase } from '../support/servers';
import { connectAsTenant, tenantConnectError } from '../support/tenant-clients';

/**
 * Spare tenant databases (platform/spare-pool.ts): provisioning renames a ready clone of the
 * plan template instead of cloning. Two consoles on one platform database: A keeps the
 * pool (as the desktop app and host mode do), B only takes spares (as the CLI does).
 */
describe.each(await serverCases('spare databases'))('spare tenant databases on $name', (serverCase) => {
  const { skip } = serverCase;
  const platformDatabase = uniquePlatformDatabase('spares');
  let url: string;
  let a: ConsoleCore;
  let b: ConsoleCore;
  let admin: pg.Client;
  /** A professional tenant that got a spare: compared with a clone's in the last case. */
  let takenSpareDatabase = '';

  const spares = () => a.platform.primary.spares!;
  const starterSpec = async (): Promise<PlanTemplateSpec> =>
    planTemplateSpec(await currentPlan(a.platform.pool, 'starter'), await readSetting(a.platform.pool, 'limitWarningPercent'));
  /** This platform's finished spares of the starter plan's current template, by name → database oid. */
  const starterSpares = async (): Promise<Map<string, number>> => {
    const key = spares().keyFor(await starterSpec());
    const names = (await listSpares(admin, spares().scope)).filter((spare) => spare.key === key && !spare.building).map((spare) => spare.name);
    return oidsOf(names);
  };
  const oidsOf = async (names: readonly string[]): Promise<Map<string, number>> => {
    const { rows } = await admin.query<{ datname: string; oid: number }>('SELECT datname, oid::int AS oid FROM pg_database WHERE datname = ANY($1::text[])', [names]);
    return new Map(rows.map((row) => [row.datname, row.oid]));
  };
  const oidOf = async (database: string): Promise<number> => (await oidsOf([database])).get(database)!;
  /** What the tenant's database holds of its plan: the limits rows check_limit enforces. */
  const limitsIn = async (database: string): Promise<unknown[]> => {
    const client = await adminClient(url, database);
    try {
      return (await client.query('SELECT resource, plan_limit, warning_percent, plan_code, plan_version FROM platform.limits ORDER BY resource')).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    if (skip) return;
    url = serverCase.target().url;
    a = await openTestCore(url, platformDatabase, { spareDatabases: true });
    b = await openTestCore(url, platformDatabase);
    admin = await adminClient(url);
    // One per plan keeps this file quick; the default is checked below.
    expect((await call(a, 'settings:get', {})).spareDatabasesPerPlan).toBe(2);
    await call(a, 'settings:update', { spareDatabasesPerPlan: 1 });
    await spares().refillNow();
  });
  afterAll(async () => {
    if (skip) return;
    await b?.close();
    await a?.close();
    await admin?.end();
    await dropTestPlatform(url, platformDatabase);
  });

  it.skipIf(skip)('keeps the set number per current plan, refusing connections and closed to PUBLIC', async () => {
    const plans = await call(a, 'plans:list', {});
    const all = await listSpares(admin, spares().scope);
    expect(all.filter((spare) => spare.building)).toEqual([]);
    expect(new Set(all.map((spare) => spare.key)).size).toBe(plans.length);
    expect(all).toHaveLength(plans.length);
    const { rows } = await admin.query<{ datname: string; datallowconn: boolean; datistemplate: boolean; public_connect: boolean }>(
      `SELECT datname, datallowconn, datistemplate, has_database_privilege('public', datname, 'CONNECT') AS public_connect
         FROM pg_database WHERE datname = ANY($1::text[])`,
      [all.map((spare) => spare.name)],
    );
    expect(rows.map(({ datallowconn, datistemplate, public_connect }) => ({ datallowconn, datistemplate, public_connect }))).toEqual(
      all.map(() => ({ datallowconn: false, datistemplate: false, public_connect: false })),
    );
  });

  it.skipIf(skip)('is named after everything its template holds: plan, version, limits, threshold (a changed one is another spare)', async () => {
    const spec = await starterSpec();
    const key = spares().keyFor(spec);
    for (const changed of [
      { ...spec, planVersion: spec.planVersion + 1 },
      { ...spec, planLimits: { ...spec.planLimits, companies: (spec.planLimits.companies ?? 0) + 1 } },
      { ...spec, warningPercent: spec.warningPercent === 90 ? 91 : 90 },
      { ...spec, planCode: 'professional' },
    ]) {
      expect(spares().keyFor(changed)).not.toBe(key);
    }
    expect(spareKey(a.platform.primary.planTemplates!.nameFor(spec))).toBe(key);
    expect(newSpareName(spares().scope, key).length).toBeLessThanOrEqual(63 - '_building'.length);
  });

  it.skipIf(skip)('is what provisioning takes instead of cloning, and the pool refills', async () => {
    const before = await starterSpares();
    expect(before.size).toBe(1);
    const steps: string[] = [];
    const requestId = randomUUID();
    const off = a.events.on('job:progress', (progress) => {
      if (progress.requestId === requestId) steps.push(progress.message);
    });
    const { tenant, credentials } = await call(a, 'tenants:create', { ...uniqueTenantInput('starter', 'Spare Taken'), requestId }).finally(off);
    expect(tenant.status).toBe('active');
    expect([...before.values()]).toContain(await oidOf(tenant.databaseName));
    expect(steps).toContain('Took a ready database (a spare clone of the plan template)');
    expect(await oidsOf([...before.keys()])).toEqual(new Map());

    // Opened to its role alone, like a clone: the tenant gets in, another role and PUBLIC do not.
    const { rows } = await admin.query<{ datallowconn: boolean; public_connect: boolean }>(
      `SELECT datallowconn, has_database_privilege('public', datname, 'CONNECT') AS public_connect FROM pg_database WHERE datname = $1`,
      [tenant.databaseName],
    );
    expect(rows[0]).toEqual({ datallowconn: true, public_connect: false });
    const client = await connectAsTenant(credentials);
    try {
      await client.query(`INSERT INTO erp.companies (name) VALUES ('Spare Co')`);
      // The starter plan allows one company: the spare came with the plan's limits.
      await expect(client.query(`INSERT INTO erp.companies (name) VALUES ('Second Co')`)).rejects.toMatchObject({ code: LIMIT_SQLSTATE });
    } finally {
      await client.end();
    }
    await spares().refillNow();
    const after = await starterSpares();
    expect(after.size).toBe(1);
    expect([...after.values()]).not.toContain(await oidOf(tenant.databaseName));
  });

  it.skipIf(skip)('is never handed to two provisionings at once, across two consoles', async () => {
    const [[spare, spareOid]] = [...(await starterSpares())] as [[string, number]];
    // Both provisionings find this one spare, then queue behind a rename that holds its lock;
    // when it rolls back, one rename wins and the other finds the spare gone and clones.
    const holder = await adminClient(url);
    try {
      await holder.query('BEGIN');
      await holder.query(`ALTER DATABASE "${spare}" RENAME TO "${spare}_held"`);
      const creates = [a, b].map((core, i) => call(core, 'tenants:create', uniqueTenantInput('starter', `Spare Race ${i}`)));
      await expect
        .poll(async () => (await admin.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%ALTER DATABASE "${spare}" RENAME%'`,
        )).rows[0]!.n, { timeout: 20_000, interval: 50 })
        .toBe(2);
      await holder.query('ROLLBACK');
      const created = await Promise.all(creates);
      const oids = await Promise.all(created.map(({ tenant }) => oidOf(tenant.databaseName)));
      expect(oids.filter((oid) => oid === spareOid)).toHaveLength(1);
      expect(new Set(created.map(({ tenant }) => tenant.databaseName)).size).toBe(2);
      for (const { tenant, credentials } of created) {
        expect(tenant.status).toBe('active');
        expect(await tenantConnectError(credentials, credentials.database)).toBeNull();
      }
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
    await spares().refillNow();
  });

  it.skipIf(skip)('is never used once stale (the plan\'s limits changed), and is replaced', async () => {
    const stale = await starterSpares();
    expect(stale.size).toBe(1);
    const staleKey = spares().keyFor(await starterSpec());
    // A new version with other limits: provisioning asks for its template from now on.
    const companies = 2 + Math.floor(Math.random() * 1000);
    await call(b, 'plans:update', { code: 'starter', limits: { companies } });
    const { tenant } = await call(b, 'tenants:create', uniqueTenantInput('starter', 'Spare Stale'));
    expect([...stale.values()]).not.toContain(await oidOf(tenant.databaseName));
    expect(tenant.limits.companies).toBe(companies);
    expect(await limitsIn(tenant.databaseName)).toContainEqual(expect.objectContaining({ resource: 'companies', plan_limit: companies, plan_version: 2 }));

    await spares().refillNow();
    const all = await listSpares(admin, spares().scope);
    expect(all.filter((spare) => spare.key === staleKey)).toEqual([]);
    expect((await starterSpares()).size).toBe(1);
  });

  it.skipIf(skip)('is no tenant: not listed, metered, reconciled, reported by the server check or counted in connections', async () => {
    const all = await listSpares(admin, spares().scope);
    expect(all.length).toBeGreaterThan(0);
    const list = await call(a, 'tenants:list', { limit: 100 });
    const registered = list.total;
    const codes = new Set(list.rows.map((tenant) => tenant.tenantCode));
    const { rows } = await a.platform.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM tenants WHERE database_name LIKE 'tc\\_spare\\_%'");
    expect(rows[0]!.n).toBe(0);

    const usage = await call(a, 'usage:collect', {});
    expect(usage).toMatchObject({ tenants: registered, failed: 0 });
    expect((await call(a, 'tenants:reconcile', {})).examined).toBe(0);
    const check = await call(a, 'settings:serverCheck', {});
    expect(check.findings.filter((finding) => finding.subject.includes(SPARE_PREFIX))).toEqual([]);
    const [server] = await call(a, 'servers:connections', {});
    expect(server!.topTenants.filter((tenant) => !codes.has(tenant.tenantCode))).toEqual([]);
    expect((await call(a, 'tenants:list', {})).total).toBe(registered);
    // Every spare is still there: nothing above took it for an orphan.
    expect((await oidsOf(all.map((spare) => spare.name))).size).toBe(all.length);

    // And no tenant role gets in (connections refused, CONNECT revoked from PUBLIC).
    const { tenant, credentials } = await call(a, 'tenants:create', uniqueTenantInput('professional', 'Spare Prober'));
    takenSpareDatabase = tenant.databaseName;
    await spares().refillNow();
    const [probe] = await listSpares(admin, spares().scope);
    expect(await tenantConnectError(credentials, probe!.name)).toMatchObject({ code: '55000' });
  });

  it.skipIf(skip)('drops a spare whose build was cut short, and one of a template nobody asks for', async () => {
    const spec = await starterSpec();
    const template = await a.platform.primary.planTemplates!.prepare(spec);
    // As a console killed mid-build leaves it, and a spare of a plan version long gone.
    const cutShort = `${newSpareName(spares().scope, spares().keyFor(spec))}_building`;
    const orphan = newSpareName(spares().scope, spareKey(`${template}_gone`));
    await admin.query(`CREATE DATABASE "${cutShort}" TEMPLATE "${template}" ALLOW_CONNECTIONS false`);
    await admin.query(`CREATE DATABASE "${orphan}" TEMPLATE "${template}" ALLOW_CONNECTIONS false`);
    const refill = await spares().refillNow();
    expect(refill).toMatchObject({ state: 'ran', dropped: 2 });
    expect(await oidsOf([cutShort, orphan])).toEqual(new Map());
    expect((await starterSpares()).size).toBe(1);
  });

  it.skipIf(skip)('is dropped with the tenant when a provisioning that took it is killed', async () => {
    const logDir = await mkdtemp(join(tmpdir(), 'tc-spare-crash-'));
    try {
      const ready = await starterSpares();
      expect(ready.size).toBe(1);
      const input = uniqueTenantInput('starter', 'Sparekill');
      // A CLI process takes spares too (it only does not build them), and dies right after the rename committed.
      const run = await runTenantctl(
        ['create', '--company', input.companyName, '--subdomain', input.subdomain, '--plan', 'starter', '--email', input.adminEmail, '--json'],
        {
          TENANT_CONSOLE_DATABASE_URL: url,
          TENANT_CONSOLE_PLATFORM_DATABASE: platformDatabase,
          TENANT_CONSOLE_DATA_DIR: logDir,
          ...(await operatorEnv(a)),
          TENANT_CONSOLE_CRASH_AFTER_STEP: 'database_created',
        },
      );
      expect(run.signal, run.stderr).toBe('SIGKILL');
      const { rows } = await a.platform.pool.query<{ tenant_code: string; database_name: string }>(
        `SELECT o.tenant_code, t.database_name FROM operations o JOIN tenants t ON t.id = o.tenant_id WHERE o.state = 'running' AND o.kind = 'provision'`,
      );
      expect(rows).toHaveLength(1);
      const [{ tenant_code: code, database_name: database }] = rows as [{ tenant_code: string; database_name: string }];
      // The spare became the tenant's database before the kill.
      expect([...ready.values()]).toContain(await oidOf(database));

      await waitForKilledSessionsToEnd(a.platform.pool);
      const report = await call(a, 'tenants:reconcile', {});
      expect(report.rolledBack).toEqual([expect.objectContaining({ kind: 'provision', tenantCode: code })]);
      expect(await tenantObjectsOnServer(url, code)).toEqual({ databases: [], roles: [] });
      expect(await oidsOf([...ready.keys()])).toEqual(new Map());
      await spares().refillNow();
      expect((await starterSpares()).size).toBe(1);
    } finally {
      await rm(logDir, { recursive: true, force: true });
    }
  });

  it.skipIf(skip)('leaves no half-built spare when the console closes mid-refill', async () => {
    const c = await openTestCore(url, platformDatabase, { spareDatabases: true });
    try {
      // One more than earlier cases left per plan: this refill surely builds.
      await call(c, 'settings:update', { spareDatabasesPerPlan: 3 });
      const refill = c.platform.primary.spares!.refillNow();
      // Let the refill start building, then close under it.
      await expect.poll(async () => (await listSpares(admin, spares().scope)).some((spare) => spare.building), { timeout: 20_000, interval: 10 }).toBe(true);
      await c.close();
      await refill;
      expect((await listSpares(admin, spares().scope)).filter((spare) => spare.building)).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it.skipIf(skip)('falls back to cloning with the count at 0 (a clone the same as a spare), and the pool empties', async () => {
    const ready = await oidsOf((await listSpares(admin, spares().scope)).map((spare) => spare.name));
    expect(ready.size).toBeGreaterThan(0);
    await call(a, 'settings:update', { spareDatabasesPerPlan: 0 });
    const { tenant } = await call(b, 'tenants:create', uniqueTenantInput('professional', 'Spare Off'));
    expect(tenant.status).toBe('active');
    expect([...ready.values()]).not.toContain(await oidOf(tenant.databaseName));
    // What the spare brought is what the clone brought: the plan version's limits and threshold.
    expect(await limitsIn(tenant.databaseName)).toEqual(await limitsIn(takenSpareDatabase));
    await spares().refillNow();
    expect(await listSpares(admin, spares().scope)).toEqual([]);
  });
});
