import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { call, callError, uniqueTenantInput } from '../support/core-calls';
import { adminClient, dropTestPlatform, embeddedTarget, openTestCore, uniquePlatformDatabase } from '../support/servers';

const INJECTIONS = [
  "x'; DROP TABLE tenants; --",
  '"; DROP DATABASE postgres; --',
  "' OR '1'='1",
  'acme); CREATE ROLE evil SUPERUSER; --',
  '$$; SELECT pg_sleep(10); $$',
  'tenant_acme001" WITH (FORCE); --',
];
const LOOK_ALIKES = ['аcme', 'ácme', 'ａｃｍｅ', 'acme\u200b', 'acme\u202e'];
const OVER_LONG = 'a'.repeat(10_000);
/** No other test file names a company like this, so its tenants would be this file's alone. */
const QUOKKA = 'Quokka Hostile Test';

describe('hostile input is refused with a clear error and creates nothing', () => {
  let core: ConsoleCore;
  let url: string;
  const platformDatabase = uniquePlatformDatabase('hostile');

  beforeAll(async () => {
    url = embeddedTarget().url;
    core = await openTestCore(url, platformDatabase);
  });
  afterAll(async () => {
    await core?.close();
    await dropTestPlatform(url, platformDatabase);
  });

  // The server is shared with test files running alongside, so the footprint counts only
  // what a tenant named like this file's inputs (QUOK…) would be given: its database and role.
  async function serverFootprint() {
    const admin = await adminClient(url);
    try {
      const { rows } = await admin.query<{ databases: number; roles: number }>(
        `SELECT (SELECT count(*) FROM pg_database WHERE datname LIKE 'tenant\\_quok%')::int AS databases,
                (SELECT count(*) FROM pg_roles WHERE rolname LIKE 'tenant\\_quok%')::int AS roles`,
      );
      const tenants = (await call(core, 'tenants:list', { limit: 500, status: ['provisioning', 'active', 'suspended', 'cancelled', 'deleted'] })).total;
      const { rows: ops } = await core.platform.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM operations');
      return { ...rows[0]!, tenants, operations: ops[0]!.n };
    } finally {
      await admin.end();
    }
  }

  const cases: { field: string; value: unknown }[] = [];
  for (const field of ['companyName', 'subdomain', 'plan', 'adminEmail']) {
    for (const value of [...INJECTIONS, ...LOOK_ALIKES, OVER_LONG, '', '   ', null, 42, ['acme'], { $gt: '' }]) {
      // A company name is any printable text: injections and look-alike letters are data
      // there (the next case stores them verbatim); invisible characters are still refused.
      if (field === 'companyName' && typeof value === 'string' && value.trim() !== '' && value.length <= 200 && !/[\u200b\u202e]/u.test(value)) continue;
      cases.push({ field, value });
    }
  }

  it(`refuses ${cases.length} hostile create inputs without touching the server`, async () => {
    const before = await serverFootprint();
    for (const { field, value } of cases) {
      const input = { ...uniqueTenantInput('starter', QUOKKA), [field]: value };
      const error = await callError(core, 'tenants:create', input);
      expect(error.code, `${field}=${JSON.stringify(value).slice(0, 40)}`).toBe('VALIDATION');
      expect(error.message, `${field} named in the message`).toContain(field);
      expect(error.message.length).toBeLessThan(400);
    }
    expect(await serverFootprint()).toEqual(before);
  });

  it('stores a company name made of injections verbatim, as data: the server gets a tenant and nothing else', async () => {
    for (const companyName of INJECTIONS.slice(0, 3)) {
      const before = await serverFootprint();
      const name = `${QUOKKA} ${companyName}`;
      const { tenant } = await call(core, 'tenants:create', { ...uniqueTenantInput('starter', QUOKKA), companyName: name });
      expect(tenant.companyName).toBe(name);
      expect((await call(core, 'tenants:get', { ref: tenant.tenantCode })).companyName).toBe(name);
      // Searching for the hostile text finds exactly that tenant (LIKE wildcards escaped too).
      const found = await call(core, 'tenants:list', { search: companyName, limit: 10 });
      expect(found.rows.map((row) => row.tenantCode)).toEqual([tenant.tenantCode]);
      const after = await serverFootprint();
      expect(after).toMatchObject({ databases: before.databases + 1, roles: before.roles + 1, tenants: before.tenants + 1 });
    }
    const admin = await adminClient(url, platformDatabase);
    try {
      // The registry's tables are all still there.
      const { rows } = await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename = 'tenants'");
      expect(rows[0]!.n).toBe(1);
    } finally {
      await admin.end();
    }
  });

  it('refuses unknown fields and non-object input', async () => {
    expect((await callError(core, 'tenants:create', { ...uniqueTenantInput(), status: 'active' })).code).toBe('VALIDATION');
    expect((await callError(core, 'tenants:create', 'DROP TABLE tenants')).code).toBe('VALIDATION');
    expect((await callError(core, 'tenants:list', { sort: 'company_name; DROP TABLE tenants' })).code).toBe('VALIDATION');
    expect((await callError(core, 'tenants:list', { limit: -1 })).code).toBe('VALIDATION');
  });

  it('treats hostile references as validation errors or unknown tenants, changing nothing', async () => {
    const { tenant } = await call(core, 'tenants:create', uniqueTenantInput('starter', QUOKKA));
    const before = await serverFootprint();
    for (const ref of [...INJECTIONS, ...LOOK_ALIKES, OVER_LONG, '']) {
      const attempts = [
        ['tenants:get', { ref }],
        ['tenants:suspend', { ref, reason: 'x', expectedVersion: 1 }],
        ['tenants:activate', { ref, expectedVersion: 1 }],
        ['tenants:cancel', { ref, expectedVersion: 1 }],
      ] as const;
      for (const [channel, input] of attempts) {
        const error = await callError(core, channel, input);
        expect(['VALIDATION', 'NOT_FOUND'], `${channel} ${JSON.stringify(ref).slice(0, 30)}`).toContain(error.code);
      }
    }
    for (const reason of ["'); DROP TABLE tenants; --", 'x'.repeat(501), '\u0000']) {
      const result = await core.dispatch('tenants:suspend', { ref: tenant.tenantCode, reason, expectedVersion: tenant.version }, { origin: 'test' });
      if (reason.startsWith("'")) {
        // Free text in a reason is data: stored verbatim through a parameter, never executed.
        expect(result.ok).toBe(true);
        expect((await call(core, 'tenants:get', { ref: tenant.tenantCode })).statusReason).toBe(reason);
        await call(core, 'tenants:activate', { ref: tenant.tenantCode, expectedVersion: tenant.version + 1 });
      } else {
        expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      }
    }
    const after = await serverFootprint();
    expect({ ...after, operations: 0 }).toEqual({ ...before, operations: 0 });
  });

  it('refuses hostile settings', async () => {
    for (const baseDomain of ["evil.com'; --", 'no_underscores.com', '-x.com', 'localhost', 'x'.repeat(300)]) {
      expect((await callError(core, 'settings:update', { baseDomain })).code).toBe('VALIDATION');
    }
    expect((await callError(core, 'settings:update', { cancellationRetentionDays: 0 })).code).toBe('VALIDATION');
    expect((await call(core, 'settings:get', {})).baseDomain).toBe('yourerp.com');
  });
});
