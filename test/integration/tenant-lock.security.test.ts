import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { call, uniqueTenantInput } from '../support/core-calls';
import { adminClient, embeddedTarget, useTestPlatform } from '../support/servers';
import { connectAsTenant } from '../support/tenant-clients';

/**
 * A hostile (or just careless) tenant holds a lock in its own database with its own role:
 * an open transaction on a counters row, or LOCK TABLE … ACCESS EXCLUSIVE. Every console
 * path that touches that database must finish or fail clearly within seconds, and the rest
 * of the console (tenants:list) must keep answering meanwhile.
 */
const WITHIN_MS = 15_000;

describe('a tenant holding a lock never stalls the console', () => {
  const platform = useTestPlatform({ name: 'embedded PostgreSQL', target: embeddedTarget, skip: false }, 'tenantlock');
  const holders: pg.Client[] = [];
  afterEach(async () => {
    for (const holder of holders.splice(0)) await holder.end().catch(() => undefined);
  });

  async function tenantHolding(statements: string[]) {
    const { tenant, credentials } = await call(platform.core, 'tenants:create', uniqueTenantInput('professional', 'Lock Holder'));
    const client = await connectAsTenant(credentials);
    holders.push(client);
    await client.query('BEGIN');
    for (const statement of statements) await client.query(statement);
    return tenant;
  }

  const listStillAnswers = async () => {
    const started = Date.now();
    await call(platform.core, 'tenants:list', { limit: 5 });
    expect(Date.now() - started).toBeLessThan(2_000);
  };

  it('a limit override answers within seconds while the tenant holds its counters row', async () => {
    const tenant = await tenantHolding(["INSERT INTO erp.companies (name) VALUES ('Held open')"]);
    const started = Date.now();
    const overriding = call(platform.core, 'tenants:setOverride', { ref: tenant.tenantCode, resource: 'companies', kind: 'limit', value: 9, reason: 'locked tenant' }).then(
      () => null,
      (error: Error) => error,
    );
    await listStillAnswers();
    // While the override waits on the tenant, no platform session sits in a transaction.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const admin = await adminClient(platform.url);
    try {
      const { rows } = await admin.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND state LIKE 'idle in transaction%'",
        [platform.platformDatabase],
      );
      expect(rows[0]!.n, 'platform sessions held open while waiting on the tenant').toBe(0);
    } finally {
      await admin.end();
    }
    const error = await overriding;
    expect(Date.now() - started).toBeLessThan(WITHIN_MS);
    // Either it got through, or it says clearly what held it up.
    if (error) expect(error.message).toMatch(/locked by one of its own sessions|did not finish/);
  });

  it('suspension with a backup wins over an ACCESS EXCLUSIVE lock: sessions end, backup, suspended', async () => {
    const tenant = await tenantHolding(['LOCK TABLE erp.companies IN ACCESS EXCLUSIVE MODE']);
    const started = Date.now();
    const suspended = await call(platform.core, 'tenants:suspend', { ref: tenant.tenantCode, reason: 'locked tenant', expectedVersion: tenant.version, backupFirst: true });
    expect(Date.now() - started).toBeLessThan(WITHIN_MS);
    expect(suspended.status).toBe('suspended');
    expect(suspended.backup?.backupId).toBeTruthy();
    await expect(holders[0]!.query('SELECT 1')).rejects.toThrow();
  });

  it('the billing jobs finish within seconds while a tenant holds ACCESS EXCLUSIVE on its tables', async () => {
    await tenantHolding(['LOCK TABLE erp.companies IN ACCESS EXCLUSIVE MODE', 'LOCK TABLE erp.users IN ACCESS EXCLUSIVE MODE', 'LOCK TABLE erp.transactions IN ACCESS EXCLUSIVE MODE']);
    const started = Date.now();
    const running = call(platform.core, 'billing:runJobs', {}).then(
      () => null,
      (error: Error) => error,
    );
    await listStillAnswers();
    await running;
    expect(Date.now() - started).toBeLessThan(WITHIN_MS);
  });

  it('usage collection reports the locked tenant as one failure and finishes', async () => {
    const locked = await tenantHolding(['LOCK TABLE erp.companies IN ACCESS EXCLUSIVE MODE']);
    const started = Date.now();
    // The visit's statement_timeout bounds a lock wait as it bounds a slow query; a short
    // one here keeps the case quick (the product's 10 s default is the same mechanism).
    const run = await platform.core.usage.collect({ trigger: 'manual', timeouts: { connectMs: 5_000, statementMs: 1_000, overallMs: 10_000 } });
    expect(Date.now() - started).toBeLessThan(WITHIN_MS);
    expect(run.state).toBe('done');
    expect(run.failures.map((failure) => failure.tenantCode)).toEqual([locked.tenantCode]);
    expect(run.failures[0]!.message).toMatch(/statement timeout|lock timeout/);
    await listStillAnswers();
  });
});

