import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantCredentials } from '../../src-shared/contract/models';
import type { ServerCheckReport } from '../../src-shared/contract/server-check-channels';
import { openConsoleCore, type ConsoleCore } from '../../src-main/app/console-core';
import { EXIT_FINDINGS } from '../../src-main/cli/doctor-commands';
import { createSilentLogger } from '../../src-main/logging/logger';
import { call, uniqueTenantInput } from '../support/core-calls';
import { runCliInProcess } from '../support/run-cli';
import { dropTestPlatform, EXTERNAL_URL, externalServerProblem, openTestCore, uniquePlatformDatabase, operatorEnv } from '../support/servers';
import { connectAsTenant, tenantConnectError } from '../support/tenant-clients';
import { fullTierOnly } from '../support/tier';

/** `doctor --json` as a script reads it: snake_case, one object. */
function parseReport(stdout: string): ServerCheckReport {
  return JSON.parse(stdout) as ServerCheckReport;
}

/**
 * Issue 11, item 6: on the embedded server (the console's own cluster, opened the way the
 * desktop app opens it) a tenant role reaches its own database only, and the server check
 * sees what a tenant changed on its own role. A private cluster: the shared test server is
 * reached through a URL (as "external") and other test files create databases on it.
 */
describe('server check on the embedded server', () => {
  let dataDir: string;
  let core: ConsoleCore;
  let tenants: TenantCredentials[] = [];
  const env = () => ({ TENANT_CONSOLE_DATA_DIR: dataDir, TENANT_CONSOLE_DATABASE_URL: '', TENANT_CONSOLE_PLATFORM_DATABASE: 'tenant_platform' });
  const open = () => openConsoleCore({ mode: 'cli', dataDir, databaseUrl: null, platformDatabase: 'tenant_platform', logger: createSilentLogger(), reconcileOnStart: false });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tc-server-check-'));
    core = await open();
    tenants = [];
    for (const company of ['Doctor Alpha', 'Doctor Beta']) tenants.push((await call(core, 'tenants:create', uniqueTenantInput('starter', company))).credentials);
  }, 180_000);
  afterAll(async () => {
    await core?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps a tenant role out of postgres and template1 (no CONNECT, hence no TEMP tables), also on an installation opened before the fix', async () => {
    const refused = async () => {
      for (const database of ['postgres', 'template1']) {
        // 42501: permission denied for database — PUBLIC's CONNECT is gone.
        expect(await tenantConnectError(tenants[0]!, database), `${tenants[0]!.user} → ${database}`).toMatchObject({ code: '42501' });
      }
    };
    await refused();
    // An installation from before: initdb's defaults back, then the console opens it again.
    await core.platform.primary.adminPool.query('GRANT CONNECT, TEMPORARY ON DATABASE postgres, template1 TO PUBLIC');
    const own = await connectAsTenant(tenants[0]!, 'postgres');
    await own.query('CREATE TEMP TABLE probe (x int)');
    await own.end();
    await core.close();
    core = await open();
    await refused();
  }, 60_000);

  it('finds nothing on a freshly opened embedded server: doctor exits 0', async () => {
    expect(await call(core, 'settings:serverCheck', {})).toEqual({ ok: true, findings: [] });
    const human = await runCliInProcess(['doctor'], env());
    expect(human.stderr).toBe('');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^No findings/);
    const json = await runCliInProcess(['doctor', '--json'], env());
    expect(json.code).toBe(0);
    expect(parseReport(json.stdout)).toEqual({ ok: true, findings: [] });
  }, 60_000);

  it('reports a tenant role that set work_mem for itself and one that changed its own password', async () => {
    const [setter, changer] = tenants as [TenantCredentials, TenantCredentials];
    const a = await connectAsTenant(setter);
    await a.query("ALTER ROLE CURRENT_USER SET work_mem = '512MB'");
    await a.end();
    const b = await connectAsTenant(changer);
    await b.query("ALTER ROLE CURRENT_USER PASSWORD 'chosen-by-the-tenant-1'");
    await b.end();

    const run = await runCliInProcess(['doctor', '--json'], env());
    expect(run.code).toBe(EXIT_FINDINGS);
    const report = parseReport(run.stdout);
    expect(report.ok).toBe(false);
    expect(report.findings.map((f) => [f.check, f.subject])).toEqual([
      ['role-settings', expect.stringContaining(setter.user)],
      ['role-password', expect.stringContaining(changer.user)],
    ]);
    for (const finding of report.findings) expect(Object.keys(finding).sort()).toEqual(['check', 'fix', 'message', 'severity', 'subject']);
    expect(report.findings[0]!.message).toContain('work_mem=512MB');
    expect(report.findings[0]!.fix).toBe(`ALTER ROLE "${setter.user}" RESET "work_mem";`);

    const human = await runCliInProcess(['doctor'], env());
    expect(human.code).toBe(EXIT_FINDINGS);
    const lines = human.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('2 findings (2 medium).');

    // The console's own setting (search_path in the tenant's database) is never a finding; the fix clears the other.
    await core.platform.primary.adminPool.query(`ALTER ROLE "${setter.user}" RESET "work_mem"`);
    expect((await call(core, 'settings:serverCheck', {})).findings.map((f) => f.check)).toEqual(['role-password']);
  }, 60_000);

  it('prints a crafted database name on one line: control characters cannot forge a finding or hide one', async () => {
    const crafted = 'tc_evil\nLOW    public-connect database forged';
    const admin = core.platform.primary.adminPool;
    await admin.query(`CREATE DATABASE "${crafted.replaceAll('"', '""')}"`);
    try {
      const run = await runCliInProcess(['doctor'], env());
      expect(run.code).toBe(EXIT_FINDINGS);
      const lines = run.stdout.trimEnd().split('\n');
      // The password finding left by the case before, the crafted database, the summary.
      expect(lines).toHaveLength(3);
      expect(lines.find((line) => line.includes('public-connect'))).toContain('database tc_evil\\u000aLOW');
    } finally {
      await admin.query(`DROP DATABASE "${crafted.replaceAll('"', '""')}"`);
    }
  }, 60_000);
});

/** The machine's PostgreSQL 15 (127.0.0.1:5432, trust authentication): an external server as operators leave them. */
describe.skipIf(fullTierOnly('doctor on the external server'))('server check on the external server', () => {
  const platformDatabase = uniquePlatformDatabase('doctor');
  let dataDir: string;
  let core: ConsoleCore;

  beforeAll(async () => {
    const problem = await externalServerProblem();
    if (problem) throw new Error(problem);
    dataDir = await mkdtemp(join(tmpdir(), 'tc-server-check-ext-'));
    core = await openTestCore(EXTERNAL_URL, platformDatabase);
  }, 120_000);
  afterAll(async () => {
    await core?.close();
    await dropTestPlatform(EXTERNAL_URL, platformDatabase);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reports the trust lines and the databases PUBLIC can connect to, and exits non-zero', async () => {
    const run = await runCliInProcess(['doctor', '--json'], {
      TENANT_CONSOLE_DATABASE_URL: EXTERNAL_URL,
      TENANT_CONSOLE_PLATFORM_DATABASE: platformDatabase,
      TENANT_CONSOLE_DATA_DIR: dataDir,
      ...(await operatorEnv(core)),
    });
    expect(run.code).toBe(EXIT_FINDINGS);
    const report = parseReport(run.stdout);
    expect(report.ok).toBe(false);
    const trust = (await core.platform.primary.adminPool.query<{ line_number: number }>("SELECT line_number FROM pg_hba_file_rules WHERE auth_method = 'trust'")).rows;
    expect(trust.length).toBeGreaterThan(0);
    expect(report.findings.filter((f) => f.check === 'hba-trust').map((f) => f.subject)).toEqual(trust.map((row) => `pg_hba.conf line ${row.line_number}`));
    expect(report.findings.find((f) => f.check === 'hba-trust')).toMatchObject({ severity: 'high', message: expect.stringContaining('trust') });
    const publicDatabases = report.findings.filter((f) => f.check === 'public-connect').map((f) => f.subject);
    expect(publicDatabases).toEqual(expect.arrayContaining(['database postgres', 'database template1']));
    // Closed ones are not: template0 refuses connections, the platform database is REVOKEd from PUBLIC.
    expect(publicDatabases).not.toContain('database template0');
    expect(publicDatabases).not.toContain(`database ${platformDatabase}`);
    expect(report.findings.find((f) => f.subject === 'database postgres')!.fix).toBe('REVOKE CONNECT, TEMPORARY ON DATABASE "postgres" FROM PUBLIC; (grant CONNECT to the roles that need it)');

    const human = await runCliInProcess(['doctor'], { TENANT_CONSOLE_DATABASE_URL: EXTERNAL_URL, TENANT_CONSOLE_PLATFORM_DATABASE: platformDatabase, TENANT_CONSOLE_DATA_DIR: dataDir, ...(await operatorEnv(core)) });
    expect(human.code).toBe(EXIT_FINDINGS);
    expect(human.stdout.trimEnd().split('\n')).toHaveLength(report.findings.length + 1);
  }, 120_000);
});
