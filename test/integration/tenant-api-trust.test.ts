import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyVerifier } from '../../src-main/api-keys/api-key-store';
import { TENANT_API_TRUST_MS } from '../../src-main/base/tenant-api-trust';
import { startTenantApi, type TenantApi } from '../../src-main/tenant-api/tenant-api-server';
import type { OperatorRole } from '../../src-shared/contract/operator-roles';
import { call, uniqueTenantInput } from '../support/core-calls';
import { ownerClient, signedInOperators, type SignedInOperator } from '../support/operator-world';
import { embeddedTarget, useTestPlatform } from '../support/servers';

/**
 * What the tenant API takes on trust for TENANT_API_TRUST_MS (base/tenant-api-trust.ts) to keep
 * check-limit within its 2 ms budget, and the bounds it promises: a revoked key, a disabled
 * operator are refused within the bound; an expiry is exact; changes always ask PostgreSQL;
 * every check-limit call still reaches the audit log under the key's name, chain intact.
 */

const platform = useTestPlatform({ name: 'embedded PostgreSQL', target: embeddedTarget, skip: false }, 'apitrust');
/** Slack for the polling step and a busy machine: the bound itself is TENANT_API_TRUST_MS. */
const EPSILON_MS = 400;
let admin: pg.Client;
let code = '';

async function checkLimit(api: TenantApi, key: string): Promise<{ status: number; body: { error?: { message: string } } }> {
  const response = await fetch(`${api.url}/api/tenants/${code}/check-limit`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ resource_type: 'company' }),
  });
  return { status: response.status, body: (await response.json()) as { error?: { message: string } } };
}

/** Asks every 25 ms until the answer is not 200; how long after `since` that was. */
async function refusedAfter(api: TenantApi, key: string, since: number, timeoutMs = 5_000): Promise<{ afterMs: number; status: number; message: string }> {
  for (;;) {
    const answer = await checkLimit(api, key);
    const afterMs = performance.now() - since;
    if (answer.status !== 200) return { afterMs, status: answer.status, message: answer.body.error?.message ?? '' };
    if (afterMs > timeoutMs) throw new Error(`still answered 200 after ${Math.round(afterMs)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  admin = await ownerClient(platform.url, platform.platformDatabase);
  code = (await call(platform.core, 'tenants:create', uniqueTenantInput('starter', 'Trust Co'))).tenant.tenantCode;
}, 120_000);

afterAll(async () => {
  await admin?.end();
});

describe('tenant API: API keys taken on trust for a moment', () => {
  it('refuses a revoked key within the bound (it was trusted before)', async () => {
    const { key } = await call(platform.core, 'apiKeys:create', { name: 'trust-revoked', scopes: ['limits:read'] });
    const api = await startTenantApi(platform.core, { listen: '127.0.0.1:0' });
    try {
      expect((await checkLimit(api, key)).status).toBe(200);
      const revokedAt = performance.now();
      await call(platform.core, 'apiKeys:revoke', { name: 'trust-revoked' });
      const refused = await refusedAfter(api, key, revokedAt);
      expect(refused).toMatchObject({ status: 401, message: expect.stringMatching(/revoked/) });
      expect(refused.afterMs).toBeLessThan(TENANT_API_TRUST_MS + EPSILON_MS);
      // And it stays refused.
      expect((await checkLimit(api, key)).status).toBe(401);
    } finally {
      await api.close();
    }
  });

  it('honours an expiry exactly, whatever the trust window', async () => {
    const { key } = await call(platform.core, 'apiKeys:create', { name: 'trust-expiring', scopes: ['limits:read'] });
    await admin.query("UPDATE api_keys SET expires_at = now() + interval '600 milliseconds' WHERE name = 'trust-expiring'");
    const api = await startTenantApi(platform.core, { listen: '127.0.0.1:0' });
    try {
      expect((await checkLimit(api, key)).status).toBe(200);
      const { rows } = await admin.query<{ left_ms: number }>("SELECT (extract(epoch FROM expires_at - now()) * 1000)::float8 AS left_ms FROM api_keys WHERE name = 'trust-expiring'");
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, rows[0]!.left_ms) + 50));
      // Well within TENANT_API_TRUST_MS of the first (accepted) call: refused all the same.
      const after = await checkLimit(api, key);
      expect(after.status).toBe(401);
      expect(after.body.error?.message).toMatch(/expired/);
    } finally {
      await api.close();
    }
  });

  it('trusts for exactly the window on its own clock, and never remembers a refusal', async () => {
    let now = 1_000_000;
    const verifier = new ApiKeyVerifier(platform.core.platform.ownerPool, { now: () => now, trustMs: TENANT_API_TRUST_MS });
    const { key } = await call(platform.core, 'apiKeys:create', { name: 'trust-clock', scopes: ['limits:read'] });
    expect(await verifier.verify(key)).toMatchObject({ ok: true, name: 'trust-clock' });
    await call(platform.core, 'apiKeys:revoke', { name: 'trust-clock' });
    now += TENANT_API_TRUST_MS - 1;
    expect(await verifier.verify(key)).toMatchObject({ ok: true });
    now += 1;
    expect(await verifier.verify(key)).toEqual({ ok: false, reason: 'revoked' });
    // A refusal is asked again every time (a re-enabled key is not possible, but an unknown one may appear).
    now += 1;
    expect(await verifier.verify(key)).toEqual({ ok: false, reason: 'revoked' });
  });
});

describe('tenant API: the operator behind it, taken on trust for reads only', () => {
  let operators: Record<OperatorRole, SignedInOperator>;
  beforeAll(async () => {
    operators = await signedInOperators(platform.core, 'trustop');
  }, 60_000);

  it('asks PostgreSQL at every change: a demoted operator cannot create, at once', async () => {
    const { key } = await call(platform.core, 'apiKeys:create', { name: 'trust-writer', scopes: ['tenants:read', 'tenants:write'] });
    const api = await startTenantApi(platform.core, { listen: '127.0.0.1:0', browserToken: operators.admin.token });
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    try {
      // A read: the admin's decision is now remembered for reads.
      expect((await fetch(`${api.url}/api/tenants?limit=1`, { headers })).status).toBe(200);
      await call(platform.core, 'operators:setRole', { name: operators.admin.name, role: 'viewer' });
      const input = uniqueTenantInput('starter', 'Demoted Co');
      const answer = await fetch(`${api.url}/api/tenants`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ company_name: input.companyName, subdomain: input.subdomain, plan: 'starter', admin_email: input.adminEmail }),
      });
      expect(answer.status).toBe(403);
      const { rows } = await admin.query('SELECT 1 FROM tenants WHERE subdomain = $1', [input.subdomain]);
      expect(rows).toHaveLength(0);
    } finally {
      await api.close();
    }
  }, 60_000);

  it('refuses reads within the bound once the operator serving the API is disabled', async () => {
    const { key } = await call(platform.core, 'apiKeys:create', { name: 'trust-disabled-op', scopes: ['limits:read'] });
    const api = await startTenantApi(platform.core, { listen: '127.0.0.1:0', browserToken: operators.support.token });
    try {
      // Key, decision and the tenant's location are all remembered now.
      expect((await checkLimit(api, key)).status).toBe(200);
      const disabledAt = performance.now();
      await call(platform.core, 'operators:disable', { name: operators.support.name });
      const refused = await refusedAfter(api, key, disabledAt);
      expect([401, 403, 503]).toContain(refused.status);
      expect(refused.afterMs).toBeLessThan(TENANT_API_TRUST_MS + EPSILON_MS);
    } finally {
      await api.close();
    }
  }, 60_000);
});

describe('tenant API: every check-limit call audited', () => {
  it('records each of 200 concurrent calls under the key, in one unbroken chain', async () => {
    const { key } = await call(platform.core, 'apiKeys:create', { name: 'trust-audited', scopes: ['limits:read'] });
    const api = await startTenantApi(platform.core, { listen: '127.0.0.1:0' });
    const count = () =>
      platform.core.cache!.db.prepare<unknown[], { n: number }>("SELECT count(*) AS n FROM audit_events WHERE action = 'api:checkLimit' AND operator = 'api-key:trust-audited' AND tenant = ?").get(code)!.n;
    try {
      const answers = await Promise.all(Array.from({ length: 200 }, () => checkLimit(api, key)));
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
    } finally {
      // Closing commits what the read buffer holds.
      await api.close();
    }
    expect(count()).toBe(200);
    const verify = await call(platform.core, 'audit:verify', { includePlatform: false });
    expect(verify.local.ok).toBe(true);
  }, 60_000);
});
