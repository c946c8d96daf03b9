import { homedir, platform } from 'node:os';
import { join, resolve } from 'node:path';

/** The configuration the CLI, host mode, the app and the tests share. */
export const ENV = {
  dataDir: 'TENANT_CONSOLE_DATA_DIR',
  databaseUrl: 'TENANT_CONSOLE_DATABASE_URL',
  platformDatabase: 'TENANT_CONSOLE_PLATFORM_DATABASE',
  logLevel: 'TENANT_CONSOLE_LOG_LEVEL',
  /** Test-only fault injection: SIGKILL this process right after the named provisioning step. */
  crashAfterStep: 'TENANT_CONSOLE_CRASH_AFTER_STEP',
  signalAfterStep: 'TENANT_CONSOLE_SIGNAL_AFTER_STEP',
  /** Test-only: '1' runs the embedded cluster without durability (see testServerSettings). */
  testFastDisk: 'TENANT_CONSOLE_TEST_FAST_DISK',
} as const;

export const DEFAULT_PLATFORM_DATABASE = 'tenant_platform';
const APP_FOLDER = 'tenant-console';

/**
 * The OS app-data folder. As root on Linux the embedded PostgreSQL runs as the `postgres`
 * user, which cannot enter /root: a system folder is the sensible home then.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = homedir();
  switch (platform()) {
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Tenant Console');
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Tenant Console');
    default:
      if (process.getuid?.() === 0) return join('/var/lib', APP_FOLDER);
      return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), APP_FOLDER);
  }
}

export function resolveDataDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit ?? env[ENV.dataDir];
  return resolve(chosen && chosen.trim() !== '' ? chosen : defaultDataDir(env));
}

export function resolveDatabaseUrl(explicit?: string | null, env: NodeJS.ProcessEnv = process.env): string | null {
  if (explicit !== undefined) return explicit;
  const fromEnv = env[ENV.databaseUrl];
  return fromEnv && fromEnv.trim() !== '' ? fromEnv.trim() : null;
}

export function resolvePlatformDatabase(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[ENV.platformDatabase];
  return fromEnv && fromEnv.trim() !== '' ? fromEnv.trim() : DEFAULT_PLATFORM_DATABASE;
}

/**
 * Server settings for the embedded cluster in test runs only: no fsync, no waiting for the
 * WAL flush at commit, no full-page images. A test machine's disk is otherwise what the suite
 * waits on most (every CREATE DATABASE, every commit). Data survives a killed console process
 * (it is in the OS cache), not a machine crash — which no test makes. Empty unless the test
 * runner sets TENANT_CONSOLE_TEST_FAST_DISK=1: the product always runs durable.
 */
export function testServerSettings(env: NodeJS.ProcessEnv = process.env): Readonly<Record<string, string>> {
  if (env[ENV.testFastDisk] !== '1') return {};
  return { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' };
}
