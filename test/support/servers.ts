import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { openConsoleCore, type ConsoleCore } from '../../src-main/app/console-core';
import { createSilentLogger } from '../../src-main/logging/logger';
import { clientConfig, endpointFromUrl } from '../../src-main/postgres/server-endpoint';
import { adminClient, dropPlatformAndTenants } from './drop-platform';
import { createPlatformFromTemplate } from './platform-template';
import { fullTier, fullTierOnlyReason } from './tier';

import { EXTERNAL_URL } from './external-url';

export { EXTERNAL_URL };

export interface ServerTarget {
  readonly name: string;
  readonly url: string;
}

/** Is the external server (PostgreSQL 15 on 127.0.0.1:5432 here) reachable? Returns why not. */
export async function externalServerProblem(): Promise<string | null> {
  const client = new pg.Client({ ...clientConfig(endpointFromUrl(EXTERNAL_URL), 'postgres'), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ superuser: string }>("SELECT current_setting('is_superuser') AS superuser");
    if (rows[0]?.superuser !== 'on') return `${EXTERNAL_URL} is reachable but its user is not a superuser`;
    return null;
  } catch (error) {
    return `${EXTERNAL_URL} is not reachable (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function embeddedTarget(): ServerTarget {
  return { name: 'embedded PostgreSQL', url: inject('embeddedUrl') };
}

export function externalTarget(): ServerTarget {
  return { name: 'external PostgreSQL (127.0.0.1:5432)', url: EXTERNAL_URL };
}

export function uniquePlatformDatabase(label: string): string {
  return `tc_test_${label.replace(/[^a-z0-9]/g, '').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
}

/** A console core on `url` with its own platform database. */
export async function openTestCore(
  url: string,
  platformDatabase: string,
  options: { reconcileOnStart?: boolean; spareDatabases?: boolean } = {},
): Promise<ConsoleCore> {
  await createPlatformFromTemplate(url, platformDatabase);
  return openConsoleCore({
    platformDatabase,
    mode: 'cli',
    databaseUrl: url,
    dataDir: inject('embeddedDataDir'),
    // One cache (one console installation) per test platform: audit events stay with their platform.
    cacheFile: `${inject('embeddedDataDir')}/cache-${platformDatabase}.sqlite`,
    logger: createSilentLogger(),
    reconcileOnStart: options.reconcileOnStart ?? false,
    // Off, as for any CLI core, unless the test is about spares: building them behind every
    // test file's back would cost the whole run time and make provisioning's path vary.
    spareDatabases: options.spareDatabases ?? false,
  });
}

/**
 * TENANT_CONSOLE_OPERATOR and TENANT_CONSOLE_PASSWORD of the core's local admin operator (made
 * at its first run): a tenantctl run with another data folder signs in with them, as cron would.
 */
export async function operatorEnv(core: ConsoleCore): Promise<Record<string, string>> {
  const credentials = await core.sessions.localCredentials();
  if (!credentials) throw new Error('This core holds no local operator credentials.');
  return { TENANT_CONSOLE_OPERATOR: credentials.name, TENANT_CONSOLE_PASSWORD: credentials.password };
}

export { adminClient, withAdminClient } from './drop-platform';

/** Removes a test platform, its tenants' databases and roles from a shared server. */
export const dropTestPlatform = dropPlatformAndTenants;

/** Database and role names on the server that look like tenants' (for orphan counting). */
export async function tenantObjectsOnServer(url: string, code: string): Promise<{ databases: string[]; roles: string[] }> {
  const admin = await adminClient(url);
  try {
    const lower = code.toLowerCase();
    const databases = (await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname = $1', [`tenant_${lower}`])).rows.map((r) => r.datname);
    const roles = (await admin.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname = $1', [`tenant_${lower}_app`])).rows.map((r) => r.rolname);
    return { databases, roles };
  } finally {
    await admin.end();
  }
}

export interface ServerCase {
  readonly name: string;
  readonly target: () => ServerTarget;
  readonly skip: boolean;
}

/**
 * The servers a PostgreSQL-facing test runs on: the embedded one always; the external one in
 * the full tier, when reachable (else it says why it is skipped). The code path after the
 * connection is the same for both, so the fast tier proves it on the embedded server.
 */
export async function serverCases(what: string): Promise<ServerCase[]> {
  const problem = fullTier ? await externalServerProblem() : fullTierOnlyReason('the external server');
  if (problem) console.log(`[skip] ${what} on the external server: ${problem}`);
  return [
    { name: 'embedded PostgreSQL', target: embeddedTarget, skip: false },
    { name: `external PostgreSQL (${new URL(EXTERNAL_URL).host})`, target: externalTarget, skip: problem !== null },
  ];
}

export interface TestPlatform {
  readonly core: ConsoleCore;
  readonly url: string;
  readonly platformDatabase: string;
}

/** For the enclosing describe: a console with its own platform database on the case's server, removed afterwards. */
export function useTestPlatform(serverCase: ServerCase, label: string): TestPlatform {
  const platformDatabase = uniquePlatformDatabase(label);
  let core: ConsoleCore | undefined;
  let url = '';
  beforeAll(async () => {
    if (serverCase.skip) return;
    url = serverCase.target().url;
    core = await openTestCore(url, platformDatabase);
  });
  afterAll(async () => {
    if (serverCase.skip) return;
    await core?.close();
    await dropTestPlatform(url, platformDatabase);
  });
  return {
    get core() {
      if (!core) throw new Error('The test platform is not open (skipped server?).');
      return core;
    },
    get url() {
      return url;
    },
    platformDatabase,
  };
}
