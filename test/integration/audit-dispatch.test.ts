import { describe, expect, it } from 'vitest';
import { call, callError, uniqueTenantInput } from '../support/core-calls';
import { serverCases, useTestPlatform } from '../support/servers';

const cases = await serverCases('audit through dispatch');

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(cases)('audit events around dispatch — $name', (serverCase) => {
  const platform = useTestPlatform(serverCase, 'audit');

  const localEvents = async () => (await call(platform.core, 'audit:list', { source: 'local', limit: 1000 })).rows;

  it.skipIf(serverCase.skip)('writes an ok event, committed before the result returns, and none for reads', async () => {
    const before = (await localEvents()).length;
    await call(platform.core, 'settings:get', {});
    await call(platform.core, 'tenants:list', {});
    expect(await localEvents()).toHaveLength(before);

    await call(platform.core, 'settings:update', { cancellationRetentionDays: 45 });
    // Read straight from SQLite, no waiting: the event was committed before the call returned.
    const last = platform.core.cache!.db.prepare<unknown[], { action: string; outcome: string; operator: string; os_user: string; details: string }>(
      'SELECT action, outcome, operator, os_user, details FROM audit_events ORDER BY seq DESC LIMIT 1',
    ).get();
    // The signed-in operator (the first run's local admin) and its role, as PostgreSQL reported them.
    expect(last).toMatchObject({ action: 'settings:update', outcome: 'ok', operator: platform.core.sessions.current!.operator });
    expect(JSON.parse(last!.details)).toMatchObject({ operatorRole: 'admin' });
    expect(last!.os_user.length).toBeGreaterThan(0);
  });

  it.skipIf(serverCase.skip)('audits a created tenant under its code and never keeps the credentials', async () => {
    const { tenant, credentials } = await call(platform.core, 'tenants:create', uniqueTenantInput());
    const [event] = await localEvents();
    expect(event).toMatchObject({ action: 'tenants:create', tenant: tenant.tenantCode, outcome: 'ok' });
    expect(event!.details).toContain(tenant.subdomain);
    expect(event!.details).not.toContain(credentials.password);
    expect(event!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it.skipIf(serverCase.skip)('audits failures (error code) and validation refusals, with secrets removed', async () => {
    const error = await callError(platform.core, 'tenants:suspend', { ref: 'ZZZ999999', reason: 'Fraud', expectedVersion: 1 });
    expect(error.code).toBe('NOT_FOUND');
    expect((await localEvents())[0]).toMatchObject({ action: 'tenants:suspend', tenant: 'ZZZ999999', outcome: 'NOT_FOUND' });

    const refused = await callError(platform.core, 'tenants:create', { companyName: '', password: 'hunter2-secret', apiKey: 'sk_live_123', nested: { token: 'abc' } });
    expect(refused.code).toBe('VALIDATION');
    const [event] = await localEvents();
    expect(event).toMatchObject({ action: 'tenants:create', outcome: 'VALIDATION' });
    expect(event!.details).not.toMatch(/hunter2|sk_live_123|"abc"/);
    expect(JSON.parse(event!.details)).toMatchObject({ password: '[redacted]', apiKey: '[redacted]', nested: { token: '[redacted]' } });
  });

  it.skipIf(serverCase.skip)('offers audit.record for work that is not a channel', async () => {
    await platform.core.audit.record({ action: 'usage:collect', tenant: 'ACM001', details: { days: 1 }, outcome: 'ok', durationMs: 12 });
    expect((await localEvents())[0]).toMatchObject({ action: 'usage:collect', tenant: 'ACM001', outcome: 'ok', durationMs: 12 });
  });

  it.skipIf(serverCase.skip)('pushes every event to the platform once, and both copies verify', async () => {
    const status = await waitFor(() => call(platform.core, 'audit:status', {}), (s) => s.outboxDepth === 0, 'the outbox to drain');
    expect(status.lastError).toBeNull();
    const local = await localEvents();
    const fleet = await call(platform.core, 'audit:list', { source: 'fleet', limit: 1000, includeTotal: true });
    expect(fleet.total).toBe(local.length);
    expect(new Set(fleet.rows.map((row) => row.id))).toEqual(new Set(local.map((row) => row.id)));
    const onlyFailures = await call(platform.core, 'audit:list', { source: 'fleet', outcome: 'error' });
    expect(onlyFailures.rows.map((row) => row.outcome).sort()).toEqual(['NOT_FOUND', 'VALIDATION']);
    const verify = await call(platform.core, 'audit:verify', {});
    expect(verify.local).toMatchObject({ ok: true, checked: local.length });
    expect(verify.platform).toMatchObject({ ok: true, checked: local.length });
    expect(verify.platformProblem).toBeNull();
  });

  it.skipIf(serverCase.skip)('filters, pages by keyset and exports the local log', async () => {
    const first = await call(platform.core, 'audit:list', { source: 'local', limit: 2, includeTotal: true });
    expect(first.rows).toHaveLength(2);
    const second = await call(platform.core, 'audit:list', { source: 'local', limit: 2, cursor: first.nextCursor! });
    expect(second.rows[0]!.seq).toBeLessThan(first.rows[1]!.seq);
    const search = await call(platform.core, 'audit:list', { source: 'local', search: 'redacted' });
    expect(search.rows.every((row) => row.details.includes('redacted'))).toBe(true);
    expect(search.rows.length).toBeGreaterThan(0);
    const csv = await call(platform.core, 'audit:export', { source: 'local', format: 'csv' });
    expect(csv.content.split('\n')[0]).toBe('time,seq,id,consoleId,operator,osUser,action,tenant,outcome,durationMs,details,prevHash,hash');
    expect(csv.rowCount).toBe(first.total);
    const badCursor = await callError(platform.core, 'audit:list', { source: 'fleet', cursor: 'nope' });
    expect(badCursor.code).toBe('VALIDATION');
  });
});
