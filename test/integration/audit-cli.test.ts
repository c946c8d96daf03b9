import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { cacheFileIn } from '../../src-main/cache/open-cache';
import { runTenantctl } from '../support/cli';
import { runCliInProcess } from '../support/run-cli';
import { uniqueTenantInput } from '../support/core-calls';
import { dropTestPlatform, embeddedTarget, openTestCore, uniquePlatformDatabase, operatorEnv } from '../support/servers';

describe('tenantctl audit', () => {
  let core: ConsoleCore;
  let operator: Record<string, string> = {};
  let url: string;
  let dataDir: string;
  const platformDatabase = uniquePlatformDatabase('auditcli');
  const env = () => ({ TENANT_CONSOLE_DATABASE_URL: url, TENANT_CONSOLE_PLATFORM_DATABASE: platformDatabase, TENANT_CONSOLE_DATA_DIR: dataDir, ...operator });
  const tenantctl = (...args: string[]) => runCliInProcess(args, env());
  // The audit group's smoke run through the real bin.
  const spawned = (...args: string[]) => runTenantctl(args, env());

  beforeAll(async () => {
    url = embeddedTarget().url;
    dataDir = await mkdtemp(join(tmpdir(), 'tc-audit-cli-'));
    core = await openTestCore(url, platformDatabase);
    operator = await operatorEnv(core);
  });
  afterAll(async () => {
    await core?.close();
    await dropTestPlatform(url, platformDatabase);
    await rm(dataDir, { recursive: true, force: true });
  });

  it("audits the CLI's own mutating commands and lists them, locally and fleet-wide", async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    expect((await tenantctl('settings', '--retention-days', '40')).code).toBe(0);
    const refused = await tenantctl('create', '--company', 'Audit CLI', '--subdomain', 'x', '--plan', 'starter', '--email', 'a@example.com');
    expect(refused.code).toBe(2);
    const input = uniqueTenantInput('starter', 'Audit CLI');
    const created = await tenantctl('create', '--company', input.companyName, '--subdomain', input.subdomain, '--plan', 'starter', '--email', input.adminEmail, '--json');
    expect(created.code, created.stderr).toBe(0);
    const code = (JSON.parse(created.stdout) as { tenant_code: string }).tenant_code;

    const local = await tenantctl('audit', 'list', '--source', 'local', '--since', since, '--json');
    expect(local.code, local.stderr).toBe(0);
    const rows = JSON.parse(local.stdout) as { action: string; outcome: string; tenant: string | null; os_user: string }[];
    expect(rows.map((row) => [row.action, row.outcome, row.tenant])).toEqual([
      ['tenants:create', 'ok', code],
      ['tenants:create', 'VALIDATION', null],
      ['settings:update', 'ok', null],
    ]);
    expect(local.stdout).not.toContain('"password"');

    // Each CLI command drains its outbox before exiting: the fleet view already has them.
    const fleet = await tenantctl('audit', 'list', '--tenant', code.toLowerCase(), '--json');
    expect(fleet.code, fleet.stderr).toBe(0);
    expect(JSON.parse(fleet.stdout)).toEqual([expect.objectContaining({ action: 'tenants:create', tenant: code, outcome: 'ok' })]);

    const text = await tenantctl('audit', 'list', '--source', 'local');
    expect(text.stdout).toMatch(/TIME\s+ACTION\s+TENANT\s+OUTCOME/);
    expect(text.stdout).toContain('settings:update');

    const bad = await tenantctl('audit', 'list', '--since', 'yesterday');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/ISO date/);
  });

  it('verifies the chain (exit 0), then finds and names an edited event (exit 9)', async () => {
    const ok = await spawned('audit', 'verify', '--json');
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ local: { ok: true, breaks: [] }, platform: { ok: true } });

    const db = new Database(cacheFileIn(dataDir));
    db.prepare("UPDATE audit_events SET details = '{}' WHERE seq = 1").run();
    db.close();

    const broken = await tenantctl('audit', 'verify');
    expect(broken.code).toBe(9);
    expect(broken.stdout).toMatch(/Local log: BROKEN/);
    expect(broken.stdout).toMatch(/edited\s+seq 1 /);
    const json = await tenantctl('audit', 'verify', '--json');
    expect(json.code).toBe(9);
    expect(JSON.parse(json.stdout).local.breaks).toEqual([expect.objectContaining({ kind: 'edited', seq: 1 })]);
  });
});
