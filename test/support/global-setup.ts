import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { EmbeddedCluster } from '../../src-main/postgres/embedded-cluster';
import { FileSecretStore } from '../../src-main/secrets/file-secret-store';
import { createSilentLogger } from '../../src-main/logging/logger';
import { EXTERNAL_URL } from './external-url';
import { dropPlatformTemplates } from './platform-template';
import { fullTier } from './tier';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the embedded cluster the integration tests share (Unix socket, peer auth). */
    embeddedUrl: string;
    embeddedDataDir: string;
  }
}

/**
 * One real embedded PostgreSQL for the whole run (started like the console starts it);
 * every test file gets its own platform database on it, so files run side by side.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The spawned CLI runs the bundle: build it once here (bin/tenantctl.js rebuilds only when stale),
  // not in whichever test spawns it first.
  execFileSync(process.execPath, ['bin/tenantctl.js', '--version'], { stdio: 'ignore' });
  const dataDir = await mkdtemp(join(tmpdir(), 'tc-vitest-'));
  await chmod(dataDir, 0o755);
  const cluster = new EmbeddedCluster({ dataDir, secretStore: new FileSecretStore(join(dataDir, 'secrets.json')), logger: createSilentLogger() });
  const endpoint = await cluster.acquire();
  const socketDir = String(endpoint.connection.host);
  project.provide('embeddedUrl', `postgresql://postgres@127.0.0.1:${endpoint.port}/postgres?host=${encodeURIComponent(socketDir)}`);
  project.provide('embeddedDataDir', dataDir);
  return async () => {
    // The external server outlives the run: the platform templates built on it go (platform-template.ts).
    if (fullTier) await dropPlatformTemplates(EXTERNAL_URL).catch(() => undefined);
    await cluster.forceStop();
    await cluster.release();
    await rm(dataDir, { recursive: true, force: true });
  };
}
