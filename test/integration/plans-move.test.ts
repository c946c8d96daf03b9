import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantCredentials } from '../../src-shared/contract/models';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { TENANT_SCHEMA_VERSION } from '../../src-main/tenant-schema/template';
import { runCliInProcess } from '../support/run-cli';
import { call, callError, uniqueTenantInput } from '../support/core-calls';
import { dropTestPlatform, embeddedTarget, openTestCore, serverCases, uniquePlatformDatabase, useTestPlatform, operatorEnv } from '../support/servers';
import { connectAsTenant } from '../support/tenant-clients';

/** Gives a tenant one company with `users` users (the per-company user limit is what a plan edit lowers here). */
async function seedUsers(credentials: TenantCredentials, users: number): Promise<void> {
  const erp = await connectAsTenant(credentials);
  try {
    const { rows } = await erp.query<{ id: number }>(`INSERT INTO companies (name) VALUES ('Sales') RETURNING id`);
    await erp.query(`INSERT INTO users (company_id, email) SELECT $1, 'u' || g || '@x' FROM generate_series(1, $2::int) g`, [rows[0]!.id, users]);
  } finally {
    await erp.end();
  }
}

for (const serverCase of await serverCases('plan catalog, fleet status, move by version')) {
  describe.skipIf(serverCase.skip)(`plan catalog, fleet status and moves by version — ${serverCase.name}`, () => {
    const platform = useTestPlatform(serverCase, 'plansmove');

    it('lists every version of every plan with its tenant count', async () => {
      const before = await call(platform.core, 'plans:catalog', {});
      expect(before.filter((v) => v.isCurrent).map((v) => v.code)).toEqual(['trial', 'starter', 'professional', 'enterprise']);
      const countOf = (catalog: typeof before, code: string, version: number) => catalog.find((v) => v.code === code && v.version === version)?.tenantCount;
      const { tenant } = await call(platform.core, 'tenants:create', uniqueTenantInput('enterprise', 'Catalog Count'));
      await call(platform.core, 'plans:update', { code: 'enterprise', supportLevel: 'dedicated-plus' });
      const after = await call(platform.core, 'plans:catalog', {});
      expect(after.filter((v) => v.code === 'enterprise').map((v) => [v.version, v.isCurrent, v.supportLevel])).toEqual([
        [2, true, 'dedicated-plus'],
        [1, false, expect.any(String)],
      ]);
      // The tenant stays on v1 (grandfathered): counted there, not on the new version.
      expect(countOf(after, 'enterprise', 1)).toBe(countOf(before, 'enterprise', 1)! + 1);
      expect(countOf(after, 'enterprise', 2)).toBe(0);
      expect(await call(platform.core, 'tenants:get', { ref: tenant.tenantCode })).toMatchObject({ planVersion: 1 });
    });

    it('reports how many tenant databases are behind the newest tenant schema', async () => {
      const { tenant } = await call(platform.core, 'tenants:create', uniqueTenantInput('trial', 'Behind Schema'));
      const upToDate = await call(platform.core, 'fleet:status', {});
      expect(upToDate.schemaVersion).toBe(TENANT_SCHEMA_VERSION);
      expect(upToDate.behindTenants.map((t) => t.tenantCode)).not.toContain(tenant.tenantCode);
      await platform.core.platform.pool.query('UPDATE tenants SET schema_version = 2 WHERE tenant_code = $1', [tenant.tenantCode]);
      const behind = await call(platform.core, 'fleet:status', {});
      expect(behind.total).toBe(upToDate.total);
      expect(behind.behind).toBe(upToDate.behind + 1);
      expect(behind.behindTenants).toContainEqual({ tenantCode: tenant.tenantCode, schemaVersion: 2 });
      // The migration brings it back (its database is already at the newest schema: nothing to apply, only recorded).
      const report = await call(platform.core, 'fleet:migrate', {});
      expect(report.failed).toEqual([]);
      expect((await call(platform.core, 'fleet:status', {})).behindTenants.map((t) => t.tenantCode)).not.toContain(tenant.tenantCode);
    });

    it('moves only the tenants on the version asked for, and refuses naming both tenants and a version', async () => {
      const v1 = await call(platform.core, 'tenants:create', uniqueTenantInput('starter', 'On V1'));
      await call(platform.core, 'plans:update', { code: 'starter', trialDays: 7 });
      const v2 = await call(platform.core, 'tenants:create', uniqueTenantInput('starter', 'On V2'));
      const v3 = await call(platform.core, 'plans:update', { code: 'starter', trialDays: 10 });
      expect(v2.tenant.planVersion).toBe(v3.version - 1);

      const preview = await call(platform.core, 'plans:previewMove', { code: 'starter', fromVersion: v2.tenant.planVersion });
      expect(preview.map((p) => p.tenantCode)).toEqual([v2.tenant.tenantCode]);
      const result = await call(platform.core, 'plans:moveTenants', { code: 'starter', fromVersion: v2.tenant.planVersion });
      expect(result).toEqual({ moved: [{ tenantCode: v2.tenant.tenantCode, forced: false }], refused: [], failed: [] });
      expect(await call(platform.core, 'tenants:get', { ref: v1.tenant.tenantCode })).toMatchObject({ planVersion: v1.tenant.planVersion });
      expect(await call(platform.core, 'tenants:get', { ref: v2.tenant.tenantCode })).toMatchObject({ planVersion: v3.version });

      const both = await callError(platform.core, 'plans:moveTenants', { code: 'starter', tenants: [v1.tenant.tenantCode], fromVersion: 1 });
      expect(both.code).toBe('VALIDATION');
      expect(both.message).toContain('not both');
      expect(await call(platform.core, 'tenants:get', { ref: v1.tenant.tenantCode })).toMatchObject({ planVersion: v1.tenant.planVersion });
    });
  });
}

describe('tenantctl plan move', () => {
  let url: string;
  let dataDir: string;
  let core: ConsoleCore;
  let operator: Record<string, string> = {};
  const platformDatabase = uniquePlatformDatabase('climove');
  const tenantctl = (...args: string[]) =>
    runCliInProcess(args, { TENANT_CONSOLE_DATABASE_URL: url, TENANT_CONSOLE_PLATFORM_DATABASE: platformDatabase, TENANT_CONSOLE_DATA_DIR: dataDir, ...operator });

  beforeAll(async () => {
    url = embeddedTarget().url;
    dataDir = await mkdtemp(join(tmpdir(), 'tc-cli-move-'));
    // The same platform the CLI uses: the console side edits the plan (there is no CLI plan editor).
    core = await openTestCore(url, platformDatabase);
    operator = await operatorEnv(core);
  });
  afterAll(async () => {
    await core.close();
    await dropTestPlatform(url, platformDatabase);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('previews with --dry-run, refuses over-limit tenants, moves them with --force', async () => {
    const create = (company: string) => call(core, 'tenants:create', uniqueTenantInput('professional', company));
    const bigTenant = await create('Move Big');
    const smallTenant = await create('Move Small');
    const big = bigTenant.tenant.tenantCode;
    const small = smallTenant.tenant.tenantCode;
    await seedUsers(bigTenant.credentials, 6);
    await seedUsers(smallTenant.credentials, 2);
    await call(core, 'plans:update', { code: 'professional', limits: { usersPerCompany: 4 } });

    const dry = await tenantctl('plan', 'move', 'professional', '--dry-run', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    const preview = (JSON.parse(dry.stdout) as { preview: { tenant_code: string; from: { version: number }; to: { version: number }; violations: { message: string }[] }[] }).preview;
    expect(preview.map((p) => [p.tenant_code, p.from.version, p.to.version, p.violations.map((v) => v.message)])).toEqual(
      [
        [big, 1, 2, ['users in company Sales: 6, new limit 4']],
        [small, 1, 2, []],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    const dryText = await tenantctl('plan', 'move', 'professional', '--dry-run');
    expect(dryText.stdout).toContain('users in company Sales: 6, new limit 4');
    expect(dryText.stdout).toContain('2 to move, 1 over the new limits (moved only with --force).');
    // A dry run changes nothing.
    expect(await call(core, 'tenants:get', { ref: small })).toMatchObject({ planVersion: 1 });

    const refused = await tenantctl('plan', 'move', 'professional', '--from-version', '1', '--json');
    expect(refused.code).toBe(6);
    expect(JSON.parse(refused.stdout)).toEqual({
      moved: [{ tenant_code: small, forced: false }],
      refused: [{ tenant_code: big, message: expect.stringContaining('users in company Sales: 6, new limit 4') }],
      failed: [],
    });
    expect(await call(core, 'tenants:get', { ref: big })).toMatchObject({ planVersion: 1 });

    const forced = await tenantctl('plan', 'move', 'professional', '--force', '--reason', 'new price list');
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('1 moved (1 forced), 0 refused, 0 failed.');
    expect(await call(core, 'tenants:get', { ref: big })).toMatchObject({ planVersion: 2, limits: { usersPerCompany: 4 } });
    expect(await call(core, 'tenants:planHistory', { ref: big })).toEqual([expect.objectContaining({ forced: true, reason: 'new price list' })]);

    const nothing = await tenantctl('plan', 'move', 'professional', '--dry-run');
    expect(nothing.stdout).toContain('No tenant to move');
    const badVersion = await tenantctl('plan', 'move', 'professional', '--from-version', 'x');
    expect(badVersion.code).not.toBe(0);
    expect(badVersion.stderr).toContain('whole number');
  });
});
