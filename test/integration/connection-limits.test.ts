import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { createSilentLogger } from '../../src-main/logging/logger';
import { CONSOLE_RESERVED_CONNECTIONS, EmbeddedCluster } from '../../src-main/postgres/embedded-cluster';
import { testServerSettings } from '../../src-main/config/environment';
import { FileSecretStore } from '../../src-main/secrets/file-secret-store';
import type { TenantCredentials } from '../../src-shared/contract/models';
import { call, callError, uniqueTenantInput } from '../support/core-calls';
import { adminClient, openTestCore, serverCases, uniquePlatformDatabase, useTestPlatform, withAdminClient } from '../support/servers';
import { connectAsTenant } from '../support/tenant-clients';

/**
 * Issue 11, item 2: connection exhaustion. Every tenant role used to have CONNECTION LIMIT
 * 100 on a server with max_connections 300: three tenants filled it. Now a role's limit is
 * its plan's, and the console keeps slots no tenant can take.
 */

async function roleConnectionLimit(url: string, role: string): Promise<number> {
  return withAdminClient(url, 'postgres', async (admin) => {
    const { rows } = await admin.query<{ rolconnlimit: number }>('SELECT rolconnlimit FROM pg_roles WHERE rolname = $1', [role]);
    return rows[0]!.rolconnlimit;
  });
}

/** Opens sessions as the tenant until `count` are open or one is refused; returns them and the refusal. */
async function openSessions(credentials: TenantCredentials, count: number): Promise<{ sessions: pg.Client[]; refused: { code?: string; message: string } | null }> {
  const sessions: pg.Client[] = [];
  for (let i = 0; i < count; i += 1) {
    try {
      sessions.push(await connectAsTenant(credentials));
    } catch (error) {
      return { sessions, refused: { code: (error as { code?: string }).code, message: (error as Error).message } };
    }
  }
  return { sessions, refused: null };
}

const closeAll = (sessions: readonly pg.Client[]) => Promise.all(sessions.map((session) => session.end().catch(() => undefined)));

for (const serverCase of await serverCases('per-plan connection limits')) {
  describe.skipIf(serverCase.skip)(`per-plan connection limits — ${serverCase.name}`, () => {
    const platform = useTestPlatform(serverCase, 'connlimits');

    it('a tenant at its plan limit is refused one more session; another tenant and the console still get in', async () => {
      const { tenant: greedy, credentials } = await call(platform.core, 'tenants:create', uniqueTenantInput('trial', 'Greedy Tenant'));
      const { credentials: neighbour } = await call(platform.core, 'tenants:create', uniqueTenantInput('starter', 'Quiet Neighbour'));
      const trial = (await call(platform.core, 'plans:list', {})).find((plan) => plan.code === 'trial')!;
      expect(trial.connectionLimit).toBe(5);
      // Set on the role as it is created (the old code gave every role 100).
      expect(await roleConnectionLimit(platform.url, greedy.dbRole)).toBe(5);

      const { sessions, refused } = await openSessions(credentials, trial.connectionLimit + 1);
      try {
        expect(sessions).toHaveLength(trial.connectionLimit);
        expect(refused).toMatchObject({ code: '53300', message: expect.stringMatching(/too many connections for role/) });
        // Nor can the tenant lift its own cap (a role attribute needs CREATEROLE, which it lacks).
        await expect(sessions[0]!.query('ALTER ROLE CURRENT_USER CONNECTION LIMIT 1000')).rejects.toMatchObject({ code: '42501' });

        // The neighbour works as usual.
        const other = await connectAsTenant(neighbour);
        expect((await other.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
        await other.end();

        // So does the console, inside the greedy tenant's own database too (its admin role is not the tenant's).
        expect((await call(platform.core, 'tenants:list', {})).rows.map((row) => row.tenantCode)).toContain(greedy.tenantCode);
        expect((await call(platform.core, 'tenants:limits', { ref: greedy.tenantCode })).tenantCode).toBe(greedy.tenantCode);

        // The Settings page's figures: the greedy tenant at its limit, slots kept for the console.
        const [server] = await call(platform.core, 'servers:connections', {});
        expect(server!.topTenants).toContainEqual({ tenantCode: greedy.tenantCode, used: 5, limit: 5 });
        expect(server!.usedByTenants).toBeGreaterThanOrEqual(5);
        expect(server!.used).toBeGreaterThanOrEqual(server!.usedByTenants + server!.usedByConsole);
        expect(server!.reservedForConsole).toBeGreaterThan(0);
        expect(server!.warning).toBeNull();
      } finally {
        await closeAll(sessions);
      }
    });

    it('a plan change, a move to a new plan version and a fleet migration set the role to its plan limit', async () => {
      const { tenant, credentials } = await call(platform.core, 'tenants:create', uniqueTenantInput('trial', 'Growing Tenant'));
      const changed = await call(platform.core, 'tenants:changePlan', { ref: tenant.tenantCode, plan: 'starter', expectedVersion: tenant.version });
      expect(await roleConnectionLimit(platform.url, tenant.dbRole)).toBe(10);
      // The sixth session a trial refused is now allowed.
      const { sessions, refused } = await openSessions(credentials, 6);
      await closeAll(sessions);
      expect(refused).toBeNull();

      // An edited plan version with another limit, the tenant moved onto it.
      const edited = await call(platform.core, 'plans:update', { code: 'starter', connectionLimit: 12 });
      expect(edited.connectionLimit).toBe(12);
      const moved = await call(platform.core, 'plans:moveTenants', { code: 'starter', tenants: [changed.tenantCode] });
      expect(moved.moved.map((m) => m.tenantCode)).toEqual([tenant.tenantCode]);
      expect(await roleConnectionLimit(platform.url, tenant.dbRole)).toBe(12);

      // A role left at the old 100 (made by an older console) gets its plan's back from a fleet migration.
      await withAdminClient(platform.url, 'postgres', (admin) => admin.query(`ALTER ROLE "${tenant.dbRole}" CONNECTION LIMIT 100`));
      const report = await call(platform.core, 'fleet:migrate', {});
      expect(report.failed).toEqual([]);
      expect(await roleConnectionLimit(platform.url, tenant.dbRole)).toBe(12);
    });

    it('a restore (in place, or as a new tenant) leaves the role at its plan limit', async () => {
      const folder = await mkdtemp(join(tmpdir(), 'tc-connlimit-backups-'));
      try {
        await call(platform.core, 'backups:updateSettings', { directory: folder });
        const { tenant } = await call(platform.core, 'tenants:create', uniqueTenantInput('professional', 'Restored Tenant'));
        const backup = await call(platform.core, 'backups:create', { ref: tenant.tenantCode });
        await withAdminClient(platform.url, 'postgres', (admin) => admin.query(`ALTER ROLE "${tenant.dbRole}" CONNECTION LIMIT 100`));
        await call(platform.core, 'backups:restore', { backupId: backup.id, mode: 'in-place' });
        expect(await roleConnectionLimit(platform.url, tenant.dbRole)).toBe(20);
        const copy = await call(platform.core, 'backups:restore', { backupId: backup.id, mode: 'as-new', subdomain: uniqueTenantInput().subdomain });
        const copied = await call(platform.core, 'tenants:get', { ref: copy.tenantCode });
        expect(await roleConnectionLimit(platform.url, copied.dbRole)).toBe(20);
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    });

    it('refuses an unlimited or zero connection limit and changes nothing', async () => {
      const before = await call(platform.core, 'plans:versions', { code: 'professional' });
      for (const connectionLimit of [0, -1, 1.5, 10_001]) {
        expect((await callError(platform.core, 'plans:update', { code: 'professional', connectionLimit })).code).toBe('VALIDATION');
      }
      expect(await call(platform.core, 'plans:versions', { code: 'professional' })).toEqual(before);
    });
  });
}

/**
 * The console's reserve, on a server of its own kept small (max_connections 70; the console's
 * 40 superuser-reserved slots stay as configured): tenants whose limits add up past what is
 * free fill every slot they may take, and the console still opens new sessions and answers.
 */
describe('the console keeps its own connection slots when tenants fill the server', () => {
  let dataDir = '';
  let cluster: EmbeddedCluster | null = null;
  let core: ConsoleCore | null = null;
  let url = '';
  const platformDatabase = uniquePlatformDatabase('connreserve');

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tc-connreserve-'));
    cluster = new EmbeddedCluster({
      dataDir,
      secretStore: new FileSecretStore(join(dataDir, 'secrets.json')),
      logger: createSilentLogger(),
      serverSettings: { ...testServerSettings(), max_connections: '70' },
    });
    const endpoint = await cluster.acquire();
    url = `postgresql://postgres@127.0.0.1:${endpoint.port}/postgres?host=${encodeURIComponent(String(endpoint.connection.host))}`;
    core = await openTestCore(url, platformDatabase);
  }, 120_000);

  afterAll(async () => {
    await core?.close();
    await cluster?.forceStop();
    await cluster?.release();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('reserves slots for the console that no tenant can take', async () => {
    await withAdminClient(url, 'postgres', async (admin) => {
      const { rows } = await admin.query<{ setting: string }>("SELECT setting FROM pg_settings WHERE name = 'superuser_reserved_connections'");
      expect(Number(rows[0]!.setting)).toBe(CONSOLE_RESERVED_CONNECTIONS);
    });
    // Enterprise allows 50 each: two tenants' limits add up past the 30 non-reserved slots.
    const a = await call(core!, 'tenants:create', uniqueTenantInput('enterprise', 'Filler One'));
    const b = await call(core!, 'tenants:create', uniqueTenantInput('enterprise', 'Filler Two'));
    const first = await openSessions(a.credentials, 50);
    const second = await openSessions(b.credentials, 50);
    const fresh: pg.Client[] = [];
    try {
      expect(first.refused?.message ?? second.refused?.message).toMatch(/remaining connection slots are reserved/);
      expect(first.sessions.length + second.sessions.length).toBeGreaterThan(0);

      // Twenty brand-new console sessions (more than PostgreSQL's default reserve of 3) …
      for (let i = 0; i < 20; i += 1) {
        fresh.push(await adminClient(url));
      }
      // … and the console's calls, on a server the tenants filled.
      const [server] = await call(core!, 'servers:connections', {});
      expect(server!.reservedForConsole).toBe(CONSOLE_RESERVED_CONNECTIONS);
      expect(server!.maxConnections).toBe(70);
      expect(server!.usedByTenants).toBe(first.sessions.length + second.sessions.length);
      expect(server!.tenantLimitSum).toBe(100);
      expect((await call(core!, 'tenants:list', {})).total).toBe(2);
    } finally {
      await closeAll([...first.sessions, ...second.sessions, ...fresh]);
    }
  });

  it('gives a cluster made by an older console (no reserve configured) the reserve at its next start', async () => {
    await core!.close();
    core = null;
    await cluster!.forceStop();
    const conf = join(dataDir, 'pg', 'data', 'conf.d-tenant-console.conf');
    await writeFile(conf, (await readFile(conf, 'utf8')).replace(/^superuser_reserved_connections.*\n/m, ''));
    await cluster!.acquire();
    await withAdminClient(url, 'postgres', async (admin) => {
      const { rows } = await admin.query<{ setting: string }>("SELECT setting FROM pg_settings WHERE name = 'superuser_reserved_connections'");
      expect(Number(rows[0]!.setting)).toBe(CONSOLE_RESERVED_CONNECTIONS);
    });
  });
});
