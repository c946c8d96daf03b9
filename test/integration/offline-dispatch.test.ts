import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelInput } from '../../src-shared/contract/channels';
import type { ConsoleStatus } from '../../src-shared/contract/offline-models';
import { openConsoleCore, type ConsoleCore } from '../../src-main/app/console-core';
import type { Handlers } from '../../src-main/base/handler-types';
import { createSilentLogger } from '../../src-main/logging/logger';
import { EmbeddedCluster } from '../../src-main/postgres/embedded-cluster';
import { FileSecretStore } from '../../src-main/secrets/file-secret-store';
import { call, callError, uniqueTenantInput } from '../support/core-calls';

const logger = createSilentLogger();

describe('offline review through dispatch (a real outage of an own embedded cluster)', () => {
  let dataDir: string;
  let core: ConsoleCore;
  let outage: EmbeddedCluster; // a second handle on the core's cluster, to stop and start it
  const seen: ConsoleStatus[] = [];
  const queries: ChannelInput<'tenants:list'>[] = [
    {},
    { status: ['suspended'] },
    { plan: ['professional'], sort: 'companyName', direction: 'asc' },
    { search: 'offline-b' },
    { sort: 'tenantCode', direction: 'asc', limit: 2, offset: 1 },
  ];
  const online = new Map<string, unknown>();
  let codes: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tc-offline-'));
    await chmod(dataDir, 0o755);
    // A long probe period: going offline below can only come from the failed call itself.
    core = await openConsoleCore({ mode: 'host', dataDir, databaseUrl: null, logger, offline: { probeIntervalMs: 60_000, snapshotMinIntervalMs: 0 } });
    core.events.on('console:connectivity', (status) => seen.push(status));
    outage = new EmbeddedCluster({ dataDir, secretStore: new FileSecretStore(join(dataDir, 'secrets.json')), logger });
    await outage.acquire(); // attaches to the running server (loads pg_ctl for forceStop)
  }, 180_000);
  afterAll(async () => {
    await outage?.acquire().catch(() => undefined);
    await core?.close();
    await outage?.release().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('saves the registry while online', async () => {
    const made = [];
    for (const [i, plan] of ['starter', 'professional', 'professional'].entries()) {
      made.push((await call(core, 'tenants:create', { ...uniqueTenantInput(plan, `Offline ${'abc'[i]} Ltd`), subdomain: `offline-${'abc'[i]}-${process.pid}` })).tenant);
    }
    codes = made.map((t) => t.tenantCode);
    await call(core, 'tenants:suspend', { ref: codes[1]!, reason: 'Non-payment', expectedVersion: made[1]!.version });
    await call(core, 'tenants:operations', { ref: codes[1]! });
    await core.offline.refreshTenants();
    for (const query of queries) {
      const answer = await call(core, 'tenants:list', query);
      expect(answer.snapshot).toBeUndefined();
      online.set(JSON.stringify(query), answer);
    }
    online.set('detail', await call(core, 'tenants:get', { ref: codes[1]! }));
    expect((await call(core, 'console:status', {})).snapshotAt).not.toBeNull();
  });

  it('stays online when only a tenant server fails (the probe of the platform decides)', async () => {
    const unreachableTenantServer = Object.assign(new Error('connect ECONNREFUSED 10.0.0.9:5432'), { code: 'ECONNREFUSED' });
    const gated = core.offline.wrap({
      'tenants:suspend': async () => {
        throw unreachableTenantServer;
      },
    } as unknown as Handlers);
    await expect(gated['tenants:suspend']({ ref: codes[0]!, reason: 'x', expectedVersion: 1, backupFirst: false, overrideBackupFailure: false }, { origin: 'test' })).rejects.toBe(unreachableTenantServer);
    expect(core.offline.connectivity.online).toBe(true);
    expect(seen.filter((status) => !status.online)).toEqual([]);
  });

  it('goes offline on the first failed call and serves the same answers from the snapshot', async () => {
    await outage.forceStop();
    const before = Date.now();
    const first = await call(core, 'tenants:list', {});
    expect(Date.now() - before).toBeLessThan(15_000);
    expect(seen.at(-1)).toMatchObject({ online: false });
    expect(seen.at(-1)!.reason).toMatch(/not answering/);
    const status = await call(core, 'console:status', {});
    expect(status).toMatchObject({ online: false, review: null });
    expect(first.snapshot).toMatchObject({ source: 'live', asOf: status.snapshotAt });

    for (const query of queries) {
      const { snapshot, ...offline } = await call(core, 'tenants:list', query);
      expect(snapshot?.source).toBe('live');
      expect(offline).toEqual(online.get(JSON.stringify(query)));
    }
    const detail = await call(core, 'tenants:get', { ref: `offline-b-${process.pid}` });
    const { snapshot, ...rest } = detail;
    expect(rest).toEqual(online.get('detail'));
    expect(snapshot!.asOf >= status.snapshotAt!).toBe(true);
    expect((await call(core, 'tenants:operations', { ref: codes[1]! })).map((op) => op.kind)).toContain('suspend');
  });

  it('refuses every change at once with the reason, and audits the refusal', async () => {
    const started = Date.now();
    const refused = await callError(core, 'tenants:activate', { ref: codes[1]!, expectedVersion: 2 });
    expect(refused).toEqual({ code: 'DATABASE_UNAVAILABLE', message: 'Offline — the platform database is not answering; this action needs it.' });
    expect((await callError(core, 'settings:update', { cancellationRetentionDays: 9 })).code).toBe('DATABASE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(2_000);
    const [last] = (await call(core, 'audit:list', { source: 'local', limit: 1 })).rows;
    expect(last).toMatchObject({ action: 'settings:update', outcome: 'DATABASE_UNAVAILABLE' });
    expect((await call(core, 'audit:status', {})).outboxDepth).toBeGreaterThan(0);
    // Reads with no snapshot say plainly that the database is needed.
    expect((await callError(core, 'plans:list', {})).code).toBe('DATABASE_UNAVAILABLE');
  });

  it('exports the snapshot while offline', async () => {
    const exported = await call(core, 'snapshot:export', {});
    expect(exported.tenantCount).toBe(3);
    expect(JSON.parse(exported.content)).toMatchObject({ format: 'tenant-console-snapshot', sourceConsole: core.cache!.consoleId });
    online.set('file', exported);
  });

  it('comes back when the database answers: live answers, outbox drained', async () => {
    await outage.acquire();
    const status = await core.offline.connectivity.check();
    expect(status.online).toBe(true);
    expect(seen.at(-1)).toMatchObject({ online: true, reason: null });
    expect((await call(core, 'tenants:list', {})).snapshot).toBeUndefined();
    await call(core, 'tenants:activate', { ref: codes[1]!, expectedVersion: 2 });
    for (const deadline = Date.now() + 30_000; (await call(core, 'audit:status', {})).outboxDepth > 0; ) {
      if (Date.now() > deadline) throw new Error('outbox not drained');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  it('reviews an imported snapshot read-only until the review is closed', async () => {
    const file = online.get('file') as { content: string; fileName: string };
    const imported = await call(core, 'snapshot:import', { content: file.content, fileName: file.fileName });
    expect(imported.tenantCount).toBe(3);
    expect(seen.at(-1)!.review).toMatchObject({ sourceConsole: core.cache!.consoleId, fileName: file.fileName });
    // The imported copy still has the tenant suspended, though it was activated since.
    expect(await call(core, 'tenants:get', { ref: codes[1]! })).toMatchObject({ status: 'suspended', snapshot: { source: 'imported' } });
    const refused = await callError(core, 'tenants:suspend', { ref: codes[0]!, reason: 'Fraud', expectedVersion: 1 });
    expect(refused.code).toBe('INVALID_STATE');
    expect(refused.message).toMatch(/^Reviewing snapshot from .+ as of .+ — read-only/);

    expect((await callError(core, 'snapshot:import', { content: '{"format":"tenant-console-snapshot","formatVersion":7}' })).message).toMatch(/format version 7/);
    expect((await call(core, 'console:status', {})).review).not.toBeNull();

    await call(core, 'snapshot:closeReview', {});
    expect(await call(core, 'tenants:get', { ref: codes[1]! })).toMatchObject({ status: 'active' });
    const actions = (await call(core, 'audit:list', { source: 'local', limit: 10 })).rows.map((row) => `${row.action}:${row.outcome}`);
    expect(actions.slice(0, 4)).toEqual(['snapshot:closeReview:ok', 'snapshot:import:VALIDATION', 'tenants:suspend:INVALID_STATE', 'snapshot:import:ok']);
  });
});
