import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../src-main/app/console-core';
import type { CliSignal } from '../../src-main/cli/cli-context';
import { runCliInProcess } from '../support/run-cli';
import { dropTestPlatform, embeddedTarget, openTestCore, operatorEnv, uniquePlatformDatabase } from '../support/servers';

/** `tenantctl api-keys …` and `tenantctl api serve` (issue 13), in process, on one platform. */
describe('tenantctl api-keys and api serve', () => {
  let core: ConsoleCore;
  let url = '';
  let dataDir = '';
  let env: Record<string, string> = {};
  const platformDatabase = uniquePlatformDatabase('apicli');
  const run = (args: string[], options?: Parameters<typeof runCliInProcess>[2]) => runCliInProcess(args, env, options);

  beforeAll(async () => {
    url = embeddedTarget().url;
    core = await openTestCore(url, platformDatabase);
    dataDir = await mkdtemp(join(tmpdir(), 'tc-api-cli-'));
    env = { TENANT_CONSOLE_DATABASE_URL: url, TENANT_CONSOLE_PLATFORM_DATABASE: platformDatabase, TENANT_CONSOLE_DATA_DIR: dataDir, ...(await operatorEnv(core)) };
  });
  afterAll(async () => {
    await core?.close();
    await dropTestPlatform(url, platformDatabase);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates a key once (--json: name, scopes, key), lists it without the key, revokes it', async () => {
    const created = await run(['api-keys', 'create', 'website', '--scope', 'signup', '--scope', 'tenants:read', '--expires', '2099-01-01T00:00:00Z', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const value = JSON.parse(created.stdout);
    expect(value).toMatchObject({ name: 'website', scopes: ['signup', 'tenants:read'], key: expect.stringMatching(/^tck_[A-Za-z0-9_-]{43}$/), expires_at: '2099-01-01T00:00:00.000Z' });

    const text = await run(['api-keys', 'create', 'erp', '--scope', 'limits:read']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/Key:\s+tck_\S{43}\n/);
    expect(text.stdout).toMatch(/will not be shown again/);

    const list = await run(['api-keys', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(list.stdout).not.toContain(value.key);
    expect(list.stdout).not.toMatch(/sha256|hash/i);
    expect(JSON.parse(list.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'website', scopes: ['signup', 'tenants:read'], revoked_at: null, prefix: value.key.slice(0, 12) })]),
    );
    const revoked = await run(['api-keys', 'revoke', 'website']);
    expect(revoked.code, revoked.stderr).toBe(0);
    const table = await run(['api-keys', 'list']);
    expect(table.stdout).toMatch(/website\s+signup,tenants:read\s+tck_\S+…\s+revoked/);
  });

  it('refuses bad input with exit 2, a duplicate name with 5, a second revocation with 6', async () => {
    expect((await run(['api-keys', 'create', 'x1', '--scope', 'everything'])).code).toBe(2);
    expect((await run(['api-keys', 'create', 'x1'])).code).toBe(2);
    expect((await run(['api-keys', 'create', 'Bad Name!', '--scope', 'signup'])).code).toBe(2);
    expect((await run(['api-keys', 'create', 'x1', '--scope', 'signup', '--expires', 'tomorrow'])).code).toBe(2);
    expect((await run(['api-keys', 'create', 'x2', '--scope', 'signup', '--expires', '2001-01-01T00:00:00Z'])).code).toBe(2);
    expect((await run(['api-keys', 'create', 'erp', '--scope', 'signup'])).code).toBe(5);
    expect((await run(['api-keys', 'revoke', 'nobody'])).code).toBe(3);
    expect((await run(['api-keys', 'revoke', 'website'])).code).toBe(6);
  });

  it('serves the API until Ctrl-C; refuses a non-loopback address without TLS (exit 2)', async () => {
    const refused = await run(['api', 'serve', '--listen', '0.0.0.0:8787']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/without TLS/);
    expect((await run(['api', 'serve', '--tls-cert', '/nonexistent.pem'])).code).toBe(2);
    for (const proxy of ['anyone', '10.0.0.0/33', '10.0.0.1/8/8', '*']) {
      const badProxy = await run(['api', 'serve', '--trusted-proxy', proxy]);
      expect(badProxy.code, proxy).toBe(2);
      expect(badProxy.stderr).toMatch(/A trusted proxy is an IP address or a CIDR range/);
    }

    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const listeners = new Set<(signal: CliSignal) => void>();
    const serving = run(['api', 'serve', '--listen', `127.0.0.1:${port}`, '--trusted-proxy', '127.0.0.1', '--trusted-proxy', '::1/128', '--json'], {
      signals: {
        on: (listener) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      },
    });
    let status = 0;
    for (let i = 0; i < 200 && status !== 401; i += 1) {
      status = await fetch(`http://127.0.0.1:${port}/api/tenants`).then((answer) => answer.status, () => 0);
      if (status !== 401) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(401);
    const document = (await (await fetch(`http://127.0.0.1:${port}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
    // The console core's sign-up routes come with every server.
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/signups', '/api/signups/{id}', '/api/tenants']));
    for (const listener of listeners) listener('SIGINT');
    const ended = await serving;
    expect(ended.code, ended.stderr).toBe(0);
    expect(JSON.parse(ended.stdout)).toMatchObject({ url: `http://127.0.0.1:${port}`, operator: expect.any(String) });
  }, 60_000);
});
