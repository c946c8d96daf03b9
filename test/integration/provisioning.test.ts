import { beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { call, callError, uniqueTenantInput } from '../support/core-calls';
import { adminClient, dropTestPlatform, openTestCore, serverCases, uniquePlatformDatabase, useTestPlatform } from '../support/servers';
import { connectAsTenant } from '../support/tenant-clients';

describe.each(await serverCases('provisioning'))('provisioning on $name', (serverCase) => {
  const { skip } = serverCase;
  const platform = useTestPlatform(serverCase, 'prov');
  const { platformDatabase } = platform;
  let core: ConsoleCore;
  let url: string;

  beforeAll(async () => {
    if (skip) return;
    ({ core, url } = platform);
  });

  it.skipIf(skip)('creates an active tenant with its own database, role and one-time credentials', async () => {
    const input = uniqueTenantInput('trial', 'Provision Works Inc');
    const progress: string[] = [];
    const requestId = crypto.randomUUID();
    const off = core.events.on('job:progress', (event) => event.requestId === requestId && progress.push(event.step));
    const { tenant, credentials } = await call(core, 'tenants:create', { ...input, requestId });
    off();

    expect(tenant.status).toBe('active');
    expect(tenant.tenantCode).toMatch(/^PROV\d{3}$/);
    expect(tenant.databaseName).toBe(`tenant_${tenant.tenantCode.toLowerCase()}`);
    expect(tenant.dbRole).toBe(`tenant_${tenant.tenantCode.toLowerCase()}_app`);
    expect(tenant.limits).toEqual({ companies: 1, usersPerCompany: 3, transactionsPerMonth: 100 });
    expect(tenant.trialEndsAt).not.toBeNull();
    expect(new Date(tenant.trialEndsAt!).getTime() - Date.now()).toBeGreaterThan(13.9 * 86_400_000);
    expect(progress).toEqual(['registered', 'role_created', 'database_created', 'privileges_granted', 'limits_pushed', 'activated']);
    expect(credentials).toMatchObject({ database: tenant.databaseName, user: tenant.dbRole });
    expect(credentials.password).toMatch(/^[A-Za-z2-9]{32}$/);

    // The ERP can work in its database with exactly the credentials shown.
    const erp = await connectAsTenant(credentials);
    try {
      const { rows } = await erp.query<{ id: number }>("INSERT INTO erp.companies (name) VALUES ('Main') RETURNING id");
      await erp.query('INSERT INTO erp.users (company_id, email) VALUES ($1, $2)', [rows[0]!.id, 'a@example.com']);
      await erp.query('INSERT INTO erp.transactions (company_id, amount) VALUES ($1, 12.5)', [rows[0]!.id]);
      expect((await erp.query('SELECT count(*)::int AS n FROM transactions')).rows[0].n).toBe(1); // search_path = erp
      // DML only: no DDL, no ownership, nothing in public.
      await expect(erp.query('CREATE TABLE erp.evil (id int)')).rejects.toMatchObject({ code: '42501' });
      await expect(erp.query('CREATE TABLE public.evil (id int)')).rejects.toMatchObject({ code: '42501' });
      await expect(erp.query('DROP TABLE erp.transactions')).rejects.toMatchObject({ code: '42501' });
      await expect(erp.query('ALTER TABLE erp.users ADD COLUMN x int')).rejects.toMatchObject({ code: '42501' });
      await expect(erp.query('CREATE SCHEMA evil')).rejects.toMatchObject({ code: '42501' });
    } finally {
      await erp.end();
    }

    // Nothing is owned by the tenant, PUBLIC cannot connect, the password is stored as SCRAM.
    const admin = await adminClient(url, tenant.databaseName);
    try {
      const owned = await admin.query(
        `SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = $1
         UNION ALL SELECT n.nspname FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner WHERE r.rolname = $1`,
        [tenant.dbRole],
      );
      expect(owned.rows).toEqual([]);
      const db = await admin.query<{ owner: string; public_connect: boolean; role_connect: boolean }>(
        `SELECT pg_get_userbyid(datdba) AS owner,
                has_database_privilege('public', datname, 'CONNECT') AS public_connect,
                has_database_privilege($2, datname, 'CONNECT') AS role_connect
           FROM pg_database WHERE datname = $1`,
        [tenant.databaseName, tenant.dbRole],
      );
      expect(db.rows[0]).toMatchObject({ public_connect: false, role_connect: true });
      expect(db.rows[0]!.owner).not.toBe(tenant.dbRole);
      const role = await admin.query('SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = $1', [tenant.dbRole]);
      expect(role.rows[0]).toEqual({ rolcanlogin: true, rolsuper: false, rolcreatedb: false, rolcreaterole: false });
      const secret = await admin.query<{ rolpassword: string }>('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [tenant.dbRole]);
      expect(secret.rows[0]!.rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/);
      expect(secret.rows[0]!.rolpassword).not.toContain(credentials.password);
    } finally {
      await admin.end();
    }

    // The registry keeps no password anywhere.
    const platform = await adminClient(url, platformDatabase);
    try {
      const dump = await platform.query("SELECT row_to_json(t)::text AS row FROM tenants t UNION ALL SELECT row_to_json(o)::text FROM operations o");
      for (const { row } of dump.rows) expect(row).not.toContain(credentials.password);
    } finally {
      await platform.end();
    }
  });

  it.skipIf(skip)('gives readable, sequential codes per company prefix', async () => {
    const first = await call(core, 'tenants:create', uniqueTenantInput('starter', 'Sequence Labs'));
    const second = await call(core, 'tenants:create', uniqueTenantInput('starter', 'Sequel Partners'));
    const a = Number(first.tenant.tenantCode.slice(4));
    const b = Number(second.tenant.tenantCode.slice(4));
    expect(first.tenant.tenantCode.slice(0, 4)).toBe('SEQU');
    expect(second.tenant.tenantCode.slice(0, 4)).toBe('SEQU');
    expect(b).toBeGreaterThan(a);
  });

  it.skipIf(skip)('two platforms on one server creating the same company prefix at once: every tenant gets its own code', async () => {
    // A second console with its own platform database on the same server: tenant names are
    // server-wide, so its codes and this platform's must never collide (a CREATE ROLE race
    // answers 23505 on pg_authid's name index; the loser takes the next code).
    const otherDatabase = uniquePlatformDatabase('provrace');
    const other = await openTestCore(url, otherDatabase);
    try {
      const prefix = `Racing Quill ${Math.random().toString(36).slice(2, 6)}`;
      const made = await Promise.all(
        Array.from({ length: 6 }, (_, index) => call(index % 2 === 0 ? core : other, 'tenants:create', uniqueTenantInput('starter', prefix)).then((created) => created.tenant.tenantCode)),
      );
      expect(new Set(made).size).toBe(6);
    } finally {
      await other.close();
      await dropTestPlatform(url, otherDatabase);
    }
  });

  it.skipIf(skip)('refuses a taken subdomain case-insensitively and an unknown plan, creating nothing', async () => {
    const input = uniqueTenantInput();
    await call(core, 'tenants:create', input);
    const before = await call(core, 'tenants:list', { limit: 500 });
    expect(await callError(core, 'tenants:create', { ...uniqueTenantInput(), subdomain: input.subdomain.toUpperCase() })).toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(await callError(core, 'tenants:create', { ...uniqueTenantInput(), plan: 'platinum' })).toEqual({
      code: 'VALIDATION',
      message: 'Unknown plan "platinum". Known plans: trial, starter, professional, enterprise.',
    });
    expect((await call(core, 'tenants:list', { limit: 500 })).total).toBe(before.total);
    expect(await call(core, 'tenants:checkSubdomain', { subdomain: input.subdomain })).toEqual({ available: false, problem: 'This subdomain is already used by another tenant.' });
  });

  it.skipIf(skip)('lists with search, filters, sorting and paging done in the database', async () => {
    const made = [];
    for (const plan of ['starter', 'professional', 'professional']) made.push((await call(core, 'tenants:create', uniqueTenantInput(plan, 'Listing Co'))).tenant);
    const all = await call(core, 'tenants:list', { search: 'listing', limit: 500 });
    expect(all.total).toBe(3);
    const pro = await call(core, 'tenants:list', { search: 'LISTING', plan: ['professional'] });
    expect(pro.rows.map((row) => row.tenantCode).sort()).toEqual(made.filter((t) => t.plan === 'professional').map((t) => t.tenantCode).sort());
    const page = await call(core, 'tenants:list', { search: 'listing', sort: 'tenantCode', direction: 'asc', limit: 2, offset: 2 });
    expect(page).toMatchObject({ total: 3 });
    expect(page.rows).toHaveLength(1);
    expect(page.rows[0]!.tenantCode).toBe([...made.map((t) => t.tenantCode)].sort()[2]);
    // A LIKE wildcard in the search is literal text, not a pattern.
    expect((await call(core, 'tenants:list', { search: '%' })).total).toBe(0);
  });

  it.skipIf(skip)('finds a tenant by code or subdomain', async () => {
    const { tenant } = await call(core, 'tenants:create', uniqueTenantInput());
    expect((await call(core, 'tenants:get', { ref: tenant.tenantCode.toLowerCase() })).id).toBe(tenant.id);
    expect((await call(core, 'tenants:get', { ref: tenant.subdomain })).id).toBe(tenant.id);
    expect(await callError(core, 'tenants:get', { ref: 'NOPE999' })).toEqual({ code: 'NOT_FOUND', message: 'No tenant NOPE999.' });
  });
});
