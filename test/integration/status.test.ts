import { beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { call, callError, uniqueTenantInput } from '../support/core-calls';
import { adminClient, serverCases, useTestPlatform } from '../support/servers';
import { connectAsTenant, tenantConnectError } from '../support/tenant-clients';

describe.each(await serverCases('status enforcement'))('status enforced in PostgreSQL on $name', (serverCase) => {
  const { skip } = serverCase;
  const platform = useTestPlatform(serverCase, 'status');
  let core: ConsoleCore;
  let url: string;

  beforeAll(async () => {
    if (skip) return;
    ({ core, url } = platform);
  });

  async function roleState(role: string) {
    const admin = await adminClient(url);
    try {
      const { rows } = await admin.query<{ rolcanlogin: boolean }>('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [role]);
      return rows[0]?.rolcanlogin;
    } finally {
      await admin.end();
    }
  }

  it.skipIf(skip)('suspension terminates open sessions at once and refuses new ones; activation restores', async () => {
    const { tenant, credentials } = await call(core, 'tenants:create', uniqueTenantInput());
    const sessions = await Promise.all([connectAsTenant(credentials), connectAsTenant(credentials), connectAsTenant(credentials)]);
    for (const session of sessions) expect((await session.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    const changed: string[] = [];
    const off = core.events.on('tenant:changed', (event) => changed.push(`${event.tenantCode}:${event.status}`));

    const suspended = await call(core, 'tenants:suspend', { ref: tenant.tenantCode, reason: 'Unpaid invoice #42', expectedVersion: tenant.version });
    expect(suspended).toMatchObject({ status: 'suspended', statusReason: 'Unpaid invoice #42', version: tenant.version + 1 });
    for (const session of sessions) {
      await expect(session.query('SELECT 1')).rejects.toThrow();
      await session.end().catch(() => undefined);
    }
    expect(await tenantConnectError(credentials, credentials.database)).not.toBeNull();
    expect(await roleState(tenant.dbRole)).toBe(false);

    const active = await call(core, 'tenants:activate', { ref: tenant.subdomain, expectedVersion: suspended.version });
    expect(active).toMatchObject({ status: 'active', statusReason: null, version: tenant.version + 2 });
    expect(await tenantConnectError(credentials, credentials.database)).toBeNull();
    expect(await roleState(tenant.dbRole)).toBe(true);
    off();
    expect(changed).toEqual([`${tenant.tenantCode}:suspended`, `${tenant.tenantCode}:active`]);
  });

  it.skipIf(skip)('cancellation suspends and schedules deletion after the retention period', async () => {
    const { tenant, credentials } = await call(core, 'tenants:create', uniqueTenantInput());
    await call(core, 'settings:update', { cancellationRetentionDays: 45 });
    const cancelled = await call(core, 'tenants:cancel', { ref: tenant.tenantCode, reason: 'Customer left', expectedVersion: tenant.version });
    await call(core, 'settings:update', { cancellationRetentionDays: 30 });
    expect(cancelled.status).toBe('cancelled');
    const days = (new Date(cancelled.deletionScheduledAt!).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(44.9);
    expect(days).toBeLessThan(45.1);
    expect(await tenantConnectError(credentials, credentials.database)).not.toBeNull();
    const reactivated = await call(core, 'tenants:activate', { ref: tenant.tenantCode, expectedVersion: cancelled.version });
    expect(reactivated.deletionScheduledAt).toBeNull();
    expect(await tenantConnectError(credentials, credentials.database)).toBeNull();
  });

  it.skipIf(skip)('refuses a change made from a stale version, changing nothing', async () => {
    const { tenant, credentials } = await call(core, 'tenants:create', uniqueTenantInput());
    const suspended = await call(core, 'tenants:suspend', { ref: tenant.tenantCode, reason: 'first operator', expectedVersion: tenant.version });
    // A second operator still looking at version 1 tries to cancel.
    const error = await callError(core, 'tenants:cancel', { ref: tenant.tenantCode, reason: 'second operator', expectedVersion: tenant.version });
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(/changed by someone else.*reload/);
    const now = await call(core, 'tenants:get', { ref: tenant.tenantCode });
    expect(now).toMatchObject({ status: 'suspended', statusReason: 'first operator', version: suspended.version });
    expect(await tenantConnectError(credentials, credentials.database)).not.toBeNull();
  });

  it.skipIf(skip)('keeps each tenant\'s operations journal: what, by whom, how it ended', async () => {
    const { tenant } = await call(core, 'tenants:create', uniqueTenantInput());
    const suspended = await call(core, 'tenants:suspend', { ref: tenant.tenantCode, reason: 'Audit hold', expectedVersion: tenant.version });
    await callError(core, 'tenants:suspend', { ref: tenant.tenantCode, reason: 'again', expectedVersion: suspended.version });
    await call(core, 'tenants:activate', { ref: tenant.tenantCode, expectedVersion: suspended.version });
    const history = await call(core, 'tenants:operations', { ref: tenant.subdomain });
    expect(history.map((op) => [op.kind, op.state, op.reason])).toEqual([
      ['activate', 'done', null],
      ['suspend', 'done', 'Audit hold'],
      // "Back up first" (the default) journals its backup before the suspension.
      ['backup', 'done', null],
      ['provision', 'done', null],
    ]);
    for (const op of history) {
      expect(op.startedBy).toMatch(/\(.+\)$/); // PostgreSQL user (OS user)
      expect(op.finishedAt).not.toBeNull();
    }
    expect(await call(core, 'tenants:operations', { ref: tenant.tenantCode, limit: 1 })).toHaveLength(1);
  });

  it.skipIf(skip)('refuses transitions that make no sense', async () => {
    const { tenant } = await call(core, 'tenants:create', uniqueTenantInput());
    expect(await callError(core, 'tenants:activate', { ref: tenant.tenantCode, expectedVersion: tenant.version })).toEqual({
      code: 'INVALID_STATE',
      message: `Cannot activate a tenant that is active (${tenant.tenantCode}).`,
    });
    expect(await callError(core, 'tenants:suspend', { ref: tenant.tenantCode, reason: '', expectedVersion: tenant.version })).toMatchObject({ code: 'VALIDATION' });
  });

  it.skipIf(skip)('lets only one of two racing operators change a tenant', async () => {
    const { tenant } = await call(core, 'tenants:create', uniqueTenantInput());
    const results = await Promise.all([
      core.dispatch('tenants:suspend', { ref: tenant.tenantCode, reason: 'A', expectedVersion: tenant.version }, { origin: 'test' }),
      core.dispatch('tenants:cancel', { ref: tenant.tenantCode, reason: 'B', expectedVersion: tenant.version }, { origin: 'test' }),
    ]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.find((result) => !result.ok)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect((await call(core, 'tenants:get', { ref: tenant.tenantCode })).version).toBe(tenant.version + 1);
  });
});
