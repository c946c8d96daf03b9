import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { runTenantctl } from '../support/cli';
import { call, uniqueTenantInput } from '../support/core-calls';
import { leftoverRestoreDatabases, seedTenant, tableChecksums } from '../support/backup-fixtures';
import { dropTestPlatform, embeddedTarget, openTestCore, uniquePlatformDatabase, operatorEnv } from '../support/servers';
import { waitForKilledSessionsToEnd } from '../support/killed-sessions';
import { connectAsTenant } from '../support/tenant-clients';

describe('SIGKILL in the middle of a backup and of a restore', () => {
  let core: ConsoleCore;
  let operator: Record<string, string> = {};
  let url: string;
  let dataDir: string;
  let folder: string;
  const platformDatabase = uniquePlatformDatabase('backupcrash');
  const env = (step: string) => ({
    TENANT_CONSOLE_DATABASE_URL: url,
    TENANT_CONSOLE_PLATFORM_DATABASE: platformDatabase,
    TENANT_CONSOLE_DATA_DIR: dataDir, ...operator,
    TENANT_CONSOLE_CRASH_AFTER_STEP: step,
  });

  beforeAll(async () => {
    url = embeddedTarget().url;
    dataDir = await mkdtemp(join(tmpdir(), 'tc-backup-crash-'));
    folder = join(dataDir, 'elsewhere');
    core = await openTestCore(url, platformDatabase);
    operator = await operatorEnv(core);
    await call(core, 'backups:updateSettings', { directory: folder });
  });
  afterAll(async () => {
    await core?.close();
    await dropTestPlatform(url, platformDatabase);
    await rm(dataDir, { recursive: true, force: true });
  });

  // Scoped to this platform's journal: other files restore on the same server meanwhile.
  const stagingDatabases = () => leftoverRestoreDatabases(core.platform.pool, core.platform.primary.adminPool);
  const operation = async (code: string, kind: string) =>
    (await core.platform.pool.query<{ state: string; step: string }>('SELECT state, step FROM operations WHERE tenant_code = $1 AND kind = $2 ORDER BY started_at DESC LIMIT 1', [code, kind])).rows[0];

  it('a backup killed mid-stream leaves no file under a final name; reconcile removes the temporary file', async () => {
    const { tenant } = await call(core, 'tenants:create', uniqueTenantInput('enterprise', 'Crash Backup'));
    await seedTenant(url, tenant.databaseName, 20_000);
    const run = await runTenantctl(['backup', tenant.tenantCode, '--json'], env('backup_table_10'));
    expect(run.signal, run.stderr).toBe('SIGKILL');
    const files = await readdir(folder);
    expect(files.filter((name) => !name.endsWith('.partial'))).toEqual([]);
    expect(files.filter((name) => name.endsWith('.partial'))).toHaveLength(1);
    expect(await operation(tenant.tenantCode, 'backup')).toEqual({ state: 'running', step: 'backup_writing' });

    await waitForKilledSessionsToEnd(core.platform.pool);
    const report = await call(core, 'tenants:reconcile', {});
    expect(report.rolledBack).toEqual([expect.objectContaining({ kind: 'backup', tenantCode: tenant.tenantCode })]);
    expect(await readdir(folder)).toEqual([]);
    expect(await operation(tenant.tenantCode, 'backup')).toMatchObject({ state: 'rolled_back' });
    expect(await call(core, 'backups:list', { ref: tenant.tenantCode })).toEqual([]);
  });

  it('a restore killed while loading leaves no half database and no registry change', async () => {
    const { tenant } = await call(core, 'tenants:create', uniqueTenantInput('enterprise', 'Crash Restore'));
    await seedTenant(url, tenant.databaseName, 20_000);
    const backup = await call(core, 'backups:create', { ref: tenant.tenantCode });
    const tenantsBefore = (await call(core, 'tenants:list', {})).total;
    const subdomain = `${tenant.subdomain}-x`;
    const run = await runTenantctl(['restore', backup.location, '--as-new', subdomain, '--json'], env('restore_table_3'));
    expect(run.signal, run.stderr).toBe('SIGKILL');
    expect(await stagingDatabases()).toHaveLength(1);
    expect(await operation(tenant.tenantCode, 'restore')).toMatchObject({ state: 'running', step: 'restore_loading' });

    await waitForKilledSessionsToEnd(core.platform.pool);
    const report = await call(core, 'tenants:reconcile', {});
    expect(report.rolledBack).toEqual([expect.objectContaining({ kind: 'restore' })]);
    expect(await stagingDatabases()).toEqual([]);
    expect((await call(core, 'tenants:list', {})).total).toBe(tenantsBefore);
    expect(await operation(tenant.tenantCode, 'restore')).toMatchObject({ state: 'rolled_back' });
  });

  it('an in-place restore killed at the swap is rolled back: the tenant keeps its data and can log in', async () => {
    const { tenant, credentials } = await call(core, 'tenants:create', uniqueTenantInput('enterprise', 'Crash Swap'));
    await seedTenant(url, tenant.databaseName, 2_000);
    const backup = await call(core, 'backups:create', { ref: tenant.tenantCode });
    const erpBefore = await connectAsTenant(credentials);
    await erpBefore.query("INSERT INTO erp.companies (name) VALUES ('after the backup')");
    await erpBefore.end();
    const current = await tableChecksums(url, tenant.databaseName);

    const run = await runTenantctl(['restore', backup.location, '--in-place', '--json'], env('restore_swapping'));
    expect(run.signal, run.stderr).toBe('SIGKILL');
    await waitForKilledSessionsToEnd(core.platform.pool);
    const report = await call(core, 'tenants:reconcile', {});
    expect(report.failed).toEqual([]);
    expect(report.rolledBack).toEqual([expect.objectContaining({ kind: 'restore', tenantCode: tenant.tenantCode })]);
    expect(await stagingDatabases()).toEqual([]);
    expect(await tableChecksums(url, tenant.databaseName)).toEqual(current);
    const erp = await connectAsTenant(credentials);
    await erp.end();
  });
});
