import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheFileIn } from '../../src-main/cache/open-cache';
import { BASE_DATA_DIR_ENV, REPO_ROOT } from './host-mode';

const run = promisify(execFile);

/**
 * One console data folder for the whole run, initialised as host mode's first start would
 * (initdb, the platform database and its migrations, the tenant template) and stopped. Every
 * spec's host mode starts on its own copy (startHostMode), so the specs skip that start-up
 * work and still never share a server or data.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tenant-console-e2e-base-'));
  // As root the embedded PostgreSQL runs as `postgres`, which must be able to reach the folder.
  await chmod(dataDir, 0o755);
  const env: NodeJS.ProcessEnv = { ...process.env, TENANT_CONSOLE_DATA_DIR: dataDir };
  delete env.TENANT_CONSOLE_DATABASE_URL;
  // A one-off CLI command opens the console as host mode would and, the last user of the
  // cluster it started, stops it cleanly: its files can then be copied. (A CLI process, not
  // openConsoleCore here: Playwright's loader cannot import console-core's package.json.)
  // It also sets the spare databases to none: every host mode would otherwise build a plan
  // template and spares per plan in the background, on two cores the specs share (the specs
  // test the screens; test/integration/spare-databases.test.ts tests the spares).
  await run(process.execPath, ['bin/tenantctl.js', 'settings', '--spare-databases', '0', '--json'], { cwd: REPO_ROOT, env, timeout: 180_000 });
  // Each copy is its own installation: it makes its own local cache (and console id).
  for (const suffix of ['', '-wal', '-shm']) await rm(`${cacheFileIn(dataDir)}${suffix}`, { force: true });
  // Playwright's workers start after this and inherit the environment.
  process.env[BASE_DATA_DIR_ENV] = dataDir;
  return async () => {
    await rm(dataDir, { recursive: true, force: true });
  };
}
