import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantCredentials } from '../../src-shared/contract/models';
import { endpointFromUrl } from '../../src-main/postgres/server-endpoint';
import { TENANT_MIGRATIONS } from '../../src-main/tenant-schema/migrations';
import { ensureTemplate, TENANT_SCHEMA_VERSION } from '../../src-main/tenant-schema/template';
import { LIMIT_SQLSTATE } from '../../src-main/tenant-schema/migrations/003-limits';
import { runTenantctl } from '../support/cli';
import { runCliInProcess } from '../support/run-cli';
import { call, callError, uniqueTenantInput } from '../support/core-calls';
import { withAdminClient, dropTestPlatform, embeddedTarget, serverCases, uniquePlatformDatabase, useTestPlatform, type TestPlatform } from '../support/servers';
import { connectAsTenant } from '../support/tenant-clients';

async function createTenant(platform: TestPlatform, plan: string, company: string): Promise<{ code: string; credentials: TenantCredentials }> {
  const { tenant, credentials } = await call(platform.core, 'tenants:create', uniqueTenantInput(plan, company));
  return { code: tenant.tenantCode, credentials };
}

/** Replaces a tenant's database with one at tenant schema v2 (before limits existed), with some ERP data. */
async function recreateAtV2(url: string, template: string, tenant: { credentials: TenantCredentials }): Promise<void> {
  const { database, user } = tenant.credentials;
  await withAdminClient(url, 'postgres', async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${database} TEMPLATE ${template}`);
    await admin.query(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC; GRANT CONNECT ON DATABASE ${database} TO ${user};
                       ALTER ROLE ${user} IN DATABASE ${database} SET search_path = erp, public`);
  });
  await withAdminClient(url, database, async (db) => {
    await db.query(`GRANT USAGE ON SCHEMA erp TO ${user}; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA erp TO ${user};
                    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA erp TO ${user}`);
    const { rows } = await db.query<{ id: number }>(`INSERT INTO erp.companies (name) VALUES ('Sales'), ('Ops') RETURNING id`);
    await db.query(`INSERT INTO erp.users (company_id, email) VALUES ($1, 'a@x'), ($1, 'b@x')`, [rows[0]!.id]);
    await db.query(`INSERT INTO erp.transactions (company_id, amount) SELECT $1, 1 FROM generate_series(1, 5)`, [rows[0]!.id]);
  });
}

for (const serverCase of await serverCases('plans and fleet migration')) {
  describe.skipIf(serverCase.skip)(`plans, plan moves and fleet migration — ${serverCase.name}`, () => {
    const platform = useTestPlatform(serverCase, 'plans');

    it('seeds the four plans of the brief', async () => {
      const plans = await call(platform.core, 'plans:list', {});
      expect(plans.map((p) => [p.code, p.priceCents, p.interval, p.trialDays, p.limits.companies, p.limits.usersPerCompany, p.limits.transactionsPerMonth])).toEqual([
        ['trial', 0, 'none', 14, 1, 3, 100],
        ['starter', 4900, 'month', null, 1, 5, 1000],
        ['professional', 19900, 'month', null, 3, 20, 10000],
        ['enterprise', null, 'year', null, null, null, null],
      ]);
    });

    it('versions a plan on edit, grandfathers tenants, previews and moves them in bulk', async () => {
      const big = await createTenant(platform, 'starter', 'Big Users');
      const small = await createTenant(platform, 'starter', 'Small Users');
      const seed = async (tenant: { credentials: TenantCredentials }, users: number) => {
        const erp = await connectAsTenant(tenant.credentials);
        try {
          const { rows } = await erp.query<{ id: number }>(`INSERT INTO companies (name) VALUES ('Sales') RETURNING id`);
          await erp.query(`INSERT INTO users (company_id, email) SELECT $1, 'u' || g || '@x' FROM generate_series(1, $2::int) g`, [rows[0]!.id, users]);
        } finally {
          await erp.end();
        }
      };
      await seed(big, 4);
      await seed(small, 1);

      const v2 = await call(platform.core, 'plans:update', { code: 'starter', limits: { usersPerCompany: 2 }, priceCents: 5900 });
      expect(v2).toMatchObject({ code: 'starter', version: 2, isCurrent: true, priceCents: 5900, limits: { companies: 1, usersPerCompany: 2, transactionsPerMonth: 1000 } });
      expect((await callError(platform.core, 'plans:update', { code: 'starter', priceCents: 5900 })).code).toBe('VALIDATION');
      const versions = await call(platform.core, 'plans:versions', { code: 'starter' });
      expect(versions.map((v) => [v.version, v.isCurrent])).toEqual([[2, true], [1, false]]);
      expect(versions[1]!.tenantCount).toBeGreaterThanOrEqual(2);
      // Grandfathered: still v1 and its limits, in the registry and in the database.
      expect(await call(platform.core, 'tenants:get', { ref: big.code })).toMatchObject({ planVersion: 1, limits: { usersPerCompany: 5 } });
      const newcomer = await createTenant(platform, 'starter', 'Newcomer');
      expect(await call(platform.core, 'tenants:get', { ref: newcomer.code })).toMatchObject({ planVersion: 2 });

      const preview = await call(platform.core, 'plans:previewMove', { code: 'starter', tenants: [big.code, small.code] });
      expect(preview.find((p) => p.tenantCode === big.code)!.violations.map((v) => v.message)).toEqual(['users in company Sales: 4, new limit 2']);
      expect(preview.find((p) => p.tenantCode === small.code)!.violations).toEqual([]);

      const moved = await call(platform.core, 'plans:moveTenants', { code: 'starter', tenants: [big.code, small.code] });
      expect(moved.moved).toEqual([{ tenantCode: small.code, forced: false }]);
      expect(moved.refused).toEqual([{ tenantCode: big.code, message: expect.stringContaining('users in company Sales: 4, new limit 2') }]);
      expect(await call(platform.core, 'tenants:get', { ref: big.code })).toMatchObject({ planVersion: 1 });
      const limits = await call(platform.core, 'tenants:limits', { ref: small.code });
      expect(limits).toMatchObject({ plan: 'starter', planVersion: 2 });
      expect(limits.resources.find((r) => r.resource === 'users')).toMatchObject({ limit: 2, current: 1 });
      expect(await call(platform.core, 'tenants:planHistory', { ref: small.code })).toEqual([
        expect.objectContaining({ from: { code: 'starter', version: 1 }, to: { code: 'starter', version: 2 }, forced: false }),
      ]);
    });

    it('rolls an interrupted plan change forward on reconcile', async () => {
      const tenant = await createTenant(platform, 'trial', 'Crashy');
      const ctx = platform.core.platform;
      const { rows } = await ctx.pool.query<{ id: string; server_id: string; database_name: string }>(
        'SELECT id, server_id, database_name FROM tenants WHERE tenant_code = $1',
        [tenant.code],
      );
      const row = rows[0]!;
      // What a console killed right after journaling a plan change leaves behind (no live lock owner).
      await ctx.pool.query(
        `INSERT INTO operations (kind, tenant_id, tenant_code, state, step, payload, started_by)
         VALUES ('plan_change', $1, $2, 'running', 'registered', $3, 'test')`,
        [row.id, tenant.code, { serverId: row.server_id, database: row.database_name, from: { code: 'trial', version: 1 }, to: { code: 'professional', version: 1 }, forced: false, reason: null }],
      );
      const report = await call(platform.core, 'tenants:reconcile', {});
      expect(report.resumed).toEqual([expect.objectContaining({ kind: 'plan_change', tenantCode: tenant.code })]);
      expect(await call(platform.core, 'tenants:get', { ref: tenant.code })).toMatchObject({ plan: 'professional' });
      const erp = await connectAsTenant(tenant.credentials);
      try {
        await erp.query(`INSERT INTO companies (name) VALUES ('A'), ('B'), ('C')`); // 3 companies: professional's limit
      } finally {
        await erp.end();
      }
    });

    it('migrates existing tenant databases from schema v2, isolating a broken one, and resumes on rerun', async () => {
      const ctx = platform.core.platform;
      const v2Template = await withAdminClient(platform.url, 'postgres', (admin) => ensureTemplate(endpointFromUrl(platform.url), admin, TENANT_MIGRATIONS.slice(0, 2)));
      const tenants = [];
      for (let i = 0; i < 4; i += 1) tenants.push(await createTenant(platform, 'trial', `Fleet ${i}`));
      for (const tenant of tenants) await recreateAtV2(platform.url, v2Template, tenant);
      const codes = tenants.map((t) => t.code);
      await ctx.pool.query('UPDATE tenants SET schema_version = 2 WHERE tenant_code = ANY($1)', [codes]);
      const broken = tenants[2]!;
      await withAdminClient(platform.url, 'postgres', (admin) => admin.query(`DROP DATABASE ${broken.credentials.database} WITH (FORCE)`));
      // An old tenant database still lets its role create large objects (which no backup
      // carries): the attack works before the fleet migration…
      const before = await connectAsTenant(tenants[0]!.credentials);
      try {
        const { rows } = await before.query<{ oid: number }>(`SELECT lo_from_bytea(0, 'x') AS oid`);
        await before.query('SELECT lo_unlink($1)', [rows[0]!.oid]);
      } finally {
        await before.end();
      }

      const requestId = crypto.randomUUID();
      const progress: string[] = [];
      const off = platform.core.events.on('job:progress', (event) => {
        if (event.requestId === requestId) progress.push(`${event.stepIndex}/${event.stepCount} ${event.step} ${event.tenantCode}`);
      });
      const first = await call(platform.core, 'fleet:migrate', { requestId }).finally(off);
      const afterV2 = TENANT_MIGRATIONS.filter((migration) => migration.version > 2).map((migration) => migration.version);
      expect(first.schemaVersion).toBe(TENANT_SCHEMA_VERSION);
      expect(first.failed.map((f) => f.tenantCode)).toEqual([broken.code]);
      expect(first.migrated.filter((m) => codes.includes(m.tenantCode)).map((m) => [m.tenantCode, m.fromVersion, m.applied])).toEqual(
        codes.filter((c) => c !== broken.code).map((c) => [c, 2, afterV2]),
      );
      expect(progress).toHaveLength(first.examined);
      expect(progress).toContain(`${first.examined}/${first.examined} ${progress.at(-1)!.split(' ')[1]} ${progress.at(-1)!.split(' ')[2]}`);

      // A migrated tenant: counters start from its real data, limits pushed, privileges re-granted.
      const erp = await connectAsTenant(tenants[0]!.credentials);
      try {
        expect((await erp.query(`SELECT * FROM platform.check_limit('companies')`)).rows[0]).toMatchObject({ can_create: false, current: 2, limit: 1 });
        await expect(erp.query(`INSERT INTO companies (name) VALUES ('Third')`)).rejects.toMatchObject({ code: LIMIT_SQLSTATE, message: 'Company limit reached (2 of 1). Please upgrade.' });
        expect((await erp.query(`SELECT current FROM platform.check_limit('transactions')`)).rows[0]).toEqual({ current: 5 });
        // …and not after it (migration 005): every function that creates one is closed to the tenant.
        for (const statement of [`SELECT lo_from_bytea(0, 'x')`, 'SELECT lo_creat(-1)', 'SELECT lo_create(0)']) {
          await expect(erp.query(statement), statement).rejects.toMatchObject({ code: '42501' });
        }
      } finally {
        await erp.end();
      }

      // Rerun: only the broken one is tried again; once repaired, it migrates.
      const second = await call(platform.core, 'fleet:migrate', {});
      expect(second).toMatchObject({ examined: 1, migrated: [], failed: [expect.objectContaining({ tenantCode: broken.code })] });
      await recreateAtV2(platform.url, v2Template, broken);
      const third = await call(platform.core, 'fleet:migrate', {});
      expect(third).toMatchObject({ examined: 1, failed: [], migrated: [{ tenantCode: broken.code, fromVersion: 2, applied: afterV2 }] });
      const { rows } = await ctx.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM tenants WHERE tenant_code = ANY($1) AND schema_version = $2', [codes, TENANT_SCHEMA_VERSION]);
      expect(rows[0]!.n).toBe(4);
    });
  });
}

describe('tenantctl plans and plan set', () => {
  let url: string;
  let dataDir: string;
  const platformDatabase = uniquePlatformDatabase('cliplans');
  const env = () => ({ TENANT_CONSOLE_DATABASE_URL: url, TENANT_CONSOLE_PLATFORM_DATABASE: platformDatabase, TENANT_CONSOLE_DATA_DIR: dataDir });
  const tenantctl = (...args: string[]) => runCliInProcess(args, env());

  beforeAll(async () => {
    url = embeddedTarget().url;
    dataDir = await mkdtemp(join(tmpdir(), 'tc-cli-plans-'));
  });
  afterAll(async () => {
    await dropTestPlatform(url, platformDatabase);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lists plans as JSON and changes a plan, refusing a downgrade below usage unless forced', async () => {
    // The plan group's smoke run through the real bin.
    const plans = await runTenantctl(['plans', '--json'], env());
    expect(plans.code, plans.stderr).toBe(0);
    expect(JSON.parse(plans.stdout).plans).toContainEqual(
      expect.objectContaining({ code: 'starter', price_cents: 4900, limits: { companies: 1, users_per_company: 5, transactions_per_month: 1000 } }),
    );
    const create = await tenantctl('create', '--company', 'Plan Cli Ltd', '--subdomain', 'plan-cli', '--plan', 'professional', '--email', 'ops@plan-cli.example', '--json');
    expect(create.code, create.stderr).toBe(0);
    const { tenant_code: code, credentials } = JSON.parse(create.stdout);
    const erp = await connectAsTenant(credentials);
    await erp.query(`INSERT INTO companies (name) VALUES ('One'), ('Two')`);
    await erp.end();

    const refused = await tenantctl('plan', 'set', code, 'starter', '--json');
    expect(refused.code).toBe(6);
    expect(JSON.parse(refused.stdout).error.message).toContain('companies: 2, new limit 1');
    const forced = await tenantctl('plan', 'set', code, 'starter', '--force', '--json');
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ tenant_code: code, plan: 'starter', plan_version: 1 });
    const limits = await tenantctl('plan', 'limits', code, '--json');
    expect(JSON.parse(limits.stdout).resources[0]).toMatchObject({ resource: 'companies', current: 2, limit: 1, blocked: true });
  });
});
