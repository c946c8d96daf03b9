import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { PROVISION_STEPS } from '../../src-main/tenants/provision';
import { beginOperation, type OperationKind } from '../../src-main/operations/journal';
import { call, callError, uniqueTenantInput } from '../support/core-calls';
import { runTenantctl } from '../support/cli';
import { adminClient, dropTestPlatform, embeddedTarget, openTestCore, tenantObjectsOnServer, uniquePlatformDatabase, operatorEnv } from '../support/servers';
import { waitForKilledSessionsToEnd } from '../support/killed-sessions';
import { fullTier } from '../support/tier';

// The fast tier kills at two steps (a role without its database, a database without its
// grants); the full tier at every step.
const FAST_TIER_KILL_STEPS: readonly string[] = ['role_created', 'database_created'];

// Steps reached in the same journal write as the next intent (one round trip, not two).
const JOURNALED_AS: Readonly<Record<string, string>> = { role_created: 'creating_database', database_created: 'limits_pushed', privileges_granted: 'limits_pushed' };

// Distinct company prefixes, so the killed processes' tenant codes are easy to tell apart.
const COMPANIES = ['Alfa', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot', 'Golf', 'Hotel', 'India', 'Juliett'];

describe('reconcile after a SIGKILL at each step', () => {
  let core: ConsoleCore;
  let operator: Record<string, string> = {};
  let url: string;
  let logDir: string;
  const platformDatabase = uniquePlatformDatabase('crash');
  const env = () => ({ TENANT_CONSOLE_DATABASE_URL: url, TENANT_CONSOLE_PLATFORM_DATABASE: platformDatabase, TENANT_CONSOLE_DATA_DIR: logDir, ...operator });

  beforeAll(async () => {
    url = embeddedTarget().url;
    logDir = await mkdtemp(join(tmpdir(), 'tc-crash-'));
    core = await openTestCore(url, platformDatabase);
    operator = await operatorEnv(core);
  });
  afterAll(async () => {
    await core?.close();
    await dropTestPlatform(url, platformDatabase);
    await rm(logDir, { recursive: true, force: true });
  });

  async function operationsFor(prefix: string) {
    const { rows } = await core.platform.pool.query<{ tenant_code: string; state: string; step: string; kind: string }>(
      'SELECT tenant_code, state, step, kind FROM operations WHERE tenant_code LIKE $1 ORDER BY started_at',
      [`${prefix}%`],
    );
    return rows;
  }

  it(`rolls provisioning back after a kill at ${fullTier ? 'every step but the last' : FAST_TIER_KILL_STEPS.join(' and ')}, leaving 0 orphans`, async () => {
    const steps = PROVISION_STEPS.filter((step) => step !== 'activated' && (fullTier || FAST_TIER_KILL_STEPS.includes(step)));
    expect(steps.length, 'steps to kill at').toBe(fullTier ? PROVISION_STEPS.length - 1 : FAST_TIER_KILL_STEPS.length);
    // Two at a time: the machine has two cores.
    const killed: { step: string; prefix: string }[] = [];
    for (let i = 0; i < steps.length; i += 2) {
      const batch = steps.slice(i, i + 2).map(async (step, j) => {
        const company = `${COMPANIES[i + j]} Crash`;
        const input = uniqueTenantInput('starter', company);
        const run = await runTenantctl(
          ['create', '--company', input.companyName, '--subdomain', input.subdomain, '--plan', 'starter', '--email', input.adminEmail, '--json'],
          { ...env(), TENANT_CONSOLE_CRASH_AFTER_STEP: step },
        );
        expect(run.signal, `tenantctl killed after ${step}\n${run.stderr}`).toBe('SIGKILL');
        killed.push({ step, prefix: company.slice(0, 4).toUpperCase() });
      });
      await Promise.all(batch);
    }

    // The journal stopped exactly where each process died. (Later CLI runs reconcile at
    // start-up, so some of these may already be rolled back: that is the design.)
    for (const { step, prefix } of killed) {
      const ops = await operationsFor(prefix);
      expect(ops, `journal after a kill at ${step}`).toHaveLength(1);
      expect(ops[0]).toMatchObject({ step: JOURNALED_AS[step] ?? step, kind: 'provision' });
    }

    await waitForKilledSessionsToEnd(core.platform.pool);
    const report = await call(core, 'tenants:reconcile', {});
    expect(report.failed).toEqual([]);

    for (const { step, prefix } of killed) {
      const [op] = await operationsFor(prefix);
      expect(op, `after reconcile (${step})`).toMatchObject({ state: 'rolled_back' });
      const leftovers = await tenantObjectsOnServer(url, op!.tenant_code);
      expect(leftovers, `no orphan database or role after a kill at ${step}`).toEqual({ databases: [], roles: [] });
      const rows = await core.platform.pool.query('SELECT 1 FROM tenants WHERE tenant_code = $1', [op!.tenant_code]);
      expect(rows.rowCount, `no registry row after a kill at ${step}`).toBe(0);
    }
    // A second reconcile finds nothing left to do.
    expect((await call(core, 'tenants:reconcile', {})).examined).toBe(0);
  });

  it('keeps a tenant whose provisioning completed before the kill', async () => {
    const input = uniqueTenantInput('starter', 'Kilo Complete');
    const run = await runTenantctl(
      ['create', '--company', input.companyName, '--subdomain', input.subdomain, '--plan', 'starter', '--email', input.adminEmail, '--json'],
      { ...env(), TENANT_CONSOLE_CRASH_AFTER_STEP: 'activated' },
    );
    expect(run.signal).toBe('SIGKILL');
    await waitForKilledSessionsToEnd(core.platform.pool);
    expect((await call(core, 'tenants:reconcile', {})).examined).toBe(0);
    const tenant = await call(core, 'tenants:get', { ref: input.subdomain });
    expect(tenant.status).toBe('active');
    expect(await tenantObjectsOnServer(url, tenant.tenantCode)).toEqual({ databases: [tenant.databaseName], roles: [tenant.dbRole] });
  });

  it.each(['registered', 'enforced'])('resumes a suspension killed after "%s"', async (step) => {
    const { tenant } = await call(core, 'tenants:create', uniqueTenantInput('starter', 'Lima Suspend'));
    const run = await runTenantctl(['suspend', tenant.tenantCode, '--reason', 'Chargeback'], { ...env(), TENANT_CONSOLE_CRASH_AFTER_STEP: step });
    expect(run.signal).toBe('SIGKILL');
    await waitForKilledSessionsToEnd(core.platform.pool);
    const report = await call(core, 'tenants:reconcile', {});
    expect(report.resumed).toEqual([expect.objectContaining({ kind: 'suspend', tenantCode: tenant.tenantCode })]);
    expect(await call(core, 'tenants:get', { ref: tenant.tenantCode })).toMatchObject({ status: 'suspended', statusReason: 'Chargeback', version: tenant.version + 1 });
    const admin = await adminClient(url);
    try {
      const { rows } = await admin.query('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [tenant.dbRole]);
      expect(rows[0]).toEqual({ rolcanlogin: false });
    } finally {
      await admin.end();
    }
  });

  it('never touches an operation whose owner is still alive', async () => {
    const { tenant } = await call(core, 'tenants:create', uniqueTenantInput('starter', 'Mike Live'));
    const owner = await core.platform.pool.connect();
    try {
      await owner.query('BEGIN');
      await beginOperation(owner, { kind: 'suspend', tenantId: tenant.id, tenantCode: tenant.tenantCode, step: 'registered', payload: {}, startedBy: 'test' });
      await owner.query('COMMIT');
      const report = await call(core, 'tenants:reconcile', {});
      expect(report).toMatchObject({ skippedInProgress: 1, resumed: [], rolledBack: [] });
      // A second operation on the tenant is refused while the first runs, in the one wording.
      expect(await callError(core, 'tenants:cancel', { ref: tenant.tenantCode, expectedVersion: tenant.version, backupFirst: false })).toEqual({
        code: 'CONFLICT',
        message: `Cannot start the cancellation of ${tenant.tenantCode}: another operation on this tenant is in progress — wait for it to finish, then try again.`,
      });
      await owner.query("UPDATE operations SET state = 'done' WHERE tenant_code = $1 AND state = 'running'", [tenant.tenantCode]);
    } finally {
      owner.release(true);
    }
  });

  it('reports an operation of a kind no reconciler knows as failed and leaves it running', async () => {
    const { tenant } = await call(core, 'tenants:create', uniqueTenantInput('starter', 'November Unknown'));
    const owner = await core.platform.pool.connect();
    // Written by a newer console, say, whose process then died (its session, and lock, gone).
    const entry = { kind: 'migrate_region' as OperationKind, tenantId: tenant.id, tenantCode: tenant.tenantCode, step: 'registered', payload: {}, startedBy: 'test' };
    const operation = await beginOperation(owner, entry);
    owner.release(true);
    try {
      await waitForKilledSessionsToEnd(core.platform.pool);
      const report = await call(core, 'tenants:reconcile', {});
      expect(report.failed.filter((failed) => failed.tenantCode === tenant.tenantCode)).toEqual([
        { operationId: operation.id, kind: 'migrate_region', tenantCode: tenant.tenantCode, message: 'No reconciler knows "migrate_region" operations: left running for a console that does.' },
      ]);
      const { rows } = await core.platform.pool.query('SELECT state, step FROM operations WHERE id = $1', [operation.id]);
      expect(rows[0]).toEqual({ state: 'running', step: 'registered' });
    } finally {
      await core.platform.pool.query("UPDATE operations SET state = 'done' WHERE id = $1", [operation.id]);
    }
  });
});
