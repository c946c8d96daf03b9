import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openConsoleCore } from '../../src-main/app/console-core';
import { createSilentLogger } from '../../src-main/logging/logger';
import { embeddedLayout, isProcessAlive, readPostmasterState } from '../../src-main/postgres/embedded-cluster';
import { applyMigrations } from '../../src-main/base/migration-runner';
import { PLATFORM_MIGRATIONS } from '../../src-main/platform/migrations';
import { runTenantctl } from '../support/cli';
import { adminClient, embeddedTarget, uniquePlatformDatabase, withAdminClient } from '../support/servers';
import { fullTierOnly } from '../support/tier';

/** Is a postmaster running on this data folder's cluster? */
async function serverRunning(dataDir: string): Promise<boolean> {
  const state = await readPostmasterState(embeddedLayout(dataDir).pgdata);
  return state !== null && isProcessAlive(state.pid);
}

async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tc-share-'));
  await chmod(dir, 0o755); // as root the server runs as `postgres`, which must reach it
  return dir;
}

const cliEnv = (dataDir: string) => ({ TENANT_CONSOLE_DATA_DIR: dataDir, TENANT_CONSOLE_DATABASE_URL: '', TENANT_CONSOLE_PLATFORM_DATABASE: '' });

// Each case starts a cluster of its own on a fresh folder (initdb and all): the full tier's.
describe.skipIf(fullTierOnly('embedded server sharing between processes'))('one embedded server shared by the app, host mode and the CLI', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('a one-off CLI command starts the server and stops it afterwards, leaving no process', async () => {
    const dataDir = await freshDataDir();
    dirs.push(dataDir);
    const run = await runTenantctl(['list', '--json'], cliEnv(dataDir));
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ tenants: [], total: 0 });
    expect(await serverRunning(dataDir)).toBe(false);
    expect(await readdir(embeddedLayout(dataDir).leases)).toEqual([]);
    const secrets = await import('node:fs/promises').then((fs) => fs.stat(join(dataDir, 'secrets.json')));
    expect(secrets.mode & 0o777).toBe(0o600);
  });

  it('a CLI command uses the server a running console started, and leaves it running', async () => {
    const dataDir = await freshDataDir();
    dirs.push(dataDir);
    const app = await openConsoleCore({ mode: 'host', dataDir, databaseUrl: null, logger: createSilentLogger() });
    try {
      const before = await readPostmasterState(embeddedLayout(dataDir).pgdata);
      const create = await runTenantctl(
        ['create', '--company', 'Shared Server Co', '--subdomain', 'shared-co', '--plan', 'trial', '--email', 'a@shared.example', '--json'],
        cliEnv(dataDir),
      );
      expect(create.code, create.stderr).toBe(0);
      expect(JSON.parse(create.stdout)).toMatchObject({ tenant_code: 'SHAR001', database_name: 'tenant_shar001', db_role: 'tenant_shar001_app' });
      // Same postmaster before and after: the CLI attached, it did not start or stop anything.
      expect(await readPostmasterState(embeddedLayout(dataDir).pgdata)).toEqual(before);
      const list = await app.dispatch('tenants:list', {}, { origin: 'test' });
      expect(list).toMatchObject({ ok: true, value: { total: 1 } });
    } finally {
      await app.close();
    }
    // The console was the last user: closing it stopped the server.
    expect(await serverRunning(dataDir)).toBe(false);
  });

  it('after a console is SIGKILLed, the next one adopts the orphaned server, reconciles, and stops it', async () => {
    const dataDir = await freshDataDir();
    dirs.push(dataDir);
    const killed = await runTenantctl(
      ['create', '--company', 'Crashy Co', '--subdomain', 'crashy', '--plan', 'trial', '--email', 'a@crashy.example'],
      { ...cliEnv(dataDir), TENANT_CONSOLE_CRASH_AFTER_STEP: 'creating_database' },
    );
    expect(killed.signal).toBe('SIGKILL');
    // The killed process could not stop the server it started: it is still running, leased to a dead pid.
    expect(await serverRunning(dataDir)).toBe(true);

    const list = await runTenantctl(['list', '--json'], cliEnv(dataDir));
    expect(list.code, list.stderr).toBe(0);
    // Start-up reconcile rolled the interrupted provisioning back…
    expect(JSON.parse(list.stdout)).toEqual({ tenants: [], total: 0 });
    // …and, the last live user gone, the server was stopped: nothing left behind.
    expect(await serverRunning(dataDir)).toBe(false);
    expect(await readdir(embeddedLayout(dataDir).leases)).toEqual([]);
  });

  it('two consoles starting together on a new folder make one cluster and one set of migrations', async () => {
    const dataDir = await freshDataDir();
    dirs.push(dataDir);
    const [a, b] = await Promise.all([
      runTenantctl(['list', '--json'], cliEnv(dataDir)),
      runTenantctl(['list', '--json'], cliEnv(dataDir)),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(await serverRunning(dataDir)).toBe(false);
    const core = await openConsoleCore({ mode: 'cli', dataDir, databaseUrl: null, logger: createSilentLogger() });
    try {
      const { rows } = await core.platform.pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((row) => row.version)).toEqual(PLATFORM_MIGRATIONS.map((migration) => migration.version));
    } finally {
      await core.close();
    }
  });
});

// Not about sharing a cluster: runs in both tiers, on the run's shared embedded server.
describe('platform migrations', () => {
  it('applies platform migrations once when several consoles race on one database', async () => {
    const url = embeddedTarget().url;
    const database = uniquePlatformDatabase('race');
    await withAdminClient(url, 'postgres', (admin) => admin.query(`CREATE DATABASE ${database}`));
    try {
      const clients = await Promise.all(Array.from({ length: 6 }, () => adminClient(url, database)));
      const applied = await Promise.all(clients.map((client) => applyMigrations(client, PLATFORM_MIGRATIONS)));
      expect(applied.flat()).toEqual(PLATFORM_MIGRATIONS.map((migration) => migration.version));
      const { rows } = await clients[0]!.query('SELECT count(*)::int AS n FROM plans');
      expect(rows[0]).toEqual({ n: 4 });
      await Promise.all(clients.map((client) => client.end()));
    } finally {
      await withAdminClient(url, 'postgres', (admin) => admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    }
  });
});
