import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { runTenantctl } from '../support/cli';
import { runCliInProcess } from '../support/run-cli';
import { call, uniqueTenantInput } from '../support/core-calls';
import { seedTenant } from '../support/backup-fixtures';
import { dropTestPlatform, embeddedTarget, openTestCore, uniquePlatformDatabase, operatorEnv } from '../support/servers';
import { readZip } from '../support/read-zip';

const run = promisify(execFile);

describe('tenantctl backup commands', () => {
  let core: ConsoleCore;
  let operator: Record<string, string> = {};
  let url: string;
  let dataDir: string;
  const platformDatabase = uniquePlatformDatabase('backupcli');
  const env = () => ({ TENANT_CONSOLE_DATABASE_URL: url, TENANT_CONSOLE_PLATFORM_DATABASE: platformDatabase, TENANT_CONSOLE_DATA_DIR: dataDir, ...operator });
  const tenantctl = (...args: string[]) => runCliInProcess(args, env());
  const json = async (...args: string[]) => {
    const result = await tenantctl(...args, '--json');
    expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(0);
    // --json output is pure JSON; no progress line lands on a non-terminal stderr.
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout);
  };

  beforeAll(async () => {
    url = embeddedTarget().url;
    dataDir = await mkdtemp(join(tmpdir(), 'tc-backup-cli-'));
    core = await openTestCore(url, platformDatabase);
    operator = await operatorEnv(core);
  });
  afterAll(async () => {
    await core?.close();
    await dropTestPlatform(url, platformDatabase);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('backs up, lists, verifies, exports, restores, deletes and prunes with --json', async () => {
    const { tenant } = await call(core, 'tenants:create', uniqueTenantInput('enterprise', 'Cli Backup'));
    await seedTenant(url, tenant.databaseName, 3_000);

    const backup = await json('backup', tenant.tenantCode);
    expect(backup).toMatchObject({ tenant_code: tenant.tenantCode, kind: 'manual', format: 'tc-archive', verified_at: expect.any(String) });
    expect(backup.location.startsWith(join(dataDir, 'backups'))).toBe(true);

    // The backup group's smoke run through the real bin.
    const listed = await runTenantctl(['backups', tenant.tenantCode, '--json'], env());
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ backups: [{ id: backup.id, tenant_code: tenant.tenantCode }] });
    // Signed with this installation's key (backup_hmac_key in its secret store).
    expect(await json('verify-backup', backup.location)).toMatchObject({ ok: true, tenant_code: tenant.tenantCode, rows: backup.row_count, signature: 'signed' });

    const zip = join(dataDir, 'export.zip');
    const exported = await json('export', tenant.tenantCode, '--out', zip);
    expect(exported).toMatchObject({ file: zip, tables: backup.table_count, rows: backup.row_count });
    const entries = await readZip(zip);
    expect([...entries.keys()]).toEqual(expect.arrayContaining(['erp.transactions.csv', 'erp.type_zoo.csv', 'manifest.json', 'README.txt']));
    const csv = entries.get('erp.transactions.csv')!.toString('utf8');
    expect(csv.split('\n')[0]).toMatch(/^id,company_id,user_id,amount,currency,description,occurred_at,created_at/);
    expect(JSON.parse(entries.get('manifest.json')!.toString()).tables).toContainEqual(expect.objectContaining({ table: 'erp.transactions', rows: 3_000 }));
    const unzip = await run('unzip', ['-t', zip]).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : Promise.reject(error)));
    if (unzip) expect(unzip.stdout).toMatch(/No errors detected/);
    else console.log('[note] unzip is not installed: the zip was checked with yauzl only');
    expect((await readFile(zip)).subarray(0, 2).toString()).toBe('PK');

    const restored = await json('restore', backup.location, '--as-new', `${tenant.subdomain}-cli`, '--company-name', 'Sandbox Copy Ltd');
    expect(restored).toMatchObject({ mode: 'as-new', rows: backup.row_count, credentials: { user: expect.stringMatching(/^tenant_/) } });
    expect(await json('show', `${tenant.subdomain}-cli`)).toMatchObject({ company_name: 'Sandbox Copy Ltd', status: 'active' });
    expect((await tenantctl('restore', backup.location, '--in-place', '--company-name', 'X')).code).toBe(2);

    const bad = await tenantctl('restore', backup.location, '--json');
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).error.code).toBe('VALIDATION');

    const refused = await tenantctl('delete', tenant.tenantCode, '--json');
    expect(refused.code).toBe(6);
    const deleted = await json('delete', tenant.tenantCode, '--confirm', tenant.tenantCode);
    expect(deleted).toMatchObject({ tenant_code: tenant.tenantCode, forced: true, final_backup_id: expect.any(String) });

    expect(await json('prune')).toMatchObject({ removed: [], kept: expect.any(Number) });
  });
});
