import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { runTenantctl } from '../support/cli';
import { uniqueTenantInput } from '../support/core-calls';
import { dropTestPlatform, embeddedTarget, openTestCore, tenantObjectsOnServer, uniquePlatformDatabase, operatorEnv } from '../support/servers';

/**
 * Attack (issue 11, item 13): a cron wrapper's `timeout` (SIGTERM) or an operator's Ctrl-C
 * (SIGINT) arrives mid-provisioning. The command must stop the operation — not go on and
 * apply the change after its caller gave up — undo it, say so, and exit 143 / 130.
 * The signal is sent by the process to itself right after a journaled step
 * (TENANT_CONSOLE_SIGNAL_AFTER_STEP), so the moment is exact.
 */
describe('tenantctl stops its operation on SIGTERM and SIGINT', () => {
  let core: ConsoleCore;
  let operator: Record<string, string> = {};
  let url: string;
  let dataDir: string;
  const platformDatabase = uniquePlatformDatabase('interrupt');
  const env = () => ({ TENANT_CONSOLE_DATABASE_URL: url, TENANT_CONSOLE_PLATFORM_DATABASE: platformDatabase, TENANT_CONSOLE_DATA_DIR: dataDir, ...operator });

  beforeAll(async () => {
    url = embeddedTarget().url;
    dataDir = await mkdtemp(join(tmpdir(), 'tc-interrupt-'));
    core = await openTestCore(url, platformDatabase);
    operator = await operatorEnv(core);
  });
  afterAll(async () => {
    await core?.close();
    await dropTestPlatform(url, platformDatabase);
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each([
    { signal: 'SIGTERM', step: 'role_created', exit: 143, company: 'Term Co' },
    { signal: 'SIGINT', step: 'registered', exit: 130, company: 'Intr Co' },
  ])('$signal after $step: rolled back, nothing left, exit $exit', async ({ signal, step, exit, company }) => {
    // Distinct company prefixes: a rolled-back tenant's code is free again for the next.
    const input = uniqueTenantInput('starter', company);
    const run = await runTenantctl(
      ['create', '--company', input.companyName, '--subdomain', input.subdomain, '--plan', 'starter', '--email', input.adminEmail, '--json'],
      { ...env(), TENANT_CONSOLE_SIGNAL_AFTER_STEP: `${step}:${signal}` },
    );
    expect(run.code, run.stderr).toBe(exit);
    expect(run.stderr).toContain(`${signal} received: stopping.`);
    expect(run.stderr).toMatch(/the provisioning of \S+ was stopped and rolled back/);
    const code = /the provisioning of (\S+) was stopped/.exec(run.stderr)![1]!;

    // Nothing applied later: no registry row, no database, no role; the journal says rolled back.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { rows } = await core.platform.pool.query<{ state: string }>('SELECT state FROM operations WHERE tenant_code = $1', [code]);
    expect(rows).toEqual([{ state: 'rolled_back' }]);
    expect((await core.platform.pool.query('SELECT 1 FROM tenants WHERE tenant_code = $1', [code])).rowCount).toBe(0);
    expect(await tenantObjectsOnServer(url, code)).toEqual({ databases: [], roles: [] });
  });
});
