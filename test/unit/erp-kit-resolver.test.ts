import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TenantKitError, TenantResolver, type TenantResolverOptions } from '../../erp-kit/src/index';
import { startStandInTenantApi, type ResolveAnswer, type StandInTenantApi } from '../support/stand-in-tenant-api';

// The kit's resolver against a real HTTP server that plays /api/resolve (a stand-in for the
// tenant API until its branch lands): caching, TTLs, single flight, timeouts, bad answers.

const acme: ResolveAnswer = {
  tenant_code: 'ACME001',
  status: 'active',
  plan: 'starter',
  subdomain: 'acme',
  connection: { host: '127.0.0.1', port: 5432, database: 'tenant_acme001', user: 'tenant_acme001_app' },
};
const statuses = new Map<string, string>([['ACME001', 'active'], ['SUSP001', 'suspended']]);

function answerFor(code: string): ResolveAnswer | null {
  const status = statuses.get(code);
  if (!status) return null;
  return { ...acme, tenant_code: code, status, subdomain: code.toLowerCase(), connection: { ...acme.connection, database: `tenant_${code.toLowerCase()}` } };
}

let api: StandInTenantApi;
beforeAll(async () => {
  api = await startStandInTenantApi((query) => {
    if ('tenant_code' in query) return answerFor(query.tenant_code);
    const sub = query.host.split('.')[0]!;
    return answerFor(sub.toUpperCase());
  });
});
afterAll(() => api.close());
afterEach(() => {
  api.requests.length = 0;
  api.delay = { ms: 0 };
  api.failWith = null;
  statuses.set('ACME001', 'active');
});

/** A resolver on a clock the test moves. */
function resolverWith(options: Partial<TenantResolverOptions> = {}) {
  const clock = { now: 1_000_000 };
  const resolver = new TenantResolver({ apiUrl: api.url, apiKey: api.key, now: () => clock.now, ...options });
  return { resolver, clock };
}

async function kitError(promise: Promise<unknown>): Promise<TenantKitError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TenantKitError);
  return error as TenantKitError;
}

describe('the ERP kit resolves tenants through /api/resolve', () => {
  it('finds a tenant by host (any case, with a port) or by code, with the Bearer key, and never keeps a password', async () => {
    api.delay = { ms: 0 };
    const { resolver } = resolverWith();
    const byHost = await resolver.byHost('ACME001.yourerp.com:8443');
    expect(byHost).toEqual({
      tenantCode: 'ACME001',
      status: 'active',
      plan: 'starter',
      subdomain: 'acme001',
      connection: { host: '127.0.0.1', port: 5432, database: 'tenant_acme001', user: 'tenant_acme001_app' },
    });
    expect(api.requests).toEqual([{ host: 'acme001.yourerp.com' }]);
    expect(await resolver.byCode('ACME001')).toEqual(byHost);

    // An answer carrying a password (a misconfigured API) does not leak it into the kit's objects.
    const leaky = await startStandInTenantApi(() => ({ ...acme, connection: { ...acme.connection, password: 'secret' } }) as ResolveAnswer);
    try {
      const tenant = await new TenantResolver({ apiUrl: leaky.url, apiKey: leaky.key }).byCode('ACME001');
      expect(JSON.stringify(tenant)).not.toContain('secret');
    } finally {
      await leaky.close();
    }
  });

  it('caches an active tenant for the TTL, and asks again after it', async () => {
    const { resolver, clock } = resolverWith({ ttlMs: 5_000 });
    for (let i = 0; i < 3; i += 1) await resolver.byHost('acme001.yourerp.com');
    expect(api.requests).toHaveLength(1);
    clock.now += 4_999;
    await resolver.byHost('acme001.yourerp.com');
    expect(api.requests).toHaveLength(1);
    clock.now += 2;
    statuses.set('ACME001', 'suspended');
    expect((await resolver.byHost('acme001.yourerp.com')).status).toBe('suspended');
    expect(api.requests).toHaveLength(2);
    // fresh: past the cache (what the kit does when the database refuses a login).
    statuses.set('ACME001', 'active');
    expect((await resolver.byHost('acme001.yourerp.com', { fresh: true })).status).toBe('active');
    expect(api.requests).toHaveLength(3);
  });

  it('keeps unknown and suspended tenants only for the short negative TTL', async () => {
    const { resolver, clock } = resolverWith({ ttlMs: 5_000, negativeTtlMs: 1_000 });
    expect((await kitError(resolver.byCode('NOPE001'))).status).toBe(404);
    expect((await kitError(resolver.byCode('NOPE001'))).body).toEqual({ error: 'Unknown tenant.', code: 'unknown_tenant' });
    expect((await resolver.byCode('SUSP001')).status).toBe('suspended');
    await resolver.byCode('SUSP001');
    expect(api.requests).toHaveLength(2);
    clock.now += 1_001;
    statuses.set('NOPE001', 'active');
    try {
      expect((await resolver.byCode('NOPE001')).status).toBe('active');
    } finally {
      statuses.delete('NOPE001');
    }
    await resolver.byCode('SUSP001');
    expect(api.requests).toHaveLength(4);
  });

  it('asks once for many concurrent requests of one tenant', async () => {
    api.delay = { ms: 100 };
    const { resolver } = resolverWith();
    const answers = await Promise.all(Array.from({ length: 20 }, () => resolver.byHost('acme001.yourerp.com')));
    expect(new Set(answers.map((a) => a.tenantCode))).toEqual(new Set(['ACME001']));
    expect(api.requests).toHaveLength(1);
  });

  it('gives up on a slow API within its timeout (503, nothing cached), whether it stalls the headers or the body', async () => {
    const { resolver } = resolverWith({ timeoutMs: 200 });
    for (const delay of [{ ms: 3_000 }, { ms: 3_000, stallBody: true }]) {
      api.delay = delay;
      const started = performance.now();
      const error = await kitError(resolver.byCode('ACME001'));
      const took = performance.now() - started;
      expect(error.status).toBe(503);
      expect(error.body.code).toBe('tenant_directory_unavailable');
      expect(error.retryAfter).toBe(2);
      expect((error.cause as Error).message).toMatch(/did not answer within 200 ms/);
      expect(took).toBeGreaterThanOrEqual(190);
      expect(took).toBeLessThan(1_500);
    }
    api.delay = { ms: 0 };
    expect((await resolver.byCode('ACME001')).status).toBe('active');
  });

  it('serves a stale answer while the API fails, for staleIfErrorMs only', async () => {
    const { resolver, clock } = resolverWith({ ttlMs: 1_000, staleIfErrorMs: 10_000 });
    await resolver.byCode('ACME001');
    api.failWith = 500;
    clock.now += 5_000;
    expect((await resolver.byCode('ACME001')).status).toBe('active');
    clock.now += 6_001;
    const error = await kitError(resolver.byCode('ACME001'));
    expect(error.status).toBe(503);
    expect((error.cause as Error).message).toMatch(/answered 500/);
  });

  it('treats a refused key and a malformed answer as the API failing, not as an answer', async () => {
    const wrongKey = new TenantResolver({ apiUrl: api.url, apiKey: 'wrong' });
    const refused = await kitError(wrongKey.byCode('ACME001'));
    expect(refused.status).toBe(503);
    expect((refused.cause as Error).message).toMatch(/answered 401 to \/api\/resolve: UNAUTHORIZED/);

    for (const bad of [{ ...acme, connection: { ...acme.connection, port: 'x' } }, { ...acme, tenant_code: "A'; DROP" }, { ...acme, connection: null }, []]) {
      const malformed = await startStandInTenantApi(() => bad as unknown as ResolveAnswer);
      try {
        const resolver = new TenantResolver({ apiUrl: malformed.url, apiKey: malformed.key });
        expect((await kitError(resolver.byCode('ACME001'))).status).toBe(503);
        expect((await kitError(resolver.byCode('ACME001'))).status).toBe(503);
        expect(malformed.requests).toHaveLength(2); // a bad answer is never cached
      } finally {
        await malformed.close();
      }
    }
  });

  it('refuses a request that names no valid tenant without asking the API', async () => {
    const { resolver } = resolverWith();
    for (const host of ['', 'acme_corp.example.com', 'a..b', 'evil.com/x', `${'a'.repeat(64)}.com`]) {
      expect((await kitError(resolver.byHost(host))).status).toBe(400);
    }
    for (const code of ['', 'ACME 001', '../ACME', 'x'.repeat(65)]) {
      expect((await kitError(resolver.byCode(code))).status).toBe(400);
    }
    expect(api.requests).toHaveLength(0);
  });

  it('passes the API\'s own refusal of a host or code (400) on as 400, not as an outage', async () => {
    const strict = await startStandInTenantApi(() => null);
    strict.failWith = 400;
    try {
      const resolver = new TenantResolver({ apiUrl: strict.url, apiKey: strict.key });
      const error = await kitError(resolver.byCode('acme001'));
      expect(error.status).toBe(400);
      expect(error.body.code).toBe('no_tenant');
    } finally {
      await strict.close();
    }
  });
});
