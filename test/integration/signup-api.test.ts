import type pg from 'pg';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../../src-shared/api/tenant-api-schemas';
import { signupAcceptedSchema, signupStatusSchema } from '../../src-shared/api/signup-api-schemas';
import type { ApiScope } from '../../src-shared/contract/api-key-channels';
import { writeSettings } from '../../src-main/settings/settings-store';
import { startTenantApi, type TenantApi } from '../../src-main/tenant-api/tenant-api-server';
import { call, uniqueTenantInput } from '../support/core-calls';
import { ownerClient } from '../support/operator-world';
import { embeddedTarget, useTestPlatform } from '../support/servers';

/**
 * POST /api/signups and GET /api/signups/{id} over real HTTP on one embedded platform: the
 * console core's sign-up routes, served by every tenant API server it starts. 202 and a status
 * URL that reaches ready, the `signup` scope, reserved and taken subdomains refused with
 * nothing made, the per-address rate limit (X-Forwarded-For believed only from a trusted
 * proxy), a double submit making one tenant, and the OpenAPI document.
 */

interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

const platform = useTestPlatform({ name: 'embedded PostgreSQL', target: embeddedTarget, skip: false }, 'signupapi');
const keys: Record<string, string> = {};
/** Behind a "proxy" on loopback: each test's requests come from addresses of their own. */
let proxied: TenantApi;
/** No trusted proxy: every request here comes from 127.0.0.1, whatever X-Forwarded-For says. */
let direct: TenantApi;
let admin: pg.Client;

async function send(base: string, method: string, path: string, options: { key?: string; body?: unknown; from?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${options.key ?? keys.website}` };
  if (options.from) headers['x-forwarded-for'] = options.from;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}), signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

function expectError(answer: Answer, status: number, code: string): string {
  expect(answer.status, JSON.stringify(answer.json)).toBe(status);
  const body = errorBodySchema.parse(answer.json);
  expect(body.error.code).toBe(code);
  expect(JSON.stringify(answer.json)).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  return body.error.message;
}

let counter = 0;
function form(company = 'Signup Api Co') {
  counter += 1;
  const suffix = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}${counter}`;
  return { company_name: company, subdomain: `sa-${suffix}`, admin_email: `owner+${suffix}@example.com` };
}
let addressCounter = 0;
const freshAddress = () => `203.0.113.${(addressCounter += 1)}`;

async function count(table: 'tenants' | 'signups', where = 'true', values: unknown[] = []): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${admin.escapeIdentifier(table)} WHERE ${where}`, values);
  return rows[0]!.n;
}

/** Polls the status URL until the sign-up settles (ready or failed). */
async function pollUntilSettled(statusUrl: string, timeoutMs = 90_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await send(proxied.url, 'GET', statusUrl);
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    const status = signupStatusSchema.parse(answer.json);
    if (status.status === 'ready' || status.status === 'failed') return answer.json;
    if (Date.now() > deadline) throw new Error(`The sign-up is still ${status.status} after ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function localEvents(action: string, operator: string): { outcome: string; details: string }[] {
  return platform.core.cache!.db.prepare<unknown[], { outcome: string; details: string }>('SELECT outcome, details FROM audit_events WHERE action = ? AND operator = ? ORDER BY seq').all(action, operator);
}

async function makeKey(name: string, scopes: ApiScope[]): Promise<string> {
  return (await call(platform.core, 'apiKeys:create', { name, scopes })).key;
}

beforeAll(async () => {
  admin = await ownerClient(platform.url, platform.platformDatabase);
  keys.website = await makeKey('website', ['signup']);
  keys.tenants = await makeKey('tenants-only', ['tenants:read', 'tenants:write']);
  proxied = await startTenantApi(platform.core, { listen: '127.0.0.1:0', trustedProxies: ['127.0.0.1'] });
  direct = await startTenantApi(platform.core, { listen: '127.0.0.1:0' });
}, 60_000);

afterAll(async () => {
  await proxied?.close();
  await direct?.close();
  await admin?.end();
});

describe('sign-up API: the OpenAPI document', () => {
  it('has the two sign-up operations, with scope signup, and validates as OpenAPI 3.1', async () => {
    const response = await fetch(`${direct.url}/api/openapi.json`);
    const document = (await response.json()) as { paths: Record<string, Record<string, { operationId: string; description: string; responses: Record<string, unknown> }>> };
    const validator = new Validator();
    const result = await validator.validate(document as never);
    expect(result.errors ?? null, JSON.stringify(result.errors)).toBeNull();
    expect(validator.version).toBe('3.1');
    expect(document.paths['/api/signups']?.post).toMatchObject({ operationId: 'createSignup', description: 'Scope: `signup`.' });
    expect(Object.keys(document.paths['/api/signups']!.post!.responses)).toEqual(expect.arrayContaining(['202', '400', '403', '409', '422', '429']));
    expect(document.paths['/api/signups/{id}']?.get).toMatchObject({ operationId: 'signupStatus', description: 'Scope: `signup`.' });
    // The API table's operations are still there.
    expect(document.paths['/api/tenants']?.post?.operationId).toBe('createTenant');
  });

  it("is served by the console's own server too (Settings → Tenant API: api:start)", async () => {
    const started = await call(platform.core, 'api:start', { listen: '127.0.0.1:0' });
    try {
      expect(started.running).toBe(true);
      const document = (await (await fetch(`${started.url}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/signups', '/api/signups/{id}']));
      expectError(await send(started.url!, 'GET', '/api/signups/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
    } finally {
      await call(platform.core, 'api:stop', {});
    }
  });

  it('refuses to start with a route twice (the core already brings the sign-up routes)', async () => {
    await expect(startTenantApi(platform.core, { listen: '127.0.0.1:0', extraRoutes: platform.core.apiRoutes })).rejects.toThrow(/two routes for id createSignup/);
  });
});

describe('sign-up API: a sign-up', () => {
  it('answers 202 with a status URL (and Location), which reaches ready with a tenant code; audited under the key', async () => {
    const input = form('Nordlicht Handel');
    const answer = await send(proxied.url, 'POST', '/api/signups', { body: input, from: freshAddress() });
    expect(answer.status, JSON.stringify(answer.json)).toBe(202);
    const accepted = signupAcceptedSchema.strict().parse(answer.json);
    expect(accepted.status_url).toBe(`/api/signups/${accepted.signup_id}`);
    expect(answer.headers.get('location')).toBe(accepted.status_url);

    const settled = await pollUntilSettled(accepted.status_url);
    expect(settled).toMatchObject({ signup_id: accepted.signup_id, status: 'ready' });
    expect(settled.tenant_code).toMatch(/^[A-Z]{2,4}\d{3,6}$/);
    const { rows } = await admin.query<{ tenant_code: string; status: string }>('SELECT tenant_code, status FROM tenants WHERE subdomain = $1', [input.subdomain]);
    expect(rows).toEqual([{ tenant_code: settled.tenant_code, status: 'active' }]);

    // The sign-up module's own events under the key's name, the HTTP calls as well.
    const requested = localEvents('signups:request', 'api-key:website');
    expect(requested.some((event) => JSON.parse(event.details).subdomain === input.subdomain)).toBe(true);
    expect(localEvents('signups:provision', 'api-key:website').some((event) => event.outcome === 'ok')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 150)); // the HTTP records are committed a few together
    expect(localEvents('api:createSignup', 'api-key:website').some((event) => JSON.parse(event.details).status === 202)).toBe(true);
  }, 120_000);

  it('answers the status URL 404 for an unknown sign-up and 400 for a malformed id', async () => {
    expectError(await send(proxied.url, 'GET', '/api/signups/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
    expectError(await send(proxied.url, 'GET', '/api/signups/not-a-uuid'), 400, 'invalid_request');
    expectError(await send(proxied.url, 'GET', "/api/signups/1'%20OR%201=1"), 400, 'invalid_request');
  });

  it('refuses a key without the signup scope (403), and creates nothing', async () => {
    const input = form();
    const before = await count('signups');
    expectError(await send(proxied.url, 'POST', '/api/signups', { key: keys.tenants, body: input, from: freshAddress() }), 403, 'forbidden');
    expectError(await send(proxied.url, 'GET', '/api/signups/00000000-0000-4000-8000-000000000000', { key: keys.tenants }), 403, 'forbidden');
    expect(await count('signups')).toBe(before);
    expect(await count('tenants', 'subdomain = $1', [input.subdomain])).toBe(0);
  });

  it('refuses reserved, malformed and taken subdomains with a clear message, and creates nothing', async () => {
    const taken = await call(platform.core, 'tenants:create', uniqueTenantInput('starter', 'Taken Co'));
    const [tenantsBefore, signupsBefore] = [await count('tenants'), await count('signups')];

    const reserved = expectError(await send(proxied.url, 'POST', '/api/signups', { body: { ...form(), subdomain: 'admin' }, from: freshAddress() }), 422, 'unprocessable');
    expect(reserved).toMatch(/"admin" is reserved/);
    expect(expectError(await send(proxied.url, 'POST', '/api/signups', { body: { ...form(), subdomain: 'WWW' }, from: freshAddress() }), 422, 'unprocessable')).toMatch(/reserved/);
    expect(expectError(await send(proxied.url, 'POST', '/api/signups', { body: { ...form(), subdomain: 'bad_label' }, from: freshAddress() }), 422, 'unprocessable')).toMatch(/letters a–z/);
    const takenMessage = expectError(await send(proxied.url, 'POST', '/api/signups', { body: { ...form(), subdomain: taken.tenant.subdomain }, from: freshAddress() }), 409, 'conflict');
    expect(takenMessage).toBe(`The subdomain "${taken.tenant.subdomain}" is already taken; choose another.`);
    // Not the API's shape: 400.
    expectError(await send(proxied.url, 'POST', '/api/signups', { body: { ...form(), role: 'admin' }, from: freshAddress() }), 400, 'invalid_request');
    expectError(await send(proxied.url, 'POST', '/api/signups', { body: { company_name: 'No Subdomain' }, from: freshAddress() }), 400, 'invalid_request');
    expect(expectError(await send(proxied.url, 'POST', '/api/signups', { body: { ...form(), plan: 'no-such-plan' }, from: freshAddress() }), 422, 'unprocessable')).toMatch(/Unknown plan "no-such-plan"/);

    expect(await count('tenants')).toBe(tenantsBefore);
    expect(await count('signups')).toBe(signupsBefore);
  }, 60_000);

  it('makes one tenant of a double submit: the same sign-up twice, the same signup_id', async () => {
    const input = form('Doppelklick GmbH');
    const address = freshAddress();
    const answers = await Promise.all([1, 2, 3].map(() => send(proxied.url, 'POST', '/api/signups', { body: input, from: address })));
    for (const answer of answers) expect(answer.status, JSON.stringify(answer.json)).toBe(202);
    const ids = new Set(answers.map((answer) => answer.json.signup_id));
    expect(ids.size).toBe(1);
    const settled = await pollUntilSettled(String(answers[0]!.json.status_url));
    expect(settled.status).toBe('ready');
    // Once more after it is ready: still the same sign-up.
    const again = await send(proxied.url, 'POST', '/api/signups', { body: input, from: address });
    expect(again.status).toBe(202);
    expect(again.json.signup_id).toBe(answers[0]!.json.signup_id);
    expect(await count('tenants', 'subdomain = $1', [input.subdomain])).toBe(1);
    expect(await count('signups', 'subdomain = $1', [input.subdomain])).toBe(1);
  }, 120_000);
});

describe('sign-up API: rate limit per client address', () => {
  it('answers 429 with Retry-After past the hourly limit; X-Forwarded-For is ignored unless the peer is a trusted proxy', async () => {
    await writeSettings(platform.core.platform.pool, { signupRequestsPerHour: 2 });
    try {
      // No trusted proxy: the forwarded address does not help, every request is 127.0.0.1's.
      const reserved = (from: string) => send(direct.url, 'POST', '/api/signups', { body: { ...form(), subdomain: 'www' }, from });
      const signupsBefore = await count('signups');
      expect((await reserved('198.51.100.1')).status).toBe(422);
      expect((await reserved('198.51.100.2')).status).toBe(422);
      const refused = await send(direct.url, 'POST', '/api/signups', { body: form(), from: '198.51.100.3' });
      expect(expectError(refused, 429, 'rate_limited')).toMatch(/Too many sign-ups from this address/);
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(3600);
      expect(await count('signups')).toBe(signupsBefore);
      const { rows } = await admin.query<{ client_address: string }>("SELECT DISTINCT client_address FROM signup_attempts WHERE client_address LIKE '198.51.100.%'");
      expect(rows).toEqual([]);

      // Behind the trusted proxy each forwarded client has its own budget.
      const client = freshAddress();
      expect((await send(proxied.url, 'POST', '/api/signups', { body: { ...form(), subdomain: 'www' }, from: client })).status).toBe(422);
      expect((await send(proxied.url, 'POST', '/api/signups', { body: { ...form(), subdomain: 'www' }, from: client })).status).toBe(422);
      expectError(await send(proxied.url, 'POST', '/api/signups', { body: form(), from: client }), 429, 'rate_limited');
      expect((await send(proxied.url, 'POST', '/api/signups', { body: { ...form(), subdomain: 'www' }, from: freshAddress() })).status).toBe(422);
      // A spoofed chain counts for the address the trusted proxy saw (the right-most untrusted one).
      expectError(await send(proxied.url, 'POST', '/api/signups', { body: form(), from: `10.9.9.9, ${client}` }), 429, 'rate_limited');
    } finally {
      await writeSettings(platform.core.platform.pool, { signupRequestsPerHour: null });
    }
  }, 60_000);
});
