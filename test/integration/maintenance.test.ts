import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaintenanceScheduler } from '../../src-main/jobs/maintenance-scheduler';
import { LOCK_MAINTENANCE, LOCK_NAMESPACE } from '../../src-main/base/advisory-locks';
import { call, uniqueTenantInput } from '../support/core-calls';
import { embeddedTarget, tenantObjectsOnServer, useTestPlatform } from '../support/servers';

describe('housekeeping while the console runs', () => {
  const platform = useTestPlatform({ name: 'embedded PostgreSQL', target: embeddedTarget, skip: false }, 'maintenance');
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tc-maintenance-'));
    await call(platform.core, 'backups:updateSettings', { directory: folder });
  });
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('deletes cancelled tenants past retention after a verified backup, and audits each job', async () => {
    const core = platform.core;
    const due = (await call(core, 'tenants:create', uniqueTenantInput('starter', 'Maintenance Due'))).tenant;
    const kept = (await call(core, 'tenants:create', uniqueTenantInput('starter', 'Maintenance Kept'))).tenant;
    for (const tenant of [due, kept]) {
      await call(core, 'tenants:cancel', { ref: tenant.tenantCode, expectedVersion: tenant.version, backupFirst: false });
    }
    // Retention is over for one of them only.
    await core.platform.pool.query(`UPDATE tenants SET deletion_scheduled_at = now() - interval '1 minute' WHERE tenant_code = $1`, [due.tenantCode]);

    const scheduler = new MaintenanceScheduler(core.platform, core.audit, [
      { name: 'scheduled-deletions', run: () => call(core, 'tenants:runScheduledDeletions', {}) },
    ]);
    expect(await scheduler.runOnce()).toBe('ran');

    expect((await call(core, 'tenants:get', { ref: due.tenantCode })).status).toBe('deleted');
    expect((await call(core, 'tenants:get', { ref: kept.tenantCode })).status).toBe('cancelled');
    expect(await tenantObjectsOnServer(platform.url, due.tenantCode)).toEqual({ databases: [], roles: [] });
    const backups = await call(core, 'backups:list', { ref: due.tenantCode });
    expect(backups.some((backup) => backup.kind === 'pre-deletion' && backup.verifiedAt !== null)).toBe(true);

    const events = await call(core, 'audit:list', { source: 'local', action: 'maintenance:scheduled-deletions' });
    expect(events.rows.length).toBeGreaterThanOrEqual(1);
    expect(events.rows[0]!.outcome).toBe('ok');
  });

  it('never runs a round while another console holds the round', async () => {
    const core = platform.core;
    let runs = 0;
    const scheduler = new MaintenanceScheduler(core.platform, core.audit, [{ name: 'count', run: async () => (runs += 1) }]);
    const other = await core.platform.pool.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1, $2)', [LOCK_NAMESPACE, LOCK_MAINTENANCE]);
      expect(await scheduler.runOnce()).toBe('locked');
      expect(runs).toBe(0);
      await other.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, LOCK_MAINTENANCE]);
    } finally {
      other.release();
    }
    expect(await scheduler.runOnce()).toBe('ran');
    expect(runs).toBe(1);
  });

  it('keeps a failing job to itself and records its error', async () => {
    const core = platform.core;
    let after = false;
    const scheduler = new MaintenanceScheduler(core.platform, core.audit, [
      { name: 'broken', run: async () => Promise.reject(new Error('disk full')) },
      { name: 'after-broken', run: async () => (after = true) },
    ]);
    expect(await scheduler.runOnce()).toBe('ran');
    expect(after).toBe(true);
    const events = await call(core, 'audit:list', { source: 'local', action: 'maintenance:broken' });
    expect(events.rows[0]).toMatchObject({ outcome: 'INTERNAL' });
    expect(JSON.stringify(events.rows[0])).toContain('disk full');
  });
});
