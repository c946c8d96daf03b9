import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { REPO_ROOT, runTenantctl } from '../support/cli';
import { runCliInProcess } from '../support/run-cli';
import { call, uniqueTenantInput } from '../support/core-calls';
import { dropTestPlatform, embeddedTarget, openTestCore, uniquePlatformDatabase, operatorEnv } from '../support/servers';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture';

/** `tenantctl jobs …` and `tenantctl billing …` as cron or an operator runs them (in process; spawned where the process matters). */
describe('tenantctl jobs and billing commands', () => {
  const platformDatabase = uniquePlatformDatabase('billingcli');
  let url: string;
  let dataDir: string;
  let core: ConsoleCore;
  let operator: Record<string, string> = {};
  let smtp: SmtpCapture;
  const cliEnv = (env: NodeJS.ProcessEnv) => ({ TENANT_CONSOLE_DATABASE_URL: url, TENANT_CONSOLE_PLATFORM_DATABASE: platformDatabase, TENANT_CONSOLE_DATA_DIR: dataDir, ...operator, ...env });
  const tenantctl = (args: string[], env: NodeJS.ProcessEnv = {}) => runCliInProcess(args, cliEnv(env));
  const json = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const result = await tenantctl([...args, '--json'], env);
    expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(0);
    return JSON.parse(result.stdout);
  };

  beforeAll(async () => {
    url = embeddedTarget().url;
    dataDir = await mkdtemp(join(tmpdir(), 'tc-billing-cli-'));
    core = await openTestCore(url, platformDatabase);
    operator = await operatorEnv(core);
    smtp = await startSmtpCapture();
  });
  afterAll(async () => {
    await core?.close();
    await smtp?.close();
    await dropTestPlatform(url, platformDatabase);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('billing settings sets SMTP (merged field by field) and reports secrets only as set / not set', async () => {
    const settings = await json(['billing', 'settings', '--smtp-host', '127.0.0.1', '--smtp-port', String(smtp.port), '--smtp-from', 'Billing <billing@yourerp.test>', '--grace-days', '10']);
    expect(settings).toMatchObject({ grace_period_days: 10, smtp: { host: '127.0.0.1', port: smtp.port, secure: false, username: null }, smtp_password_set: false });
    const again = await json(['billing', 'settings', '--smtp-port', String(smtp.port)]);
    expect(again.smtp.from).toBe('Billing <billing@yourerp.test>');
    const bad = await tenantctl(['billing', 'settings', '--grace-days', '-1']);
    expect(bad.code).toBe(2);
  });

  it('billing settings reads the SMTP password from standard input only, and never prints it', async () => {
    const password = 'Sup3r-secret-smtp-pass';
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/tenantctl.js'), 'billing', 'settings', '--smtp-user', 'mailer', '--smtp-password-stdin', '--json'], {
      cwd: REPO_ROOT,
      env: { ...process.env, TENANT_CONSOLE_DATABASE_URL: url, TENANT_CONSOLE_PLATFORM_DATABASE: platformDatabase, TENANT_CONSOLE_DATA_DIR: dataDir, ...operator },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stdin.end(`${password}\n`);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ smtp_password_set: true, smtp: { username: 'mailer' } });
    expect(stdout).not.toContain(password);
    const settings = await call(core, 'billing:settings', {});
    expect(JSON.stringify(settings)).not.toContain(password);
    // Back to the loopback server's settings (no authentication) for the runs below.
    await call(core, 'billing:updateSettings', { smtp: { ...settings.smtp, username: null }, smtpPassword: null });
  });

  it('jobs run --json with TENANT_CONSOLE_NOW: the pinned clock, the trial handled, audited; jobs runs lists it', async () => {
    const tenant = (await call(core, 'tenants:create', uniqueTenantInput('trial', 'Cron Trial'))).tenant;
    // Provisioning sets the trial end from the database's clock: pin the run's clock past it.
    const { rows } = await core.platform.pool.query<{ trial_ends_at: Date }>('SELECT trial_ends_at FROM tenants WHERE id = $1', [tenant.id]);
    const now = new Date(rows[0]!.trial_ends_at.getTime() + 3_600_000).toISOString();

    const report = await json(['jobs', 'run'], { TENANT_CONSOLE_NOW: now });
    expect(report).toMatchObject({ ran: true, clock_at: now });
    expect(['ok', 'partial']).toContain(report.outcome);
    expect(report.actions).toEqual(expect.arrayContaining([{ kind: 'grace_started', tenant_code: tenant.tenantCode, detail: expect.stringContaining('trial ended') }]));
    expect(report.counts.grace_started).toBe(1);
    expect(smtp.messages.some((m) => /Your trial has ended/.test(m.subject))).toBe(true);

    const second = await json(['jobs', 'run'], { TENANT_CONSOLE_NOW: now });
    expect(second.actions).toEqual([]);

    // The jobs group's smoke run through the real bin, the way cron runs it (billing's is the stdin one above).
    const text = await runTenantctl(['jobs', 'run'], cliEnv({ TENANT_CONSOLE_NOW: now }));
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Billing jobs: (ok|partial) — 0 actions/);

    const runs = await json(['jobs', 'runs', '--limit', '3']);
    expect(runs).toHaveLength(3);
    expect(runs[0]).toMatchObject({ trigger: 'cli', clock_at: now, action_count: 0 });
    expect(runs[2].action_count).toBe(2); // grace started + its notice (14 days after creation: too late for a welcome)

    const shown = await json(['billing', 'show', tenant.tenantCode]);
    expect(shown).toMatchObject({ tenant_code: tenant.tenantCode, state: 'trialing', grace: { reason: 'trial_ended' } });

    const notices = await json(['billing', 'notices', '--tenant', tenant.tenantCode]);
    expect(notices.map((n: { kind: string }) => n.kind).sort()).toEqual(['trial_ended', 'welcome']); // the welcome went out at create
    const audit = await call(core, 'audit:list', { source: 'fleet', action: 'billing:runJobs' });
    expect(audit.rows.length).toBeGreaterThanOrEqual(3);
  });

  it('jobs run reports "locked" and exits 0 while another runner holds the lock', async () => {
    const holder = await core.platform.pool.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1, $2)', [0x7c01, 12]);
      const result = await tenantctl(['jobs', 'run']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/locked/);
      const report = await json(['jobs', 'run']);
      expect(report).toMatchObject({ ran: false, outcome: 'locked', run_id: null });
    } finally {
      await holder.query('SELECT pg_advisory_unlock($1, $2)', [0x7c01, 12]);
      holder.release();
    }
  });
});
