import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openConsoleCore } from '../../src-main/app/console-core';
import { cacheFileIn } from '../../src-main/cache/open-cache';
import { createSilentLogger } from '../../src-main/logging/logger';
import { BASE_DATA_DIR_ENV } from './host-mode';

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
  const core = await openConsoleCore({
    mode: 'host',
    dataDir,
    databaseUrl: null,
    logger: createSilentLogger(),
    usageSchedule: false,
    maintenanceSchedule: false,
    billingSchedule: false,
  });
  // The last lease goes: the cluster stops cleanly, so its files can be copied.
  await core.close();
  // Each copy is its own installation: it makes its own local cache (and console id).
  for (const suffix of ['', '-wal', '-shm']) await rm(`${cacheFileIn(dataDir)}${suffix}`, { force: true });
  // Playwright's workers start after this and inherit the environment.
  process.env[BASE_DATA_DIR_ENV] = dataDir;
  return async () => {
    await rm(dataDir, { recursive: true, force: true });
  };
}
