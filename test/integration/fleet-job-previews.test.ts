import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSnakeCase } from '../../src-main/cli/output';
import { call, callError, uniqueTenantInput } from '../support/core-calls';
import { callAs, signedInOperators } from '../support/operator-world';
import { runCliInProcess } from '../support/run-cli';
import { embeddedTarget, operatorEnv, tenantObjectsOnServer, useTestPlatform } from '../support/servers';

/**
 * Prune and scheduled deletions are previewed before they run (the confirm dialogs,
 * `tenantctl prune|delete-due --dry-run`): the preview is the run's own decision, and a run
 * given what the operator confirmed does only that, whatever changed in between.
 */
describe('previews of prune and scheduled deletions', () => {
  const platform = useTestPlatform({ name: 'embedded PostgreSQL', target: embeddedTarget, skip: false }, 'fleetpreview');
  let folder: string;
  let dataDir: string;
  const tenantctl = async (...args: string[]) =>
    runCliInProcess(args, { TENANT_CONSOLE_DATABASE_URL: platform.url, TENANT_CONSOLE_PLATFORM_DATABASE: platform.platformDatabase, TENANT_CONSOLE_DATA_DIR: dataDir, ...(await operatorEnv(platform.core)) });
  const backupIds = async () => (await platform.core.platform.pool.query<{ id: string }>('SELECT id FROM backups ORDER BY id')).rows.map((row) => row.id);

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tc-fleet-preview-'));
    dataDir = await mkdtemp(join(tmpdir(), 'tc-fleet-preview-data-'));
    await call(platform.core, 'backups:updateSettings', { directory: folder, keepLast: 1 });
  });
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('prune: the preview lists exactly what the run removes, with sizes and the total; the run removes only what was confirmed', async () => {
    const core = platform.core;
    const { tenant } = await call(core, 'tenants:create', uniqueTenantInput('starter', 'Prune Preview'));
    const made = [];
    for (let i = 0; i < 3; i += 1) made.push(await call(core, 'backups:create', { ref: tenant.tenantCode }));

    const preview = await call(core, 'backups:prunePreview', {});
    expect(preview.keepLast).toBe(1);
    expect(preview.backups.map((backup) => backup.id).sort()).toEqual([made[0]!.id, made[1]!.id].sort());
    for (const listed of preview.backups) {
      expect(listed).toMatchObject({ tenantCode: tenant.tenantCode, kind: 'manual' });
      expect(listed.sizeBytes).toBe((await stat(listed.location)).size);
    }
    expect(preview.totalBytes).toBe(made[0]!.sizeBytes + made[1]!.sizeBytes);
    expect(preview.kept).toBe((await backupIds()).length - 2);
    // Previewing changed nothing, and the CLI's dry run prints the same preview.
    expect(await backupIds()).toContain(made[0]!.id);
    const before = await backupIds();
    const dry = await tenantctl('prune', '--dry-run', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual(toSnakeCase(preview));
    const text = await tenantctl('prune', '--dry-run');
    expect(text.stdout).toContain(`Would remove 2 backups`);
    expect(text.stdout).toContain(made[0]!.location);
    expect(await backupIds()).toEqual(before);

    // Between preview and run a new backup makes made[2] prunable too: it was not shown, so it stays.
    const newest = await call(core, 'backups:create', { ref: tenant.tenantCode });
    const report = await call(core, 'backups:prune', { backupIds: preview.backups.map((backup) => backup.id) });
    expect(report.removed.map((entry) => entry.id).sort()).toEqual(preview.backups.map((backup) => backup.id).sort());
    expect(report.skipped).toEqual([]);
    for (const listed of preview.backups) expect(existsSync(listed.location)).toBe(false);
    expect(existsSync(made[2]!.location)).toBe(true);
    expect(existsSync(newest.location)).toBe(true);

    // The next preview shows it; a confirmed backup no longer due (retention raised) is skipped, file and row kept.
    const next = await call(core, 'backups:prunePreview', {});
    expect(next.backups.map((backup) => backup.id)).toEqual([made[2]!.id]);
    await call(core, 'backups:updateSettings', { keepLast: 10 });
    const refused = await call(core, 'backups:prune', { backupIds: [made[2]!.id] });
    expect(refused).toMatchObject({ removed: [], skipped: [made[2]!.id] });
    expect(existsSync(made[2]!.location)).toBe(true);
    expect(await backupIds()).toContain(made[2]!.id);
    await call(core, 'backups:updateSettings', { keepLast: 1 });

    // Without a confirmed list (the scheduler, cron): exactly what the preview said.
    const unattendedPreview = await call(core, 'backups:prunePreview', {});
    const unattended = await call(core, 'backups:prune', {});
    expect(unattended.removed.map((entry) => entry.id).sort()).toEqual(unattendedPreview.backups.map((backup) => backup.id).sort());
    expect(unattended.kept).toBe(unattendedPreview.kept);

    // Nothing due: an empty preview, and the dry run says so.
    expect((await call(core, 'backups:prunePreview', {})).backups).toEqual([]);
    expect((await tenantctl('prune', '--dry-run')).stdout).toMatch(/^Nothing to prune/);
    // Not a uuid: refused before anything is read.
    expect((await callError(core, 'backups:prune', { backupIds: ["x' OR true --"] })).code).toBe('VALIDATION');
  });

  it('scheduled deletions: the preview lists the due tenants and databases; the run deletes only those confirmed and still due', async () => {
    const core = platform.core;
    const create = async (company: string) => (await call(core, 'tenants:create', uniqueTenantInput('starter', company))).tenant;
    const [first, reactivated, later] = [await create('Due Preview One'), await create('Due Preview Two'), await create('Due Preview Later')];
    const cancelled = [];
    for (const tenant of [first, reactivated, later]) cancelled.push(await call(core, 'tenants:cancel', { ref: tenant.tenantCode, expectedVersion: tenant.version, backupFirst: false }));
    const makeDue = (code: string) => core.platform.pool.query(`UPDATE tenants SET deletion_scheduled_at = now() - interval '1 day' WHERE tenant_code = $1`, [code]);
    await makeDue(first.tenantCode);
    await makeDue(reactivated.tenantCode);

    const preview = await call(core, 'tenants:scheduledDeletionsPreview', {});
    expect(preview.tenants.map((tenant) => tenant.tenantCode).sort()).toEqual([first.tenantCode, reactivated.tenantCode].sort());
    expect(preview.tenants.find((tenant) => tenant.tenantCode === first.tenantCode)).toMatchObject({
      companyName: first.companyName,
      databaseName: first.databaseName,
      serverName: expect.any(String),
      deletionScheduledAt: expect.any(String),
    });
    const dry = await tenantctl('delete-due', '--dry-run', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual(toSnakeCase(preview));
    expect((await tenantctl('delete-due', '--dry-run')).stdout).toContain(first.databaseName);
    expect((await call(core, 'tenants:get', { ref: first.tenantCode })).status).toBe('cancelled');

    // Between preview and run: one is reactivated, another falls due.
    await call(core, 'tenants:activate', { ref: reactivated.tenantCode, expectedVersion: cancelled[1]!.version });
    await makeDue(later.tenantCode);
    const report = await call(core, 'tenants:runScheduledDeletions', { tenantCodes: preview.tenants.map((tenant) => tenant.tenantCode) });
    expect(report.deleted.map((entry) => entry.tenantCode)).toEqual([first.tenantCode]);
    expect(report.skipped).toEqual([reactivated.tenantCode]);
    expect(report.failed).toEqual([]);
    expect(await tenantObjectsOnServer(platform.url, first.tenantCode)).toEqual({ databases: [], roles: [] });
    expect((await call(core, 'tenants:get', { ref: reactivated.tenantCode })).status).toBe('active');
    expect((await call(core, 'tenants:get', { ref: later.tenantCode })).status).toBe('cancelled');

    // The one not shown waits for its own preview; run unattended, the run deletes what the preview lists.
    const next = await call(core, 'tenants:scheduledDeletionsPreview', {});
    expect(next.tenants.map((tenant) => tenant.tenantCode)).toEqual([later.tenantCode]);
    const unattended = await call(core, 'tenants:runScheduledDeletions', {});
    expect(unattended.deleted.map((entry) => entry.tenantCode)).toEqual([later.tenantCode]);
    expect((await call(core, 'tenants:scheduledDeletionsPreview', {})).tenants).toEqual([]);
    expect((await tenantctl('delete-due', '--dry-run')).stdout).toMatch(/^Nothing to delete/);
  });

  it('the previews are the admin action’s first step: viewer, support and billing are refused, as for the run', async () => {
    const operators = await signedInOperators(platform.core, 'fp');
    for (const role of ['viewer', 'support', 'billing'] as const) {
      for (const [channel, action] of [
        ['backups:prunePreview', 'preview backup pruning'],
        ['tenants:scheduledDeletionsPreview', 'preview scheduled deletions'],
      ] as const) {
        const result = await callAs(platform.core, operators[role], channel, {});
        expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'FORBIDDEN', message: `permission denied: ${role} may not ${action}` }) });
      }
    }
    expect(await callAs(platform.core, operators.admin, 'backups:prunePreview', {})).toMatchObject({ ok: true, value: { keepLast: 1 } });
    expect(await callAs(platform.core, operators.admin, 'tenants:scheduledDeletionsPreview', {})).toMatchObject({ ok: true, value: { tenants: [] } });
  });
});
