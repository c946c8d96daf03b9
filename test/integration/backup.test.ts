import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, callError, uniqueTenantInput } from '../support/core-calls';
import { serverCases, tenantObjectsOnServer, useTestPlatform } from '../support/servers';
import type pg from 'pg';
import { leftoverRestoreDatabases, seedTenant, tableChecksums, tenantAdminClient } from '../support/backup-fixtures';
import { connectAsTenant } from '../support/tenant-clients';
import { readArchiveEntries, writeArchiveEntries } from '../support/archive-repack';
import { tierScale } from '../support/tier';

// The 100,000 rows in the full tier; the fast tier takes the same path with fewer.
const ROUND_TRIP_TRANSACTIONS = tierScale(20_000, 100_000);

/** Restore databases of this platform's restores that still exist (see leftoverRestoreDatabases). */
const leftoverDatabases = (core: { platform: { pool: pg.Pool; primary: { adminPool: pg.Pool } } }) => leftoverRestoreDatabases(core.platform.pool, core.platform.primary.adminPool);

/** Re-packs an archive with the manifest (and its checksum) of another one. */
async function swapManifest(target: string, donor: string, out: string): Promise<void> {
  const theirs = await readArchiveEntries(donor);
  const mine = await readArchiveEntries(target);
  await writeArchiveEntries(
    out,
    mine.map((entry) => (entry.name.startsWith('manifest') ? { name: entry.name, body: theirs.find((other) => other.name === entry.name)!.body } : entry)),
  );
}

describe.each(await serverCases('backup round trip'))('backup and restore on $name', (serverCase) => {
  const platform = useTestPlatform(serverCase, 'backup');
  let folder: string;

  beforeAll(async () => {
    if (serverCase.skip) return;
    folder = await mkdtemp(join(tmpdir(), 'tc-backups-'));
    await call(platform.core, 'backups:updateSettings', { directory: folder });
  });
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it.skipIf(serverCase.skip)(`round-trips ${ROUND_TRIP_TRANSACTIONS.toLocaleString('en')}+ rows of every type through a verified backup into a new tenant`, async () => {
    const { tenant } = await call(platform.core, 'tenants:create', uniqueTenantInput('enterprise', 'Round Trip'));
    await seedTenant(platform.url, tenant.databaseName, ROUND_TRIP_TRANSACTIONS);
    const original = await tableChecksums(platform.url, tenant.databaseName);
    expect(original['erp.transactions']!.rows).toBe(ROUND_TRIP_TRANSACTIONS);
    expect(Object.values(original).reduce((sum, table) => sum + table.rows, 0)).toBeGreaterThan(ROUND_TRIP_TRANSACTIONS);

    const progress: { tablesDone?: number; bytesDone?: number }[] = [];
    const requestId = crypto.randomUUID();
    const off = platform.core.events.on('job:progress', (event) => {
      if (event.requestId === requestId) progress.push(event);
    });
    const backup = await call(platform.core, 'backups:create', { ref: tenant.tenantCode, requestId });
    off();
    expect(backup).toMatchObject({ tenantCode: tenant.tenantCode, kind: 'manual', format: 'tc-archive', verifiedAt: expect.any(String) });
    expect(backup.rowCount).toBe(Object.values(original).reduce((sum, table) => sum + table.rows, 0));
    expect(backup.tableCount).toBe(Object.keys(original).length);
    expect((await stat(backup.location)).size).toBe(backup.sizeBytes);
    expect(progress.at(-1)).toMatchObject({ tablesDone: backup.tableCount });
    expect(progress.some((event) => (event.bytesDone ?? 0) > 0)).toBe(true);
    // Nothing but the finished file in the folder.
    expect((await readdir(folder)).filter((name) => name.endsWith('.partial'))).toEqual([]);

    const listed = await call(platform.core, 'backups:list', { ref: tenant.tenantCode });
    expect(listed.map((entry) => entry.id)).toContain(backup.id);
    expect(await call(platform.core, 'backups:verify', { backupId: backup.id })).toMatchObject({ ok: true, problem: null, rows: backup.rowCount });

    const subdomain = `${tenant.subdomain}-copy`;
    const restored = await call(platform.core, 'backups:restore', { backupId: backup.id, mode: 'as-new', subdomain });
    expect(restored).toMatchObject({ mode: 'as-new', rows: backup.rowCount, safetyBackupId: null });
    expect(restored.tenantCode).not.toBe(tenant.tenantCode);
    const copy = await call(platform.core, 'tenants:get', { ref: subdomain });
    expect(copy).toMatchObject({ status: 'active', plan: 'enterprise', companyName: tenant.companyName });
    expect(await tableChecksums(platform.url, copy.databaseName)).toEqual(original);
    expect((await call(platform.core, 'tenants:limits', { ref: copy.tenantCode })).resources.every((entry) => entry.limit === null)).toBe(true);

    // The copy's role works, sees the restored rows, and its sequences continue after them.
    const erp = await connectAsTenant(restored.credentials!);
    try {
      expect((await erp.query('SELECT count(*)::int AS n FROM erp.transactions')).rows[0]).toEqual({ n: ROUND_TRIP_TRANSACTIONS });
      const { rows } = await erp.query<{ id: string }>("INSERT INTO erp.companies (name) VALUES ('After restore') RETURNING id");
      expect(Number(rows[0]!.id)).toBe(6);
      expect((await erp.query('SELECT count(*)::int AS n FROM erp.type_zoo')).rows[0]).toEqual({ n: 2000 });
    } finally {
      await erp.end();
    }
    expect(await leftoverDatabases(platform.core)).toEqual([]);
  });

  it.skipIf(serverCase.skip)('refuses a flipped byte, a truncated file and a wrong manifest before touching anything', async () => {
    const { tenant } = await call(platform.core, 'tenants:create', uniqueTenantInput('enterprise', 'Damaged Goods'));
    await seedTenant(platform.url, tenant.databaseName, 20_000);
    const first = await call(platform.core, 'backups:create', { ref: tenant.tenantCode });
    const second = await call(platform.core, 'backups:create', { ref: tenant.tenantCode });
    const original = await readFile(first.location);

    const flipped = join(folder, 'flipped.tcbackup');
    const damaged = Buffer.from(original);
    damaged[Math.floor(damaged.length / 2)]! ^= 0x01;
    await writeFile(flipped, damaged);
    const truncated = join(folder, 'truncated.tcbackup');
    await writeFile(truncated, original);
    await truncate(truncated, Math.floor(original.length * 0.8));
    const mismatched = join(folder, 'mismatched.tcbackup');
    await swapManifest(first.location, second.location, mismatched);

    const tenantsBefore = (await call(platform.core, 'tenants:list', { limit: 500 })).total;
    for (const [file, expected] of [
      [flipped, /damaged|does not match|decompress/],
      [truncated, /truncated|incomplete/],
      [mismatched, /another backup/],
    ] as const) {
      const report = await call(platform.core, 'backups:verify', { file });
      expect(report.ok, file).toBe(false);
      expect(report.problem, file).toMatch(expected);
      const refused = await callError(platform.core, 'backups:restore', { file, mode: 'as-new', subdomain: `r-${Date.now().toString(36)}` });
      expect(refused.code).toBe('VALIDATION');
      expect(refused.message).toMatch(/refused, nothing was touched/);
      const inPlace = await callError(platform.core, 'backups:restore', { file, mode: 'in-place' });
      expect(inPlace.code).toBe('VALIDATION');
    }
    expect((await call(platform.core, 'tenants:list', { limit: 500 })).total).toBe(tenantsBefore);
    expect(await leftoverDatabases(platform.core)).toEqual([]);
    // No safety backup was made for the refused in-place restores.
    expect((await call(platform.core, 'backups:list', { ref: tenant.tenantCode })).map((b) => b.kind)).toEqual(['manual', 'manual']);
    // The catalogued file itself changed on disk: verify by id notices.
    await writeFile(first.location, damaged);
    expect(await call(platform.core, 'backups:verify', { backupId: first.id })).toMatchObject({ ok: false });
  });

  it.skipIf(serverCase.skip)('restores in place after a safety backup, keeping the code, role and status', async () => {
    const { tenant, credentials } = await call(platform.core, 'tenants:create', uniqueTenantInput('enterprise', 'In Place'));
    await seedTenant(platform.url, tenant.databaseName, 5_000);
    const before = await tableChecksums(platform.url, tenant.databaseName);
    const backup = await call(platform.core, 'backups:create', { ref: tenant.tenantCode });

    const admin = await tenantAdminClient(platform.url, tenant.databaseName);
    await admin.query('DELETE FROM erp.transactions WHERE id % 2 = 0; UPDATE erp.companies SET name = name || \' changed\'');
    await admin.end();
    expect(await tableChecksums(platform.url, tenant.databaseName)).not.toEqual(before);

    const result = await call(platform.core, 'backups:restore', { backupId: backup.id, mode: 'in-place' });
    expect(result).toMatchObject({ mode: 'in-place', tenantCode: tenant.tenantCode, databaseName: tenant.databaseName, credentials: null });
    expect(await tableChecksums(platform.url, tenant.databaseName)).toEqual(before);
    const kinds = (await call(platform.core, 'backups:list', { ref: tenant.tenantCode })).map((b) => b.kind);
    expect(kinds).toContain('pre-restore');
    // The tenant's own credentials still work on the restored database.
    const erp = await connectAsTenant(credentials);
    expect((await erp.query('SELECT count(*)::int AS n FROM erp.transactions')).rows[0]).toEqual({ n: 5_000 });
    await erp.end();
    expect(await leftoverDatabases(platform.core)).toEqual([]);
  });

  it.skipIf(serverCase.skip)('re-pushes limits from the registry after a restore: the plan for a copy, plan + overrides in place; counters agree with the data', async () => {
    // Professional allows 3 companies; an override lets this tenant have 5.
    const { tenant } = await call(platform.core, 'tenants:create', uniqueTenantInput('professional', 'Limits Restore'));
    await call(platform.core, 'tenants:setOverride', { ref: tenant.tenantCode, resource: 'companies', kind: 'limit', value: 5, reason: 'Pilot with five subsidiaries' });
    const admin = await tenantAdminClient(platform.url, tenant.databaseName);
    try {
      await admin.query("INSERT INTO erp.companies (name) SELECT 'Subsidiary ' || g FROM generate_series(1, 5) g");
      // Drift the counters (as if written with triggers off): the archive carries them as they are.
      await admin.query("UPDATE platform.counters SET used = 0 WHERE resource = 'companies'");
    } finally {
      await admin.end();
    }
    const backup = await call(platform.core, 'backups:create', { ref: tenant.tenantCode });
    const companyInsertCode = async (database: string) => {
      const client = await tenantAdminClient(platform.url, database);
      try {
        await client.query("INSERT INTO erp.companies (name) VALUES ('One more')");
        return 'inserted';
      } catch (error) {
        return (error as { code?: string }).code;
      } finally {
        await client.end();
      }
    };

    // As a new tenant: 5 companies loaded past the plan's 3 (COPY bypasses the limit
    // triggers), the source's override not carried over, the counters recounted.
    const restored = await call(platform.core, 'backups:restore', { backupId: backup.id, mode: 'as-new', subdomain: `${tenant.subdomain}-lim`, companyName: 'Limits Sandbox' });
    const copy = await call(platform.core, 'tenants:get', { ref: restored.tenantCode });
    expect(copy).toMatchObject({ companyName: 'Limits Sandbox', plan: 'professional', status: 'active' });
    const copyLimits = await call(platform.core, 'tenants:limits', { ref: restored.tenantCode });
    expect(copyLimits.overrides).toEqual([]);
    expect(copyLimits.resources.find((entry) => entry.resource === 'companies')).toMatchObject({ current: 5, limit: 3 });
    const copyDb = await tenantAdminClient(platform.url, copy.databaseName);
    try {
      const { rows } = await copyDb.query("SELECT resource, plan_limit::int AS plan_limit, plan_code FROM platform.limits ORDER BY resource");
      expect(rows).toEqual([
        { resource: 'companies', plan_limit: 3, plan_code: 'professional' },
        { resource: 'transactions', plan_limit: 10_000, plan_code: 'professional' },
        { resource: 'users', plan_limit: 20, plan_code: 'professional' },
      ]);
      expect((await copyDb.query('SELECT count(*)::int AS n FROM platform.limit_overrides')).rows[0]).toEqual({ n: 0 });
      expect((await copyDb.query("SELECT current::int FROM platform.check_limit('companies')")).rows[0]).toEqual({ current: 5 });
    } finally {
      await copyDb.end();
    }
    expect(await companyInsertCode(copy.databaseName)).toBe('TC001');

    // In place, after a +1 allowance granted since the backup: the registry's overrides are
    // pushed (the archive's alone would refuse the sixth company), counters recounted.
    await call(platform.core, 'tenants:setOverride', { ref: tenant.tenantCode, resource: 'companies', kind: 'allowance', value: 1, reason: 'One more subsidiary' });
    await call(platform.core, 'backups:restore', { backupId: backup.id, mode: 'in-place' });
    expect((await call(platform.core, 'tenants:limits', { ref: tenant.tenantCode })).resources.find((entry) => entry.resource === 'companies')).toMatchObject({ current: 5, limit: 6 });
    expect(await companyInsertCode(tenant.databaseName)).toBe('inserted');
    expect(await companyInsertCode(tenant.databaseName)).toBe('TC001');
  });
});

describe.each(await serverCases('backup lifecycle'))('backup in the tenant lifecycle on $name', (serverCase) => {
  const platform = useTestPlatform(serverCase, 'backuplife');
  let folder: string;
  beforeAll(async () => {
    if (serverCase.skip) return;
    folder = await mkdtemp(join(tmpdir(), 'tc-backups-'));
    await call(platform.core, 'backups:updateSettings', { directory: folder });
  });
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it.skipIf(serverCase.skip)('suspends with "back up first": the backup is listed, then the tenant is suspended', async () => {
    const { tenant } = await call(platform.core, 'tenants:create', uniqueTenantInput());
    const suspended = await call(platform.core, 'tenants:suspend', { ref: tenant.tenantCode, reason: 'Unpaid', expectedVersion: tenant.version });
    expect(suspended).toMatchObject({ status: 'suspended', backup: { backupId: expect.any(String), overriddenFailure: null } });
    const [backup] = await call(platform.core, 'backups:list', { ref: tenant.tenantCode });
    expect(backup).toMatchObject({ id: suspended.backup!.backupId, kind: 'pre-suspension', verifiedAt: expect.any(String) });
  });

  it.skipIf(serverCase.skip)('a failed backup stops the suspension unless the operator overrides it', async () => {
    const { tenant } = await call(platform.core, 'tenants:create', uniqueTenantInput());
    // A folder that cannot be made: a path under a regular file.
    const blocker = join(folder, 'not-a-folder');
    await writeFile(blocker, 'x');
    await call(platform.core, 'backups:updateSettings', { directory: join(blocker, 'backups') });
    try {
      const refused = await callError(platform.core, 'tenants:suspend', { ref: tenant.tenantCode, reason: 'Unpaid', expectedVersion: tenant.version });
      expect(refused.message).toMatch(/was not suspended/);
      expect((await call(platform.core, 'tenants:get', { ref: tenant.tenantCode })).status).toBe('active');

      const overridden = await call(platform.core, 'tenants:suspend', { ref: tenant.tenantCode, reason: 'Unpaid', expectedVersion: tenant.version, overrideBackupFailure: true });
      expect(overridden).toMatchObject({ status: 'suspended', backup: { backupId: null, overriddenFailure: expect.stringMatching(/backup/i) } });
      const { rows } = await platform.core.platform.pool.query(
        "SELECT payload->'backup' AS backup FROM operations WHERE tenant_code = $1 AND kind = 'suspend' AND state = 'done'",
        [tenant.tenantCode],
      );
      expect(rows[0].backup).toMatchObject({ backupFirst: true, backupId: null, overriddenFailure: expect.any(String) });
    } finally {
      await call(platform.core, 'backups:updateSettings', { directory: folder });
    }
  });

  it.skipIf(serverCase.skip)('deletes only past retention or with the typed code, after a verified final backup; keeps a tombstone', async () => {
    const { tenant } = await call(platform.core, 'tenants:create', uniqueTenantInput('starter', 'Going Away'));
    expect((await callError(platform.core, 'tenants:delete', { ref: tenant.tenantCode })).code).toBe('INVALID_STATE');
    expect((await callError(platform.core, 'tenants:delete', { ref: tenant.tenantCode, confirmCode: 'WRONG001' })).code).toBe('VALIDATION');
    const cancelled = await call(platform.core, 'tenants:cancel', { ref: tenant.tenantCode, expectedVersion: tenant.version, backupFirst: false });
    const early = await callError(platform.core, 'tenants:delete', { ref: tenant.tenantCode });
    expect(early).toMatchObject({ code: 'INVALID_STATE', message: expect.stringMatching(/retention/) });
    expect((await call(platform.core, 'tenants:runScheduledDeletions', {})).deleted).toEqual([]);

    await platform.core.platform.pool.query("UPDATE tenants SET deletion_scheduled_at = now() - interval '1 day' WHERE id = $1", [cancelled.id]);
    const report = await call(platform.core, 'tenants:runScheduledDeletions', {});
    expect(report.failed).toEqual([]);
    expect(report.deleted).toEqual([expect.objectContaining({ tenantCode: tenant.tenantCode, forced: false })]);
    const { rows } = await platform.core.platform.pool.query<{ status: string; final_backup_id: string }>('SELECT status, final_backup_id FROM tenants WHERE id = $1', [tenant.id]);
    expect(rows[0]).toEqual({ status: 'deleted', final_backup_id: report.deleted[0]!.finalBackupId });
    const [final] = await call(platform.core, 'backups:list', { ref: tenant.tenantCode });
    expect(final).toMatchObject({ id: report.deleted[0]!.finalBackupId, kind: 'pre-deletion', verifiedAt: expect.any(String) });
    expect(await tenantObjectsOnServer(platform.url, tenant.tenantCode)).toEqual({ databases: [], roles: [] });

    // Forced: an active tenant, with its code typed.
    const { tenant: forced } = await call(platform.core, 'tenants:create', uniqueTenantInput('starter', 'Forced Out'));
    const result = await call(platform.core, 'tenants:delete', { ref: forced.subdomain, confirmCode: forced.tenantCode.toLowerCase() });
    expect(result).toMatchObject({ tenantCode: forced.tenantCode, forced: true });
    expect(await tenantObjectsOnServer(platform.url, forced.tenantCode)).toEqual({ databases: [], roles: [] });
  });

  it.skipIf(serverCase.skip)('prunes to the newest N per tenant but keeps every pre-deletion backup', async () => {
    const { tenant } = await call(platform.core, 'tenants:create', uniqueTenantInput('starter', 'Prune Me'));
    const made = [];
    for (let i = 0; i < 3; i += 1) made.push(await call(platform.core, 'backups:create', { ref: tenant.tenantCode }));
    await call(platform.core, 'backups:updateSettings', { keepLast: 1 });
    try {
      const report = await call(platform.core, 'backups:prune', {});
      const removedIds = report.removed.map((entry) => entry.id);
      expect(removedIds).toEqual(expect.arrayContaining([made[0]!.id, made[1]!.id]));
      expect(removedIds).not.toContain(made[2]!.id);
      for (const backup of made.slice(0, 2)) await expect(stat(backup.location)).rejects.toThrow();
      const preDeletion = await platform.core.platform.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM backups WHERE kind = 'pre-deletion'");
      expect(preDeletion.rows[0]!.n).toBeGreaterThanOrEqual(2);
    } finally {
      await call(platform.core, 'backups:updateSettings', { keepLast: 10 });
    }
  });

  it.skipIf(serverCase.skip)('cancels a running backup by request id and leaves no file', async () => {
    const { tenant } = await call(platform.core, 'tenants:create', uniqueTenantInput('enterprise', 'Cancel Me'));
    await seedTenant(platform.url, tenant.databaseName, 50_000);
    const before = await readdir(folder);
    const requestId = crypto.randomUUID();
    const off = platform.core.events.on('job:progress', (event) => {
      if (event.requestId === requestId && event.step === 'tables') void call(platform.core, 'jobs:cancel', { requestId });
    });
    const error = await callError(platform.core, 'backups:create', { ref: tenant.tenantCode, requestId });
    off();
    expect(error.code).toBe('CANCELLED');
    expect(await readdir(folder)).toEqual(before);
    const { rows } = await platform.core.platform.pool.query("SELECT state FROM operations WHERE tenant_code = $1 AND kind = 'backup'", [tenant.tenantCode]);
    expect(rows).toEqual([{ state: 'rolled_back' }]);
    expect(await call(platform.core, 'jobs:cancel', { requestId })).toEqual({ cancelled: false });
  });
});
