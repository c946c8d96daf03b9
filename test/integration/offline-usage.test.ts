import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelInput, ChannelName } from '../../src-shared/contract/channels';
import { openConsoleCore, type ConsoleCore } from '../../src-main/app/console-core';
import { createSilentLogger } from '../../src-main/logging/logger';
import { percentOfLimit } from '../../src-main/offline/usage-from-snapshot';
import { EmbeddedCluster } from '../../src-main/postgres/embedded-cluster';
import { FileSecretStore } from '../../src-main/secrets/file-secret-store';
import { call, callError, uniqueTenantInput } from '../support/core-calls';

const logger = createSilentLogger();
const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The reads the Usage page and the drawer's Usage & plan tab make, each with its online answer. */
type Read = { channel: ChannelName; input: unknown };

describe('usage dashboards offline (a real outage of an own embedded cluster)', () => {
  let dataDir: string;
  let core: ConsoleCore;
  let outage: EmbeddedCluster;
  const codes: string[] = [];
  const reads: Read[] = [];
  const online = new Map<string, unknown>();
  const keyOf = (read: Read) => `${read.channel} ${JSON.stringify(read.input)}`;
  const ask = (read: Read) => call(core, read.channel, read.input as ChannelInput<typeof read.channel>) as Promise<Record<string, unknown> | unknown[]>;
  const strip = (answer: unknown) => {
    if (Array.isArray(answer)) return answer;
    const { snapshot: _snapshot, ...rest } = answer as Record<string, unknown>;
    return rest;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tc-offline-usage-'));
    await chmod(dataDir, 0o755);
    core = await openConsoleCore({ mode: 'host', dataDir, databaseUrl: null, logger, offline: { probeIntervalMs: 60_000, snapshotMinIntervalMs: 0 } });
    outage = new EmbeddedCluster({ dataDir, secretStore: new FileSecretStore(join(dataDir, 'secrets.json')), logger });
    await outage.acquire();
  }, 180_000);
  afterAll(async () => {
    await outage?.acquire().catch(() => undefined);
    await core?.close();
    await outage?.release().catch(() => undefined);
    // The stopped server may still be finishing its last WAL segment: retry like rm -rf would be retried by hand.
    await rm(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  });

  it('keeps usage, limits and the fleet dashboard after every collection', async () => {
    for (const [i, plan] of ['starter', 'professional', 'trial'].entries()) {
      const { tenant } = await call(core, 'tenants:create', { ...uniqueTenantInput(plan, `Usage ${'abc'[i]} Ltd`), subdomain: `usage-${'abc'[i]}-${process.pid}` });
      codes.push(tenant.tenantCode);
    }
    const detail = await call(core, 'tenants:get', { ref: codes[2]! });
    await call(core, 'tenants:suspend', { ref: codes[2]!, reason: 'Non-payment', expectedVersion: detail.version });
    // An override only the effective limits know (not the plan's limits in the tenant detail).
    await call(core, 'tenants:setOverride', { ref: codes[0]!, resource: 'companies', kind: 'allowance', value: 3, reason: 'Good customer' });
    // History over more than the 30-day window, and today's run through the channel.
    const now = Date.now();
    await core.usage.collect({ trigger: 'manual', now: new Date(now - 40 * DAY) });
    await core.usage.collect({ trigger: 'manual', now: new Date(now - 2 * DAY) });
    await call(core, 'usage:collect', {});
    await core.offline.refreshTenants();

    reads.push(
      { channel: 'usage:fleet', input: { days: 30 } },
      { channel: 'usage:fleet', input: { days: 90 } },
      ...codes.flatMap((ref) => [
        { channel: 'usage:tenant' as const, input: { ref } },
        { channel: 'usage:tenant' as const, input: { ref, days: 30 } },
      ]),
      { channel: 'usage:tenant', input: { ref: `usage-b-${process.pid}` } },
      { channel: 'usage:exportCsv', input: {} },
      { channel: 'usage:exportCsv', input: { filters: { from: isoDay(now - 60 * DAY), to: isoDay(now) } } },
      { channel: 'usage:exportCsv', input: { filters: { from: isoDay(now - 60 * DAY), to: isoDay(now), plan: ['professional', 'trial'], status: ['suspended'] } } },
      { channel: 'usage:exportCsv', input: { filters: { from: isoDay(now - 60 * DAY), to: isoDay(now), search: 'USAGE-A' } } },
      { channel: 'tenants:limits', input: { ref: codes[0]! } },
      { channel: 'tenants:planHistory', input: { ref: codes[1]! } },
    );
    for (const read of reads) {
      const answer = await ask(read);
      expect((answer as { snapshot?: unknown }).snapshot).toBeUndefined();
      online.set(keyOf(read), answer);
    }
    const csv = online.get(keyOf(reads.at(-5)!)) as { rows: number };
    expect(csv.rows).toBe(9); // three runs × three tenants
    const fleet = online.get(keyOf(reads[1]!)) as { trends: unknown[] };
    expect(fleet.trends.length).toBe(3);
    const tenant = online.get(keyOf(reads[2]!)) as { limits: { resource: string; limit: number | null }[]; history: unknown[] };
    expect(tenant.history.length).toBe(3);
    expect(tenant.limits.find((l) => l.resource === 'companies')!.limit).toBe(
      (await call(core, 'tenants:get', { ref: codes[0]! })).limits.companies! + 3,
    );
  });

  it('computes % of limit exactly like the SQL rule (halves, zero and unlimited limits)', async () => {
    const cases: [number | null, number | null][] = [[1, 2000], [3, 2000], [5, 2000], [1, 3], [2, 3], [7, 0], [0, 0], [4, null], [null, 5], [123, 456], [999, 1000]];
    const { rows } = await core.platform.pool.query<{ p: number | null }>(
      `SELECT percent_of_limit(c, l) AS p FROM unnest($1::int[], $2::int[]) WITH ORDINALITY AS v(c, l, n) ORDER BY n`,
      [cases.map(([c]) => c), cases.map(([, l]) => l)],
    );
    expect(cases.map(([c, l]) => percentOfLimit(c, l))).toEqual(rows.map((row) => (row.p === null ? null : Number(row.p))));
  });

  it('answers the same usage reads offline, marked with how old they are', async () => {
    await outage.forceStop();
    // The first failed call flips the console offline and is answered from the snapshot.
    expect((await call(core, 'usage:fleet', { days: 30 })).snapshot).toMatchObject({ source: 'live' });
    expect((await call(core, 'console:status', {})).online).toBe(false);
    for (const read of reads) {
      const answer = await ask(read);
      if (!Array.isArray(answer)) expect(answer.snapshot).toMatchObject({ source: 'live' });
      expect(strip(answer), keyOf(read)).toEqual(online.get(keyOf(read)));
    }
    // Nothing saved for this one: a clear refusal, not a wait.
    const missing = await callError(core, 'tenants:limits', { ref: codes[1]! });
    expect(missing).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
    expect(missing.message).toMatch(/^Offline — this console has not saved the limits of \w+ \(read from its database\) yet/);
    expect((await callError(core, 'usage:collect', {})).code).toBe('DATABASE_UNAVAILABLE');
    expect((await callError(core, 'tenants:setOverride', { ref: codes[0]!, resource: 'users', kind: 'allowance', value: 1, reason: 'x' })).code).toBe('DATABASE_UNAVAILABLE');
  });

  it('carries usage through export and import', async () => {
    const exported = await call(core, 'snapshot:export', {});
    expect(exported.usageRowCount).toBe(9);
    const imported = await call(core, 'snapshot:import', { content: exported.content, fileName: exported.fileName });
    expect(imported.usageRowCount).toBe(9);
    for (const read of reads) {
      const answer = await ask(read);
      if (!Array.isArray(answer)) expect(answer.snapshot).toMatchObject({ source: 'imported', sourceConsole: core.cache!.consoleId });
      expect(strip(answer), keyOf(read)).toEqual(online.get(keyOf(read)));
    }
    await call(core, 'snapshot:closeReview', {});
  });

  it('reads a file from before usage was kept in full (rows only) without failing', async () => {
    const file = JSON.parse((await call(core, 'snapshot:export', {})).content) as { usage: { figures?: unknown; monthStart?: unknown }[]; limits?: unknown; responses?: unknown };
    for (const row of file.usage) {
      delete row.figures;
      delete row.monthStart;
    }
    delete file.limits;
    delete file.responses;
    await call(core, 'snapshot:import', { content: JSON.stringify(file), fileName: 'old.json' });
    const usage = await call(core, 'usage:tenant', { ref: codes[0]! });
    expect(usage.snapshot?.source).toBe('imported');
    expect(usage.history.length).toBe(3);
    expect(usage.history.map((day) => day.databaseBytes)).toEqual((online.get(keyOf(reads[2]!)) as typeof usage).history.map((day) => day.databaseBytes));
    expect((await call(core, 'usage:exportCsv', {})).rows).toBe(3);
    const refused = await callError(core, 'usage:fleet', { days: 90 });
    expect(refused).toEqual({ code: 'DATABASE_UNAVAILABLE', message: 'The snapshot under review does not hold the 90-day usage dashboard.' });
    await call(core, 'snapshot:closeReview', {});
  });

  it('comes back online with live answers', async () => {
    await outage.acquire();
    expect((await core.offline.connectivity.check()).online).toBe(true);
    expect((await call(core, 'usage:fleet', { days: 30 })).snapshot).toBeUndefined();
  });
});
