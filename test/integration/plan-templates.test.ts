import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type pg from 'pg';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { readSetting } from '../../src-main/settings/settings-store';
import { planTemplateName, planTemplateSpec, type PlanTemplateSpec } from '../../src-main/platform/plan-templates';
import { grantTenantPrivileges, TENANT_GROUP_ROLE } from '../../src-main/tenant-schema/privileges';
import { templateDatabaseName } from '../../src-main/tenant-schema/template';
import { call, uniqueTenantInput } from '../support/core-calls';
import { adminClient, dropTestPlatform, embeddedTarget, openTestCore, uniquePlatformDatabase, withAdminClient } from '../support/servers';
import { connectAsTenant } from '../support/tenant-clients';

const isTemplate = async (admin: pg.ClientBase, name: string): Promise<boolean> =>
  ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate AND NOT datallowconn', [name])).rowCount ?? 0) === 1;

/** Sessions ever opened to a database (pg_stat_database), as seen from the maintenance database. */
const sessionsOn = async (admin: pg.ClientBase, database: string): Promise<number> =>
  (await admin.query<{ n: number }>('SELECT sessions::int AS n FROM pg_stat_database WHERE datname = $1', [database])).rows[0]?.n ?? 0;

async function dropTemplate(admin: pg.ClientBase, name: string): Promise<void> {
  await admin.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE false`).catch(() => undefined);
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
}

describe('plan templates', () => {
  const platformDatabase = uniquePlatformDatabase('plantpl');
  let core: ConsoleCore;
  let url: string;
  let admin: pg.Client;
  // A plan version of this file's own (random limit): its template is shared with no other file.
  const companies = 1000 + Math.floor(Math.random() * 1_000_000);
  let spec: PlanTemplateSpec;
  let name: string;

  beforeAll(async () => {
    url = embeddedTarget().url;
    core = await openTestCore(url, platformDatabase);
    admin = await adminClient(url);
  });
  afterAll(async () => {
    await core?.close();
    if (name) await dropTemplate(admin, name);
    await admin?.end();
    await dropTestPlatform(url, platformDatabase);
  });

  it('is named after the schema template and everything it writes in: plan, version, limits, threshold', () => {
    const base: PlanTemplateSpec = { planCode: 'starter', planVersion: 1, planLimits: { companies: 1, users: 3, transactions: null }, warningPercent: 80 };
    const schema = templateDatabaseName();
    const first = planTemplateName(schema, base);
    expect(first).toMatch(new RegExp(`^${schema}_p[0-9a-f]{10}$`));
    expect(first.length).toBeLessThanOrEqual(63 - '_building'.length);
    expect(planTemplateName(schema, { ...base })).toBe(first);
    for (const changed of [
      { ...base, planCode: 'trial' },
      { ...base, planVersion: 2 },
      { ...base, planLimits: { ...base.planLimits, transactions: 100 } },
      { ...base, warningPercent: 90 },
    ]) {
      expect(planTemplateName(schema, changed)).not.toBe(first);
    }
    expect(planTemplateName(`${schema}x`, base)).not.toBe(first);
  });

  it('builds a new plan version\'s template in the background; its tenants are cloned from it and never connected to', async () => {
    const version = await call(core, 'plans:update', { code: 'enterprise', limits: { companies } });
    spec = planTemplateSpec(version, await readSetting(core.platform.pool, 'limitWarningPercent'));
    name = planTemplateName(core.platform.primary.templateDatabase, spec);
    // plans:update started the build: it appears without anyone asking again.
    await vi.waitFor(async () => expect(await isTemplate(admin, name)).toBe(true), { timeout: 30_000, interval: 100 });
    expect(await withAdminClient(url, 'postgres', (other) => other.query(`SELECT has_database_privilege('public', $1, 'CONNECT') AS ok`, [name]))).toMatchObject({ rows: [{ ok: false }] });
    // The console knows it is ready once the build it started has finished.
    await core.platform.primary.planTemplates!.prepare(spec);

    const { tenant, credentials } = await call(core, 'tenants:create', uniqueTenantInput('enterprise', 'Template Path'));
    expect(tenant).toMatchObject({ status: 'active', planVersion: version.version, limits: { companies } });
    // Nobody — the console included — opened a session to the new database: grants and limits came with the clone.
    await new Promise((resolve) => setTimeout(resolve, 1500)); // past the statistics' flush interval
    expect(await sessionsOn(admin, tenant.databaseName)).toBe(0);

    const inside = await adminClient(url, tenant.databaseName);
    try {
      const { rows } = await inside.query<{ resource: string; plan_limit: number | null; plan_code: string; plan_version: number; pushed_at: Date }>(
        'SELECT resource, plan_limit, plan_code, plan_version, pushed_at FROM platform.limits ORDER BY resource',
      );
      expect(rows.map(({ resource, plan_limit, plan_code, plan_version }) => ({ resource, plan_limit, plan_code, plan_version }))).toEqual([
        { resource: 'companies', plan_limit: companies, plan_code: 'enterprise', plan_version: version.version },
        { resource: 'transactions', plan_limit: null, plan_code: 'enterprise', plan_version: version.version },
        { resource: 'users', plan_limit: null, plan_code: 'enterprise', plan_version: version.version },
      ]);
      // Written when the template was built, before this tenant existed.
      for (const row of rows) expect(row.pushed_at.getTime()).toBeLessThan(new Date(tenant.createdAt).getTime());
    } finally {
      await inside.end();
    }

    // The steps committed without waiting for the disk set that for their own transaction only.
    const pools = [core.platform.pool, core.platform.primary.adminPool];
    const settings = await Promise.all(pools.flatMap((pool) => Array.from({ length: 4 }, () => pool.query<{ s: string }>(
      // By its source, not its value: test clusters run with synchronous_commit off server-wide.
      "SELECT CASE WHEN source = 'session' THEN 'set in the session' ELSE 'as started' END AS s FROM pg_settings WHERE name = 'synchronous_commit'",
    ))));
    expect(new Set(settings.map((result) => result.rows[0]!.s))).toEqual(new Set(['as started']));

    // The ERP works with the credentials shown: DML through the group role's grants, DDL refused.
    const erp = await connectAsTenant(credentials);
    try {
      await erp.query("INSERT INTO erp.companies (name) VALUES ('Main')");
      expect((await erp.query<{ n: number }>('SELECT count(*)::int AS n FROM companies')).rows[0]!.n).toBe(1); // search_path = erp
      expect((await erp.query<{ current: number }>("SELECT current::int FROM platform.check_limit('companies')")).rows[0]!.current).toBe(1);
      await expect(erp.query('CREATE TABLE erp.evil (id int)')).rejects.toMatchObject({ code: '42501' });
      await expect(erp.query(`SET ROLE ${TENANT_GROUP_ROLE}; CREATE TABLE erp.evil (id int)`)).rejects.toMatchObject({ code: '42501' });
    } finally {
      await erp.end();
    }
  });

  it('takes the long way when the template has gone, then builds it again', async () => {
    await dropTemplate(admin, name);
    const { tenant, credentials } = await call(core, 'tenants:create', uniqueTenantInput('enterprise', 'Long Way'));
    expect(tenant).toMatchObject({ status: 'active', limits: { companies } });
    // The console's own session to the new database shows (what the previous test saw none of).
    await vi.waitFor(async () => expect(await sessionsOn(admin, tenant.databaseName)).toBe(1), { timeout: 10_000, interval: 100 });
    const inside = await adminClient(url, tenant.databaseName);
    try {
      const { rows } = await inside.query<{ plan_limit: number; pushed_at: Date }>("SELECT plan_limit, pushed_at FROM platform.limits WHERE resource = 'companies'");
      expect(rows[0]!.plan_limit).toBe(companies);
      // Pushed over a connection during provisioning, not inherited from a template.
      expect(rows[0]!.pushed_at.getTime()).toBeGreaterThanOrEqual(new Date(tenant.createdAt).getTime());
    } finally {
      await inside.end();
    }
    const erp = await connectAsTenant(credentials);
    try {
      await erp.query("INSERT INTO erp.companies (name) VALUES ('Main')");
    } finally {
      await erp.end();
    }
    // The failed clone forgot the template; the next tenant on the plan version asks for it again.
    await call(core, 'tenants:create', uniqueTenantInput('enterprise', 'Long Way Again'));
    await vi.waitFor(async () => expect(await isTemplate(admin, name)).toBe(true), { timeout: 30_000, interval: 100 });
  });

  it('moves a tenant provisioned before the group role onto it, idempotently', async () => {
    const { tenant, credentials } = await call(core, 'tenants:create', uniqueTenantInput('starter', 'Old Style'));
    // What an older console left: a NOINHERIT role with direct grants and no membership.
    await admin.query(`REVOKE ${TENANT_GROUP_ROLE} FROM ${tenant.dbRole}; ALTER ROLE ${tenant.dbRole} NOINHERIT`);
    const inside = await adminClient(url, tenant.databaseName);
    try {
      await inside.query(`GRANT USAGE ON SCHEMA erp TO ${tenant.dbRole}; GRANT SELECT, INSERT ON erp.companies TO ${tenant.dbRole}`);
      const before = await connectAsTenant(credentials);
      try {
        await before.query("INSERT INTO erp.companies (name) VALUES ('Direct')"); // its own grant
        await expect(before.query('SELECT count(*) FROM erp.users')).rejects.toMatchObject({ code: '42501' }); // the group's, not inherited
      } finally {
        await before.end();
      }
      // The re-grant every tenant-schema migration runs (fleet migration, restore).
      await grantTenantPrivileges(inside, tenant.dbRole);
      await grantTenantPrivileges(inside, tenant.dbRole);
    } finally {
      await inside.end();
    }
    const { rows } = await admin.query(`SELECT rolinherit, pg_has_role($1, $2, 'USAGE') AS inherits FROM pg_roles WHERE rolname = $1`, [tenant.dbRole, TENANT_GROUP_ROLE]);
    expect(rows[0]).toEqual({ rolinherit: true, inherits: true });
    const after = await connectAsTenant(credentials);
    try {
      expect((await after.query<{ n: number }>('SELECT count(*)::int AS n FROM erp.users')).rows[0]!.n).toBe(0);
    } finally {
      await after.end();
    }
  });
});
