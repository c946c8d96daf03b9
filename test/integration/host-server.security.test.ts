import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openConsoleCore, type ConsoleCore } from '../../src-main/app/console-core';
import { startHostServer, type HostServer } from '../../src-main/host/host-server';
import { createSilentLogger } from '../../src-main/logging/logger';
import { HOST_SESSION_HEADER, HOST_TOKEN_HEADER } from '../../src-shared/contract/host-protocol';
import type { OperatorRole } from '../../src-shared/contract/operator-roles';
import { call } from '../support/core-calls';
import { dropTestPlatform, embeddedTarget, openTestCore, uniquePlatformDatabase } from '../support/servers';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP, so the test controls Host and Origin exactly (fetch would not let it). */
function send(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}

describe('host mode HTTP boundary', () => {
  let core: ConsoleCore;
  let host: HostServer;
  let rendererDir: string;
  let url: string;
  const platformDatabase = uniquePlatformDatabase('host');

  beforeAll(async () => {
    url = embeddedTarget().url;
    core = await openTestCore(url, platformDatabase);
    rendererDir = await mkdtemp(join(tmpdir(), 'tc-renderer-'));
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Tenant Console</title>');
    host = await startHostServer(core, { port: 0, rendererDir });
  });
  afterAll(async () => {
    await host?.close();
    await core?.close();
    await dropTestPlatform(url, platformDatabase);
    await rm(rendererDir, { recursive: true, force: true });
  });

  const hostHeader = () => `127.0.0.1:${host.port}`;
  const auth = () => ({ [HOST_TOKEN_HEADER]: host.token });
  const invoke = (channel: string, body: unknown, headers: Record<string, string> = {}) =>
    send(host.port, {
      method: 'POST',
      path: `/api/invoke/${channel}`,
      headers: { host: hostHeader(), origin: `http://${hostHeader()}`, 'content-type': 'application/json', ...auth(), ...headers },
      body: JSON.stringify(body),
    });

  it('listens on loopback only and prints a token URL', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=[A-Za-z0-9_-]{43}$`));
  });

  it('serves the page for the printed URL without setting any cookie, and refuses a wrong token', async () => {
    const reply = await send(host.port, { path: `/?token=${host.token}`, headers: { host: hostHeader() } });
    expect(reply.status).toBe(200);
    expect(reply.headers['set-cookie']).toBeUndefined();
    const wrong = await send(host.port, { path: '/?token=guess', headers: { host: hostHeader() } });
    expect(wrong.status).toBe(401);
  });

  it('refuses every API request without the token header', async () => {
    expect((await invoke('tenants:list', {}, { [HOST_TOKEN_HEADER]: 'nope' })).status).toBe(401);
    const bare = await send(host.port, { method: 'POST', path: '/api/invoke/tenants:list', headers: { host: hostHeader(), 'content-type': 'application/json' }, body: '{}' });
    expect(bare.status).toBe(401);
    expect((await send(host.port, { path: '/api/events', headers: { host: hostHeader() } })).status).toBe(401);
    expect((await send(host.port, { path: '/api/events?token=nope', headers: { host: hostHeader() } })).status).toBe(401);
  });

  // Attack: browsers send a 127.0.0.1 cookie to every port, so another local web service the
  // operator visits would receive a session cookie and could replay it. A cookie is no credential.
  it('does not accept the token as a cookie (what another local service on 127.0.0.1 would receive)', async () => {
    const replayed = await send(host.port, {
      method: 'POST',
      path: '/api/invoke/tenants:list',
      headers: { host: hostHeader(), 'content-type': 'application/json', cookie: `tc_session=${host.token}` },
      body: '{}',
    });
    expect(replayed.status).toBe(401);
  });

  // Attack: a page on another port sets a cookie for 127.0.0.1 with broken percent-encoding.
  it('ignores foreign cookies, however malformed, and answers malformed paths with 400', async () => {
    const withJunk = await invoke('tenants:list', {}, { cookie: 'tc_session=%E0%A4%A; other=%%%; =; ;;' });
    expect(withJunk.status).toBe(200);
    expect(JSON.parse(withJunk.body)).toMatchObject({ ok: true });
    const badChannel = await invoke('tenants%E0%A4%A', {});
    expect(badChannel.status).toBe(400);
    expect(JSON.parse(badChannel.body)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const badStatic = await send(host.port, { path: '/assets/%E0%A4%A.js', headers: { host: hostHeader() } });
    expect(badStatic.status).toBeGreaterThanOrEqual(400);
    expect(badStatic.status).toBeLessThan(500);
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin (CSRF)', async () => {
    expect((await invoke('tenants:list', {}, { host: `evil.example:${host.port}` })).status).toBe(421);
    expect((await invoke('tenants:list', {}, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await invoke('tenants:list', {}, { 'content-type': 'text/plain' })).status).toBe(415);
  });

  it('serves the page with a strict CSP and security headers', async () => {
    const reply = await send(host.port, { path: '/', headers: { host: hostHeader() } });
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('Tenant Console');
    expect(reply.headers['content-security-policy']).toContain("default-src 'none'");
    expect(reply.headers['x-frame-options']).toBe('DENY');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers exactly what IPC dispatch answers, validation included', async () => {
    for (const [channel, input] of [
      ['tenants:list', { limit: 5 }],
      ['tenants:create', { companyName: '', subdomain: 'www', plan: 'x', adminEmail: 'y' }],
      ['tenants:get', { ref: 'NOPE999' }],
      ['tenants:drop', {}],
      ['plans:list', {}],
    ] as const) {
      const reply = await invoke(channel, input);
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toEqual(await core.dispatch(channel, input, { origin: 'test' }));
    }
    const malformed = await send(host.port, {
      method: 'POST',
      path: '/api/invoke/tenants:list',
      headers: { host: hostHeader(), 'content-type': 'application/json', ...auth() },
      body: '{not json',
    });
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('streams contract events to the browser', async () => {
    const received = new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: `/api/events?token=${host.token}`, headers: { host: hostHeader() } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('event: tenant:changed')) {
            req.destroy();
            resolve(text);
          } else if (text.includes(': connected')) {
            core.events.emit('tenant:changed', { tenantCode: 'ACME001', status: 'suspended', version: 2 });
          }
        });
      });
      req.on('error', reject);
      req.end();
    });
    expect(await received).toContain('data: {"tenantCode":"ACME001","status":"suspended","version":2}');
  });

  describe('a browser tab signed in as its own operator (session header)', () => {
    const NEW_PASSWORD = 'a long new password 42';
    /** The result of a call through host mode, with the tab's session header when given. */
    const invokeAs = async (session: string | null, channel: string, input: unknown = {}) => {
      const reply = await invoke(channel, input, session === null ? {} : { [HOST_SESSION_HEADER]: session });
      expect(reply.status).toBe(200);
      return JSON.parse(reply.body) as { ok: boolean; value?: Record<string, unknown> & { session: { operator: string; role: string } | null }; error?: { code: string; message: string } };
    };
    const addOperator = async (role: OperatorRole) => {
      const name = `host_${role}_${randomBytes(3).toString('hex')}`;
      const { password } = await call(core, 'operators:add', { name, role });
      return { name, password };
    };
    /** Signs a tab in and chooses a new password (the one-time one must go first): its session token. */
    const signedInTab = async (role: OperatorRole): Promise<{ name: string; token: string }> => {
      const { name, password } = await addOperator(role);
      const signedIn = await invokeAs(null, 'session:signIn', { operator: name, password });
      expect(signedIn).toMatchObject({ ok: true, value: { session: { operator: name, role, mustChangePassword: true } } });
      const token = signedIn.value!.sessionToken as string;
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect((await invokeAs(token, 'session:changePassword', { currentPassword: password, newPassword: NEW_PASSWORD })).ok).toBe(true);
      return { name, token };
    };
    let consoleOperator: string;

    beforeAll(async () => {
      consoleOperator = (await call(core, 'session:current', {})).session!.operator;
    });

    it('runs the tab as its own operator; calls without the header stay the console operator', async () => {
      const viewer = await signedInTab('viewer');
      expect((await invokeAs(viewer.token, 'session:current')).value!.session).toMatchObject({ operator: viewer.name, role: 'viewer', mustChangePassword: false });
      expect((await invokeAs(viewer.token, 'tenants:list', { limit: 1 })).ok).toBe(true);
      // PostgreSQL decides, as the tab's operator: a viewer may not change settings.
      expect(await invokeAs(viewer.token, 'settings:update', { cancellationRetentionDays: 31 })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN', message: 'permission denied: viewer may not change settings' },
      });
      expect((await invokeAs(null, 'session:current')).value!.session).toMatchObject({ operator: consoleOperator, role: 'admin' });
    });

    // The session's pool opens new connections after the change: with the new password, not the one-time one.
    it('keeps working after the new password, on connections opened after the change', async () => {
      const tab = await signedInTab('support');
      const answers = await Promise.all(Array.from({ length: 8 }, () => invokeAs(tab.token, 'tenants:list', { limit: 1 })));
      for (const answer of answers) expect(answer).toMatchObject({ ok: true });
    });

    it('asks a tab signed in with a one-time password for a new one before anything else', async () => {
      const { name, password } = await addOperator('support');
      const token = (await invokeAs(null, 'session:signIn', { operator: name, password })).value!.sessionToken as string;
      expect(await invokeAs(token, 'tenants:list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED', message: expect.stringMatching(/choose a new password/) } });
      expect((await invokeAs(token, 'session:current')).value!.session).toMatchObject({ operator: name, mustChangePassword: true });
    });

    // Attack: a guessed, stale or forged session header must never run as the console's operator.
    it('answers an unknown, empty or oversized session token UNAUTHENTICATED, never as the console operator', async () => {
      for (const forged of [randomBytes(32).toString('base64url'), 'x', ' ', '', 'a'.repeat(500)]) {
        expect(await invokeAs(forged, 'tenants:list', {}), JSON.stringify(forged)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
        expect(await invokeAs(forged, 'settings:update', { cancellationRetentionDays: 31 })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
      }
      // The sign-in screen's own question answers "nobody", not the console's operator.
      const asked = await invokeAs(randomBytes(32).toString('base64url'), 'session:current');
      expect(asked).toMatchObject({ ok: true, value: { session: null } });
      // A second header is joined with the first by Node: no session has that name either.
      const viewer = await signedInTab('viewer');
      expect(await invokeAs(`${viewer.token}, ${viewer.token}`, 'tenants:list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
      expect((await call(core, 'settings:get', {})).cancellationRetentionDays).not.toBe(31);
    });

    it('ends a tab session after the idle time, at sign-out and when the operator is disabled', async () => {
      const idle = await signedInTab('support');
      // The idle time has passed (30 minutes by default): the session is gone for good.
      const session = await core.sessions.resolve(idle.token);
      session!.lastUsedAt = Date.now() - 31 * 60_000;
      expect(await invokeAs(idle.token, 'tenants:list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
      expect((await invokeAs(idle.token, 'session:current')).value!.session).toBeNull();

      const leaving = await signedInTab('billing');
      expect((await invokeAs(leaving.token, 'session:signOut')).ok).toBe(true);
      expect(await invokeAs(leaving.token, 'tenants:list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
      // Signing the tab out does not sign out the console's operator.
      expect((await invokeAs(null, 'session:current')).value!.session).toMatchObject({ operator: consoleOperator });

      const disabled = await signedInTab('viewer');
      await call(core, 'operators:disable', { name: disabled.name });
      expect(await invokeAs(disabled.token, 'tenants:list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    });

    // Attack: a session token seen by (or stolen from) one console replayed on another console of the same platform.
    it('a session token of one console is not valid on another console of the same platform', async () => {
      const tab = await signedInTab('admin');
      const other = await openConsoleCore({
        platformDatabase,
        mode: 'cli',
        databaseUrl: url,
        dataDir: inject('embeddedDataDir'),
        cacheFile: `${inject('embeddedDataDir')}/cache-${platformDatabase}-second.sqlite`,
        logger: createSilentLogger(),
        reconcileOnStart: false,
      });
      const otherHost = await startHostServer(other, { port: 0, rendererDir });
      try {
        const reply = await send(otherHost.port, {
          method: 'POST',
          path: '/api/invoke/tenants:list',
          headers: {
            host: `127.0.0.1:${otherHost.port}`,
            'content-type': 'application/json',
            [HOST_TOKEN_HEADER]: otherHost.token,
            [HOST_SESSION_HEADER]: tab.token,
          },
          body: '{}',
        });
        expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
        // And the first console's URL token does not open the second at all.
        const crossed = await send(otherHost.port, {
          method: 'POST',
          path: '/api/invoke/tenants:list',
          headers: { host: `127.0.0.1:${otherHost.port}`, 'content-type': 'application/json', [HOST_TOKEN_HEADER]: host.token, [HOST_SESSION_HEADER]: tab.token },
          body: '{}',
        });
        expect(crossed.status).toBe(401);
      } finally {
        await otherHost.close();
        await other.close();
      }
      expect((await invokeAs(tab.token, 'session:current')).value!.session).toMatchObject({ operator: tab.name, role: 'admin' });
    });
  });
});
