import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsoleCore, type ConsoleCore } from '../../src-main/app/console-core';
import { createSilentLogger } from '../../src-main/logging/logger';
import { call, callError, uniqueTenantInput } from '../support/core-calls';
import { dropTestPlatform, embeddedTarget, uniquePlatformDatabase } from '../support/servers';

/** A TCP relay to the test server that can be cut and restored: an outage without stopping a shared server. */
class Relay {
  #server: Server | null = null;
  readonly #sockets = new Set<Socket>();
  port = 0;

  /** `path`: the server's Unix socket, so it applies its local (socket) authentication rules. */
  constructor(readonly path: string) {}

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection({ path: this.path });
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  async down(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
    this.#server = null;
  }
}

describe('a console whose external server does not answer at start', () => {
  const platformDatabase = uniquePlatformDatabase('offstart');
  const logger = createSilentLogger();
  let target: URL;
  let relay: Relay;
  let dataDir: string;
  let core: ConsoleCore | null = null;
  const viaRelay = () => {
    const url = new URL(target);
    url.searchParams.delete('host');
    url.hostname = '127.0.0.1';
    url.port = String(relay.port);
    return url.toString();
  };
  const open = () => openConsoleCore({ mode: 'cli', dataDir, databaseUrl: viaRelay(), platformDatabase, logger, offline: { probeIntervalMs: 60_000 } });

  beforeAll(async () => {
    target = new URL(embeddedTarget().url);
    // The shared test server is reached through its socket folder (?host=…).
    relay = new Relay(join(target.searchParams.get('host')!, `.s.PGSQL.${target.port}`));
    await relay.up();
    dataDir = await mkdtemp(join(tmpdir(), 'tc-offline-start-'));
  });
  afterAll(async () => {
    await core?.close();
    await relay.down();
    await dropTestPlatform(embeddedTarget().url, platformDatabase);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses to start offline when told not to (startOffline: false)', async () => {
    await relay.down();
    await expect(openConsoleCore({ mode: 'cli', dataDir, databaseUrl: viaRelay(), platformDatabase, logger, startOffline: false })).rejects.toThrow();
    await relay.up();
  });
  it('opens on its cache, serves the snapshot, refuses changes, and connects when the server answers', async () => {
    // An earlier session, online, left a snapshot behind.
    const first = await open();
    const { tenant } = await call(first, 'tenants:create', uniqueTenantInput('starter', 'Plane Review Ltd'));
    await call(first, 'tenants:list', {});
    await first.offline.refreshTenants();
    await first.close();

    await relay.down();
    core = await open();
    const status = await call(core, 'console:status', {});
    expect(status).toMatchObject({ online: false });
    expect(status.reason).toMatch(/not answering/);
    expect((await call(core, 'app:info', {})).server.serverVersion).toBe('unknown (offline)');
    const listed = await call(core, 'tenants:list', {});
    expect(listed.rows.map((row) => row.tenantCode)).toEqual([tenant.tenantCode]);
    expect(listed.snapshot?.source).toBe('live');
    expect(await call(core, 'tenants:get', { ref: tenant.subdomain })).toMatchObject({ tenantCode: tenant.tenantCode, snapshot: { source: 'live' } });
    expect((await callError(core, 'tenants:create', uniqueTenantInput())).code).toBe('DATABASE_UNAVAILABLE');

    await relay.up();
    expect((await core.offline.connectivity.check()).online).toBe(true);
    expect((await call(core, 'app:info', {})).server.serverVersion).toMatch(/^\d+/);
    const second = await call(core, 'tenants:create', uniqueTenantInput('professional', 'Landed Again Ltd'));
    const live = await call(core, 'tenants:list', {});
    expect(live.snapshot).toBeUndefined();
    expect(live.rows.map((row) => row.tenantCode).sort()).toEqual([tenant.tenantCode, second.tenant.tenantCode].sort());
    // The refused create was audited offline, and the log reaches the platform now.
    for (const deadline = Date.now() + 30_000; (await call(core, 'audit:status', {})).outboxDepth > 0; ) {
      if (Date.now() > deadline) throw new Error('outbox not drained');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const fleet = await call(core, 'audit:list', { source: 'fleet', action: 'tenants:create', outcome: 'DATABASE_UNAVAILABLE' });
    expect(fleet.rows).toHaveLength(1);
  });

});
