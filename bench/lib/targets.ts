import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openConsoleCore, type ConsoleCore } from '../../src-main/app/console-core';
import { ENV } from '../../src-main/config/environment';
import { createSilentLogger } from '../../src-main/logging/logger';
import { clientConfig, endpointFromUrl } from '../../src-main/postgres/server-endpoint';
import { existingPlanTemplates } from '../../src-main/platform/plan-templates';
import { templateDatabaseName } from '../../src-main/tenant-schema/template';
import { dropPlatformAndTenants } from '../../test/support/drop-platform';

/** A console core the benchmarks run against, and how to leave nothing behind. */
export interface BenchTarget {
  readonly label: string;
  readonly core: ConsoleCore;
  readonly serverVersion: string;
  dispose(): Promise<void>;
}

export const EXTERNAL_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

async function freshDataDir(): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tc-bench-'));
  // As root the embedded server runs as `postgres`, which must be able to enter the folder.
  await chmod(dataDir, 0o755);
  return dataDir;
}

/** The console's own embedded PostgreSQL, started in a fresh temporary data folder. */
export async function openEmbeddedTarget(): Promise<BenchTarget> {
  const dataDir = await freshDataDir();
  delete process.env[ENV.platformDatabase];
  delete process.env[ENV.crashAfterStep];
  let core: ConsoleCore;
  try {
    core = await openConsoleCore({ mode: 'cli', dataDir, databaseUrl: null, logger: createSilentLogger(), reconcileOnStart: false });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    label: `embedded PostgreSQL ${core.info.server.serverVersion}`,
    core,
    serverVersion: core.info.server.serverVersion,
    async dispose() {
      try {
        await core.close(); // the last lease: stops the embedded server
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

async function adminClient(url: string, database: string): Promise<pg.Client> {
  const client = new pg.Client({ ...clientConfig(endpointFromUrl(url), database, 'tenant-console-bench'), connectionTimeoutMillis: 3000 });
  await client.connect();
  return client;
}

/** Why the external server cannot be used, or null. */
export async function externalProblem(url = EXTERNAL_URL): Promise<string | null> {
  let client: pg.Client | null = null;
  try {
    client = await adminClient(url, 'postgres');
    const { rows } = await client.query<{ superuser: string }>("SELECT current_setting('is_superuser') AS superuser");
    return rows[0]?.superuser === 'on' ? null : `${url} is reachable but its user is not a superuser`;
  } catch (error) {
    return `${url} is not reachable (${(error as Error).message})`;
  } finally {
    await client?.end().catch(() => undefined);
  }
}

/**
 * The external server, with a platform database of the benchmark's own. Afterwards every
 * database and role it registered goes, then the platform database, and the tenant
 * template too when this run is the one that built it.
 */
export async function openExternalTarget(log: (line: string) => void, url = EXTERNAL_URL): Promise<BenchTarget> {
  const platformDatabase = `tc_bench_${randomBytes(4).toString('hex')}`;
  const template = templateDatabaseName();
  const probe = await adminClient(url, 'postgres');
  let templateExisted: boolean;
  let planTemplatesBefore: Set<string>;
  try {
    templateExisted = ((await probe.query('SELECT 1 FROM pg_database WHERE datname = $1', [template])).rowCount ?? 0) > 0;
    planTemplatesBefore = new Set(await existingPlanTemplates(probe, template));
  } finally {
    await probe.end();
  }

  const dataDir = await freshDataDir();
  const previous = process.env[ENV.platformDatabase];
  process.env[ENV.platformDatabase] = platformDatabase;
  delete process.env[ENV.crashAfterStep];
  let core: ConsoleCore | null = null;
  const cleanUp = async () => {
    await core?.close();
    await dropExternalPlatform(url, platformDatabase, { schema: templateExisted ? null : template, planTemplatesOf: template, keep: planTemplatesBefore }, log);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    core = await openConsoleCore({ mode: 'cli', dataDir, databaseUrl: url, logger: createSilentLogger(), reconcileOnStart: false });
  } catch (error) {
    await cleanUp().catch(() => undefined);
    throw error;
  } finally {
    if (previous === undefined) delete process.env[ENV.platformDatabase];
    else process.env[ENV.platformDatabase] = previous;
  }
  const opened = core;
  return {
    label: `external PostgreSQL ${opened.info.server.serverVersion} (127.0.0.1:5432)`,
    core: opened,
    serverVersion: opened.info.server.serverVersion,
    dispose: cleanUp,
  };
}

/**
 * Templates this run built: the schema template (when it did not exist before) and the
 * plan templates of `planTemplatesOf` not in `keep`. (The tenant group role stays: every
 * console on the server shares it.)
 */
interface OwnTemplates {
  readonly schema: string | null;
  readonly planTemplatesOf: string;
  readonly keep: ReadonlySet<string>;
}

async function dropExternalPlatform(url: string, platformDatabase: string, own: OwnTemplates, log: (line: string) => void): Promise<void> {
  await dropPlatformAndTenants(url, platformDatabase);
  const admin = await adminClient(url, 'postgres');
  try {
    const planTemplates = (await existingPlanTemplates(admin, own.planTemplatesOf)).filter((name) => !own.keep.has(name));
    // Plan templates first: they are clones of the schema template.
    const ours = [...planTemplates, ...(own.schema ? [own.schema] : [])];
    if (ours.length === 0) return;
    // This run built them, so this run removes them (a console that needs one again
    // rebuilds it) — unless another console is connected meanwhile and may be cloning them.
    const others = await admin.query(
      "SELECT 1 FROM pg_stat_activity WHERE application_name = 'tenant-console' AND pid <> pg_backend_pid()",
    );
    for (const name of ours) {
      const template = pg.escapeIdentifier(name);
      const stillThere = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (stillThere.rowCount && others.rowCount) {
        log(`  kept ${name}: other Tenant Console sessions are connected to ${url} and may use it`);
      } else if (stillThere.rowCount) {
        await admin.query(`ALTER DATABASE ${template} WITH IS_TEMPLATE false`);
        await admin.query(`DROP DATABASE IF EXISTS ${template}`);
      }
    }
  } finally {
    await admin.end();
  }
}
