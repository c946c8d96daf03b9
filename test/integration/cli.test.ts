import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTenantctl } from '../support/cli';
import { runCliInProcess } from '../support/run-cli';
import { dropTestPlatform, embeddedTarget, uniquePlatformDatabase } from '../support/servers';
import { connectAsTenant } from '../support/tenant-clients';

describe('tenantctl', () => {
  let url: string;
  let dataDir: string;
  const platformDatabase = uniquePlatformDatabase('cli');
  const env = () => ({ TENANT_CONSOLE_DATABASE_URL: url, TENANT_CONSOLE_PLATFORM_DATABASE: platformDatabase, TENANT_CONSOLE_DATA_DIR: dataDir });
  const tenantctl = (...args: string[]) => runCliInProcess(args, env());
  // The tenant and settings command groups' smoke runs: the real bin, bundle and process.
  const spawned = (...args: string[]) => runTenantctl(args, env());

  beforeAll(async () => {
    url = embeddedTarget().url;
    dataDir = await mkdtemp(join(tmpdir(), 'tc-cli-'));
  });
  afterAll(async () => {
    await dropTestPlatform(url, platformDatabase);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates, shows, lists, suspends, activates and cancels with --json', async () => {
    const create = await spawned('create', '--company', 'Cli Works Ltd', '--subdomain', 'cli-works', '--plan', 'professional', '--email', 'ops@cli-works.example', '--json');
    expect(create.code, create.stderr).toBe(0);
    const created = JSON.parse(create.stdout);
    expect(created).toMatchObject({
      tenant_code: 'CLIW001',
      database_name: 'tenant_cliw001',
      db_role: 'tenant_cliw001_app',
      status: 'active',
      plan: 'professional',
      credentials: { database: 'tenant_cliw001', user: 'tenant_cliw001_app', port: expect.any(Number), host: expect.any(String) },
    });
    expect(created.credentials.password).toMatch(/^[A-Za-z2-9]{32}$/);
    // The credentials printed are the ones that work.
    const erp = await connectAsTenant(created.credentials);
    await erp.end();

    const show = JSON.parse((await tenantctl('show', 'cli-works', '--json')).stdout);
    expect(show).toMatchObject({ tenant_code: 'CLIW001', limits: { companies: 3, users_per_company: 20, transactions_per_month: 10000 } });
    expect(JSON.stringify(show)).not.toContain(created.credentials.password);

    const list = JSON.parse((await tenantctl('list', '--plan', 'professional', '--json')).stdout);
    expect(list).toMatchObject({ total: 1, tenants: [{ tenant_code: 'CLIW001', subdomain: 'cli-works' }] });

    const suspended = JSON.parse((await tenantctl('suspend', 'CLIW001', '--reason', 'Unpaid invoice', '--json')).stdout);
    expect(suspended).toMatchObject({ status: 'suspended', status_reason: 'Unpaid invoice', version: 2 });
    expect(JSON.parse((await tenantctl('list', '--status', 'suspended', '--json')).stdout).total).toBe(1);

    const active = JSON.parse((await tenantctl('activate', 'CLIW001', '--json')).stdout);
    expect(active).toMatchObject({ status: 'active', version: 3 });

    // A lost password: a new one, shown once; the old one and its sessions stop working.
    const holder = await connectAsTenant(created.credentials);
    const reset = JSON.parse((await tenantctl('credentials', 'reset', 'CLIW001', '--json')).stdout);
    expect(reset).toMatchObject({ tenant_code: 'CLIW001', sessions_ended: 1, credentials: { database: 'tenant_cliw001', user: 'tenant_cliw001_app' } });
    expect(reset.credentials.password).not.toBe(created.credentials.password);
    await expect(holder.query('SELECT 1')).rejects.toThrow();
    await holder.end().catch(() => undefined);
    await expect(connectAsTenant(created.credentials)).rejects.toThrow(/password authentication failed/);
    await (await connectAsTenant(reset.credentials)).end();
    expect(JSON.stringify(JSON.parse((await tenantctl('history', 'CLIW001', '--json')).stdout))).not.toContain(reset.credentials.password);

    const cancelled = JSON.parse((await tenantctl('cancel', 'cli-works', '--reason', 'Moved away', '--json')).stdout);
    expect(cancelled).toMatchObject({ status: 'cancelled', status_reason: 'Moved away' });
    expect(cancelled.deletion_scheduled_at).not.toBeNull();

    const history = JSON.parse((await tenantctl('history', 'CLIW001', '--json')).stdout);
    expect(history.operations.map((op: { kind: string; state: string }) => `${op.kind}:${op.state}`)).toEqual([
      // Suspend and cancel back the tenant up first (verified): the backups are journaled too.
      'cancel:done', 'backup:done', 'activate:done', 'suspend:done', 'backup:done', 'provision:done',
    ]);

    const settings = JSON.parse(
      (await tenantctl('settings', '--base-domain', 'Example-ERP.net', '--retention-days', '45', '--warning-percent', '75', '--usage-interval-hours', '12', '--spare-databases', '3', '--session-idle-minutes', '20', '--json')).stdout,
    );
    expect(settings).toEqual({
      base_domain: 'example-erp.net',
      cancellation_retention_days: 45,
      limit_warning_percent: 75,
      usage_collection_interval_hours: 12,
      spare_databases_per_plan: 3,
      session_idle_minutes: 20,
      // Untouched here: the defaults (setting-definitions.ts).
      signup_requests_per_hour: 5,
      signup_invitation_days: 7,
      onboarding_stalled_days: 3,
    });
    expect(JSON.parse((await spawned('settings', '--json')).stdout)).toEqual(settings);

    const text = await tenantctl('show', 'CLIW001');
    expect(text.stdout).toContain('cancelled (Moved away)');
    expect(JSON.parse((await tenantctl('reconcile', '--json')).stdout)).toMatchObject({ examined: 0, failed: [] });
  });

  it('fails with one clear line and a meaningful exit code', async () => {
    const cases: { args: string[]; code: number; line: RegExp }[] = [
      { args: ['show', 'NOPE999'], code: 3, line: /^tenantctl: No tenant NOPE999\.$/ },
      { args: ['suspend', 'CLIW001'], code: 2, line: /required option '--reason <text>'/ },
      { args: ['create', '--company', 'X Corp', '--subdomain', 'www', '--plan', 'starter', '--email', 'a@b.co'], code: 2, line: /reserved/ },
      { args: ['create', '--company', 'Dup Corp', '--subdomain', 'cli-works', '--plan', 'starter', '--email', 'a@b.co'], code: 5, line: /already used/ },
      { args: ['activate', 'CLIW001'], code: 0, line: /^$/ },
      { args: ['activate', 'CLIW001'], code: 6, line: /Cannot activate a tenant that is active/ },
      { args: ['list', '--status', 'bogus'], code: 2, line: /Status must be one of/ },
      { args: ['frobnicate'], code: 2, line: /unknown command 'frobnicate'/ },
      { args: ['settings', '--base-domain', 'not a domain'], code: 2, line: /Base domain must be a domain name/ },
      { args: ['settings', '--retention-days', '0'], code: 2, line: /Retention must be 1–3650 days/ },
      { args: ['settings', '--warning-percent', '101'], code: 2, line: /warning threshold must be a whole number from 1 to 100/ },
      { args: ['history', 'NOPE999'], code: 3, line: /No tenant NOPE999/ },
    ];
    for (const { args, code, line } of cases) {
      const run = await tenantctl(...args);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(code);
      const lines = run.stderr.split('\n').filter(Boolean);
      expect(lines.length, `${args.join(' ')} prints at most one line on stderr`).toBeLessThanOrEqual(1);
      expect(lines[0] ?? '', args.join(' ')).toMatch(line);
    }
  });
});
