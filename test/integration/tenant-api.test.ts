import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkLimitResponseSchema,
  createTenantResponseSchema,
  errorBodySchema,
  listTenantsResponseSchema,
  resolveResponseSchema,
  rotateResponseSchema,
  statusResponseSchema,
  apiTenantSchema,
  apiUsageSchema,
} from '../../src-shared/api/tenant-api-schemas';
import type { ApiScope } from '../../src-shared/contract/api-key-channels';
import { startTenantApi, type TenantApi } from '../../src-main/tenant-api/tenant-api-server';
import { defineRoute } from '../../src-main/tenant-api/api-route';
import { z } from 'zod';
import { call, uniqueTenantInput } from '../support/core-calls';
import { ownerClient, signedInOperators } from '../support/operator-world';
import { embeddedTarget, useTestPlatform } from '../support/servers';

/**
 * The tenant API over real HTTP on one embedded platform (issue 13's contract tests): every
 * endpoint's status codes and schemas, scopes, 401s, the rate limit, idempotent creation under
 * concurrency, bad input that changes nothing, the loopback/TLS rule and the OpenAPI document.
 */

interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

const platform = useTestPlatform({ name: 'embedded PostgreSQL', target: embeddedTarget, skip: false }, 'tenantapi');
const keys: Record<string, string> = {};
let api: TenantApi;
let admin: pg.Client;

async function send(base: string, method: string, path: string, options: { key?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  const key = options.key === undefined ? keys.full : options.key;
  if (key) headers.authorization = `Bearer ${key}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
const http = (method: string, path: string, options?: Parameters<typeof send>[3]) => send(api.url, method, path, options);

function expectError(answer: Answer, status: number, code?: string): void {
  expect(answer.status, JSON.stringify(answer.json)).toBe(status);
  const body = errorBodySchema.parse(answer.json);
  if (code) expect(body.error.code).toBe(code);
  // Never a stack.
  expect(JSON.stringify(answer.json)).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
}

async function makeKey(name: string, scopes: ApiScope[]): Promise<string> {
  return (await call(platform.core, 'apiKeys:create', { name, scopes })).key;
}

async function tenantCount(): Promise<number> {
  const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM tenants');
  return rows[0]!.n;
}

function localEvents(action: string, operator: string): { tenant: string | null; outcome: string; details: string }[] {
  return platform.core.cache!.db
    .prepare<unknown[], { tenant: string | null; outcome: string; details: string }>('SELECT tenant, outcome, details FROM audit_events WHERE action = ? AND operator = ? ORDER BY seq')
    .all(action, operator);
}

async function waitFor<T>(what: () => T | Promise<T>, ok: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await what();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  admin = await ownerClient(platform.url, platform.platformDatabase);
  keys.full = await makeKey('full', ['tenants:read', 'tenants:write', 'tenants:status', 'limits:read']);
  keys.reader = await makeKey('reader', ['tenants:read']);
  keys.limits = await makeKey('limits', ['limits:read']);
  keys.status = await makeKey('status-only', ['tenants:status']);
  keys.revoked = await makeKey('revoked', ['tenants:read']);
  await call(platform.core, 'apiKeys:revoke', { name: 'revoked' });
  keys.expired = await makeKey('expired', ['tenants:read']);
  await admin.query("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE name = 'expired'");
  api = await startTenantApi(platform.core, { listen: '127.0.0.1:0', rateLimit: { max: 10_000, windowMs: 60_000 } });
}, 60_000);

afterAll(async () => {
  await api?.close();
  await admin?.end();
});

describe('tenant API: the OpenAPI document', () => {
  it('is served without a key and validates as OpenAPI 3.1', async () => {
    const answer = await http('GET', '/api/openapi.json', { key: null });
    expect(answer.status).toBe(200);
    const validator = new Validator();
    const result = await validator.validate(answer.json as never);
    expect(result.errors ?? null, JSON.stringify(result.errors)).toBeNull();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    const paths = Object.keys(answer.json.paths as object);
    expect(paths).toEqual(expect.arrayContaining(['/api/tenants', '/api/tenants/{code}', '/api/tenants/{code}/usage', '/api/tenants/{code}/check-limit', '/api/tenants/{code}/status', '/api/tenants/{code}/credentials/rotate', '/api/resolve']));
  });
});

describe('tenant API: authentication and scopes', () => {
  it('answers 401 without a key, or with an unknown, revoked or expired one, with one error shape', async () => {
    const noKey = await http('GET', '/api/tenants', { key: null });
    expectError(noKey, 401, 'unauthorized');
    expect(noKey.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expectError(await http('GET', '/api/tenants', { key: null, headers: { authorization: 'Basic Zm9vOmJhcg==' } }), 401);
    expectError(await http('GET', '/api/tenants', { key: 'tck_' + 'A'.repeat(43) }), 401);
    expectError(await http('GET', '/api/tenants', { key: "' OR 1=1 --" }), 401);
    const revoked = await http('GET', '/api/tenants', { key: keys.revoked });
    expectError(revoked, 401);
    expect((revoked.json.error as { message: string }).message).toMatch(/revoked/);
    const expired = await http('GET', '/api/tenants', { key: keys.expired });
    expectError(expired, 401);
    expect((expired.json.error as { message: string }).message).toMatch(/expired/);
  });

  it('answers 403 when the key lacks the scope, and changes nothing', async () => {
    const before = await tenantCount();
    expectError(await http('POST', '/api/tenants', { key: keys.reader, body: { company_name: 'Nope', subdomain: 'nope-scope', plan: 'starter', admin_email: 'a@b.example' } }), 403, 'forbidden');
    expectError(await http('GET', '/api/tenants', { key: keys.limits }), 403, 'forbidden');
    expectError(await http('GET', '/api/resolve?tenant_code=ABC001', { key: keys.status }), 403, 'forbidden');
    expect(await tenantCount()).toBe(before);
    const refused = await waitFor(() => localEvents('api:createTenant', 'api-key:reader'), (events) => events.length > 0);
    expect(refused[0]).toMatchObject({ outcome: 'forbidden' });
  });

  it('stamps last use of a key, not at every request', async () => {
    await http('GET', '/api/tenants', { key: keys.reader });
    const first = await waitFor(
      async () => (await admin.query<{ last_used_at: Date | null }>("SELECT last_used_at FROM api_keys WHERE name = 'reader'")).rows[0]!.last_used_at,
      (value) => value !== null,
    );
    await http('GET', '/api/tenants', { key: keys.reader });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = (await admin.query<{ last_used_at: Date | null }>("SELECT last_used_at FROM api_keys WHERE name = 'reader'")).rows[0]!.last_used_at;
    expect(second?.getTime()).toBe(first?.getTime());
  });
});

describe('tenant API: tenants', () => {
  let code = '';
  let subdomain = '';
  let password = '';

  it('creates a tenant (201) with one-time credentials, audited once under the key', async () => {
    const input = uniqueTenantInput('starter', 'Api Created');
    subdomain = input.subdomain;
    const answer = await http('POST', '/api/tenants', { body: { company_name: input.companyName, subdomain, plan: 'starter', admin_email: input.adminEmail } });
    expect(answer.status, JSON.stringify(answer.json)).toBe(201);
    const created = createTenantResponseSchema.parse(answer.json);
    expect(created.tenant).toMatchObject({ subdomain, status: 'active', plan: 'starter' });
    expect(created.credentials.password?.length).toBeGreaterThan(20);
    expect(created.idempotent_replay).toBe(false);
    code = created.tenant.tenant_code;
    password = created.credentials.password!;
    const events = localEvents('tenants:create', 'api-key:full');
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.details)).toMatchObject({ origin: 'api', viaOperator: expect.any(String) });
    expect(events[0]!.details).not.toContain(password);
    // Dispatch audited the change: the API adds no second event for it.
    expect(localEvents('api:createTenant', 'api-key:full')).toHaveLength(0);
  }, 60_000);

  it('refuses bad input with 400 or 422 and changes nothing', async () => {
    const before = await tenantCount();
    const good = { company_name: 'Bad Input Co', subdomain: 'bad-input-co', plan: 'starter', admin_email: 'x@example.com' };
    expectError(await http('POST', '/api/tenants', { rawBody: '{"company_name": ' }), 400, 'invalid_request');
    expectError(await http('POST', '/api/tenants', { body: { ...good, extra: 1 } }), 400, 'invalid_request');
    expectError(await http('POST', '/api/tenants', { body: { ...good, plan: 7 } }), 400, 'invalid_request');
    expectError(await http('POST', '/api/tenants', { body: { ...good, subdomain: 'admin' } }), 422, 'unprocessable');
    expectError(await http('POST', '/api/tenants', { body: { ...good, plan: 'no-such-plan' } }), 422);
    // Quotes and semicolons are real company names since issue 17; what lies on screen is refused.
    expectError(await http('POST', '/api/tenants', { body: { ...good, company_name: 'Acme\u202EroC' } }), 422, 'unprocessable');
    expectError(await http('POST', '/api/tenants', { body: { ...good, subdomain } }), 409, 'conflict');
    expectError(await http('POST', '/api/tenants', { rawBody: JSON.stringify({ ...good, company_name: 'x'.repeat(100_000) }) }), 413, 'payload_too_large');
    expectError(await http('POST', '/api/tenants', { rawBody: 'company_name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415);
    expect(await tenantCount()).toBe(before);
  });

  it('lists tenants with filters and a cursor, counts from the latest usage', async () => {
    const extra = uniqueTenantInput('professional', 'Api Listed');
    await call(platform.core, 'tenants:create', extra);
    const first = await http('GET', '/api/tenants?limit=1');
    expect(first.status).toBe(200);
    const page = listTenantsResponseSchema.parse(first.json);
    expect(page.tenants).toHaveLength(1);
    expect(page.next_cursor).not.toBeNull();
    const second = listTenantsResponseSchema.parse((await http('GET', `/api/tenants?limit=1&cursor=${page.next_cursor}`)).json);
    expect(second.tenants[0]!.tenant_code).not.toBe(page.tenants[0]!.tenant_code);
    const filtered = listTenantsResponseSchema.parse((await http('GET', `/api/tenants?plan=professional&status=active,suspended&search=${extra.subdomain}`)).json);
    expect(filtered.tenants.map((t) => t.subdomain)).toEqual([extra.subdomain]);
    expect(filtered.tenants[0]!.users_count).toBeNull();
    expectError(await http('GET', '/api/tenants?status=sleeping'), 400);
    expectError(await http('GET', '/api/tenants?limit=1000'), 400);
    expectError(await http('GET', '/api/tenants?cursor=bm90LWEtY3Vyc29y'), 400);
    expectError(await http('GET', '/api/tenants?bogus=1'), 400);

    await call(platform.core, 'usage:collect', {});
    const counted = listTenantsResponseSchema.parse((await http('GET', `/api/tenants?search=${subdomain}`)).json);
    expect(counted.tenants[0]).toMatchObject({ subdomain, users_count: 0, companies_count: 0, usage_date: expect.any(String) });
  }, 60_000);

  it('reads one tenant and its usage; 404 and 400 otherwise', async () => {
    const one = await http('GET', `/api/tenants/${code.toLowerCase()}`);
    expect(one.status).toBe(200);
    expect(apiTenantSchema.parse(one.json).tenant_code).toBe(code);
    expectError(await http('GET', '/api/tenants/ZZZ999'), 404, 'not_found');
    expectError(await http('GET', '/api/tenants/not-a-code'), 400);
    const usage = await http('GET', `/api/tenants/${code}/usage?days=7`);
    expect(usage.status).toBe(200);
    expect(apiUsageSchema.parse(usage.json).tenant_code).toBe(code);
    expectError(await http('GET', `/api/tenants/${code}/usage?days=0`), 400);
    const read = await waitFor(() => localEvents('api:getTenant', 'api-key:full'), (events) => events.length >= 2);
    expect(read.map((event) => event.outcome)).toEqual(['ok', 'not_found', ...read.slice(2).map((event) => event.outcome)]);
    expect(read[0]!.tenant).toBe(code);
  });

  it('answers check-limit from the tenant database (singular names too), with limits:read', async () => {
    const answer = await http('POST', `/api/tenants/${code}/check-limit`, { key: keys.limits, body: { resource_type: 'company' } });
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    const limits = (await call(platform.core, 'tenants:get', { ref: code })).limits;
    expect(checkLimitResponseSchema.parse(answer.json)).toEqual({ can_create: true, current: 0, limit: limits.companies, message: null });
    const user = await http('POST', `/api/tenants/${code}/check-limit`, { key: keys.limits, body: { resource_type: 'user', company_id: 1 } });
    expect(checkLimitResponseSchema.parse(user.json).limit).toBe(limits.usersPerCompany);
    const transaction = await http('POST', `/api/tenants/${code}/check-limit`, { key: keys.limits, body: { resource_type: 'transaction' } });
    expect(transaction.status).toBe(200);
    expectError(await http('POST', `/api/tenants/${code}/check-limit`, { key: keys.limits, body: { resource_type: 'user' } }), 400);
    expectError(await http('POST', `/api/tenants/${code}/check-limit`, { key: keys.limits, body: { resource_type: 'companies' } }), 400);
    expectError(await http('POST', '/api/tenants/ZZZ999/check-limit', { key: keys.limits, body: { resource_type: 'company' } }), 404);
    // The ERP calling the function itself gets the same answer for the singular name.
    const tenant = await call(platform.core, 'tenants:get', { ref: code });
    const direct = new pg.Client({ host: tenant.server.host, port: tenant.server.port, database: tenant.databaseName, user: tenant.dbRole, password });
    await direct.connect();
    try {
      const { rows } = await direct.query('SELECT can_create, current, "limit" FROM platform.check_limit($1)', ['company']);
      expect(rows[0]).toEqual({ can_create: true, current: 0, limit: limits.companies });
    } finally {
      await direct.end();
    }
  });

  it('resolves a host or a code to status and connection coordinates, never a password', async () => {
    const byHost = await http('GET', `/api/resolve?host=${subdomain.toUpperCase()}.yourerp.com:443`, { key: keys.reader });
    expect(byHost.status, JSON.stringify(byHost.json)).toBe(200);
    const resolved = resolveResponseSchema.parse(byHost.json);
    expect(Object.keys(byHost.json).sort()).toEqual(['connection', 'plan', 'status', 'subdomain', 'tenant_code']);
    expect(Object.keys(byHost.json.connection as object).sort()).toEqual(['database', 'host', 'port', 'user']);
    expect(resolved).toMatchObject({ tenant_code: code, status: 'active', subdomain });
    expect(JSON.stringify(byHost.json)).not.toContain(password);
    const byCode = await http('GET', `/api/resolve?tenant_code=${code}`, { key: keys.reader });
    expect(byCode.json).toEqual(byHost.json);
    expectError(await http('GET', `/api/resolve?host=${subdomain}.elsewhere.com`, { key: keys.reader }), 404);
    expectError(await http('GET', '/api/resolve?host=nobody-here.yourerp.com', { key: keys.reader }), 404);
    expectError(await http('GET', `/api/resolve?host=a.${subdomain}.yourerp.com`, { key: keys.reader }), 404);
    expectError(await http('GET', `/api/resolve?host=${subdomain}.yourerp.com&tenant_code=${code}`, { key: keys.reader }), 400);
    expectError(await http('GET', '/api/resolve', { key: keys.reader }), 400);
  });

  it('changes the status like the console: version check, backup rule, PostgreSQL enforcement', async () => {
    const before = await call(platform.core, 'tenants:get', { ref: code });
    expectError(await http('PUT', `/api/tenants/${code}/status`, { key: keys.status, body: { status: 'suspended' } }), 400);
    expectError(await http('PUT', `/api/tenants/${code}/status`, { key: keys.status, body: { status: 'deleted', reason: 'x' } }), 400);
    expectError(
      await http('PUT', `/api/tenants/${code}/status`, { key: keys.status, body: { status: 'suspended', reason: 'Stale', expected_version: before.version + 5, backup_first: false } }),
      409,
      'conflict',
    );
    expect((await call(platform.core, 'tenants:get', { ref: code })).version).toBe(before.version);

    const suspended = await http('PUT', `/api/tenants/${code}/status`, { key: keys.status, body: { status: 'suspended', reason: 'Unpaid (API test)', expected_version: before.version, backup_first: false } });
    expect(suspended.status, JSON.stringify(suspended.json)).toBe(200);
    expect(statusResponseSchema.parse(suspended.json).tenant.status).toBe('suspended');
    const { rows } = await admin.query<{ rolcanlogin: boolean }>('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [before.dbRole]);
    expect(rows[0]!.rolcanlogin).toBe(false);
    expectError(await http('PUT', `/api/tenants/${code}/status`, { key: keys.status, body: { status: 'suspended', reason: 'Again', backup_first: false } }), 409);
    const resolved = await http('GET', `/api/resolve?tenant_code=${code}`, { key: keys.reader });
    expect(resolved.json.status).toBe('suspended');

    const activated = await http('PUT', `/api/tenants/${code}/status`, { key: keys.status, body: { status: 'active', reason: 'Paid' } });
    expect(activated.status).toBe(200);
    expect(statusResponseSchema.parse(activated.json)).toMatchObject({ tenant: { status: 'active' }, backup: null });
    const events = localEvents('tenants:suspend', 'api-key:status-only');
    expect(events.map((event) => event.outcome)).toEqual(['CONFLICT', 'ok', 'INVALID_STATE']);
  }, 60_000);

  it('suspends with a backup first by default', async () => {
    const answer = await http('PUT', `/api/tenants/${code}/status`, { key: keys.status, body: { status: 'suspended', reason: 'Backed up first' } });
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    const body = statusResponseSchema.parse(answer.json);
    expect(body.backup?.backup_id).toEqual(expect.any(String));
    await http('PUT', `/api/tenants/${code}/status`, { key: keys.status, body: { status: 'active', reason: 'Back' } });

    // check-limit keeps pooled console connections in the tenant database: an in-place restore
    // (which renames the database) must end them, not fail on them.
    expect((await http('POST', `/api/tenants/${code}/check-limit`, { key: keys.limits, body: { resource_type: 'company' } })).status).toBe(200);
    const { rows } = await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'tenant-console-check-limit'");
    expect(rows[0]!.n).toBeGreaterThan(0);
    await call(platform.core, 'backups:restore', { backupId: body.backup!.backup_id!, mode: 'in-place' });
    const after = await http('POST', `/api/tenants/${code}/check-limit`, { key: keys.limits, body: { resource_type: 'company' } });
    expect(after.status, JSON.stringify(after.json)).toBe(200);
  }, 120_000);

  it('rotates the credentials (tenants:write): a new password once, the old one refused, sessions ended', async () => {
    const tenant = await call(platform.core, 'tenants:get', { ref: code });
    const connectWith = (secret: string) =>
      new pg.Client({ host: tenant.server.host, port: tenant.server.port, database: tenant.databaseName, user: tenant.dbRole, password: secret });
    const session = connectWith(password);
    await session.connect();
    const ended = new Promise<void>((resolve) => session.on('error', () => resolve()));
    expectError(await http('POST', `/api/tenants/${code}/credentials/rotate`, { key: keys.status }), 403);
    const answer = await http('POST', `/api/tenants/${code}/credentials/rotate`);
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    const rotated = rotateResponseSchema.parse(answer.json);
    expect(rotated.sessions_ended).toBe(1);
    await ended;
    const old = connectWith(password);
    await expect(old.connect()).rejects.toThrow(/password/);
    const fresh = connectWith(rotated.credentials.password);
    await fresh.connect();
    await fresh.end();
    const events = localEvents('tenants:rotateCredentials', 'api-key:full');
    expect(events).toHaveLength(1);
    expect(events[0]!.details).not.toContain(rotated.credentials.password);
  }, 60_000);
});

describe('tenant API: idempotent creation', () => {
  it('creates one tenant for 8 concurrent identical requests, and refuses the key with another body (422)', async () => {
    const input = uniqueTenantInput('starter', 'Idempotent Co');
    const body = { company_name: input.companyName, subdomain: input.subdomain, plan: 'starter', admin_email: input.adminEmail };
    const headers = { 'idempotency-key': `create-${input.subdomain}` };
    const answers = await Promise.all(Array.from({ length: 8 }, () => http('POST', '/api/tenants', { body, headers })));
    for (const answer of answers) expect([200, 201], JSON.stringify(answer.json)).toContain(answer.status);
    const bodies = answers.map((answer) => createTenantResponseSchema.parse(answer.json));
    expect(new Set(bodies.map((created) => created.tenant.tenant_code)).size).toBe(1);
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
    expect(bodies.filter((created) => created.credentials.password !== null)).toHaveLength(1);
    expect(bodies.filter((created) => created.idempotent_replay)).toHaveLength(7);
    const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM tenants WHERE subdomain = $1', [input.subdomain]);
    expect(rows[0]!.n).toBe(1);

    const later = await http('POST', '/api/tenants', { body, headers });
    expect(later.status).toBe(200);
    expect(createTenantResponseSchema.parse(later.json).tenant.tenant_code).toBe(bodies[0]!.tenant.tenant_code);
    const before = await tenantCount();
    expectError(await http('POST', '/api/tenants', { body: { ...body, subdomain: `${input.subdomain}x` }, headers }), 422, 'idempotency_key_reused');
    expect(await tenantCount()).toBe(before);
    // Keys are per API key: another key's same header is its own.
    expectError(await http('POST', '/api/tenants', { body, headers: { 'idempotency-key': 'bad key with spaces' } }), 400);
  }, 120_000);

  it('releases the key when the creation failed, so a corrected retry may proceed', async () => {
    const headers = { 'idempotency-key': 'retry-after-failure' };
    const input = uniqueTenantInput('starter', 'Retry Co');
    const body = { company_name: input.companyName, subdomain: input.subdomain, plan: 'no-such-plan', admin_email: input.adminEmail };
    expectError(await http('POST', '/api/tenants', { body, headers }), 422);
    const { rows } = await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM api_idempotency_keys WHERE idempotency_key = 'retry-after-failure'");
    expect(rows[0]!.n).toBe(0);
  });
});

describe('tenant API: the operator behind it', () => {
  it('acts as the operator that started it: a viewer serving the API cannot create, whatever the key', async () => {
    const operators = await signedInOperators(platform.core, 'apiop');
    const asViewer = await startTenantApi(platform.core, { listen: '127.0.0.1:0', browserToken: operators.viewer.token });
    try {
      const before = await tenantCount();
      const answer = await send(asViewer.url, 'POST', '/api/tenants', { body: { company_name: 'Viewer Co', subdomain: 'viewer-made-co', plan: 'starter', admin_email: 'v@example.com' } });
      expectError(answer, 403, 'forbidden');
      expect((answer.json.error as { message: string }).message).toMatch(/viewer may not create tenants/);
      expect(await tenantCount()).toBe(before);
      expect((await send(asViewer.url, 'GET', '/api/tenants?limit=1')).status).toBe(200);
    } finally {
      await asViewer.close();
    }
  }, 60_000);
});

describe('tenant API: routes of other modules', () => {
  it('takes extra routes (POST /api/signups plugs in here): in the OpenAPI document, behind their scope', async () => {
    const probe = defineRoute<undefined, undefined, { company_name: string }>(
      {
        operationId: 'signupProbe',
        scope: 'signup',
        method: 'post',
        path: '/api/signups-probe',
        summary: 'a stand-in for the sign-up module',
        body: z.object({ company_name: z.string().max(10) }).strict(),
        success: { status: 202, schema: z.object({ accepted: z.string() }), description: 'accepted' },
        errors: [400],
      },
      async (call) => ({ status: 202, body: { accepted: call.body.company_name } }),
    );
    const extended = await startTenantApi(platform.core, { listen: '127.0.0.1:0', extraRoutes: [probe] });
    try {
      const document = await send(extended.url, 'GET', '/api/openapi.json', { key: null });
      expect(Object.keys(document.json.paths as object)).toContain('/api/signups-probe');
      expect((await new Validator().validate(document.json as never)).valid).toBe(true);
      expectError(await send(extended.url, 'POST', '/api/signups-probe', { body: { company_name: 'Acme' } }), 403, 'forbidden');
      const website = await makeKey('website-probe', ['signup']);
      const accepted = await send(extended.url, 'POST', '/api/signups-probe', { key: website, body: { company_name: 'Acme' } });
      expect(accepted.status).toBe(202);
      expect(accepted.json).toEqual({ accepted: 'Acme' });
      expectError(await send(extended.url, 'POST', '/api/signups-probe', { key: website, body: { company_name: 'Far too long a name' } }), 400);
    } finally {
      await extended.close();
    }
  });
});

describe('tenant API: rate limit, timeouts, loopback and TLS', () => {
  it('answers 429 with Retry-After once a key spent its requests, per key', async () => {
    const limited = await startTenantApi(platform.core, { listen: '127.0.0.1:0', rateLimit: { max: 3, windowMs: 60_000 } });
    try {
      for (let i = 0; i < 3; i += 1) expect((await send(limited.url, 'GET', '/api/tenants?limit=1', { key: keys.reader })).status).toBe(200);
      const refused = await send(limited.url, 'GET', '/api/tenants?limit=1', { key: keys.reader });
      expectError(refused, 429, 'rate_limited');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another key has its own budget.
      expect((await send(limited.url, 'GET', '/api/tenants?limit=1', { key: keys.full })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('drops a client that sends its request too slowly', async () => {
    const strict = await startTenantApi(platform.core, { listen: '127.0.0.1:0', requestTimeoutMs: 500 });
    try {
      const started = Date.now();
      const closedAfter = await new Promise<number>((resolve, reject) => {
        const socket = connect(strict.port, '127.0.0.1', () => socket.write('GET /api/tenants HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
        socket.on('data', () => undefined);
        socket.on('close', () => resolve(Date.now() - started));
        socket.on('error', () => undefined);
        setTimeout(() => reject(new Error('the slow client was never dropped')), 5_000).unref();
      });
      expect(closedAfter).toBeLessThan(3_000);
    } finally {
      await strict.close();
    }
  });

  it('refuses a non-loopback address without TLS, and serves HTTPS with a certificate', async () => {
    const before = await tenantCount();
    await expect(startTenantApi(platform.core, { listen: '0.0.0.0:0' })).rejects.toThrow(/without TLS/);
    await expect(startTenantApi(platform.core, { listen: '[::]:0' })).rejects.toThrow(/without TLS/);
    await expect(startTenantApi(platform.core, { listen: 'nonsense' })).rejects.toThrow(/host:port/);
    expect(await tenantCount()).toBe(before);

    const dir = mkdtempSync(join(tmpdir(), 'tc-api-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
      const cert = readFileSync(join(dir, 'cert.pem'));
      const secure = await startTenantApi(platform.core, { listen: '0.0.0.0:0', tls: { cert, key: readFileSync(join(dir, 'key.pem')) } });
      try {
        expect(secure.url).toMatch(/^https:\/\//);
        const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = httpsRequest({ host: '127.0.0.1', port: secure.port, path: '/api/tenants?limit=1', ca: cert, headers: { authorization: `Bearer ${keys.reader}` } }, (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          });
          req.on('error', reject);
          req.end();
        });
        expect(answer.status).toBe(200);
        expect(listTenantsResponseSchema.parse(JSON.parse(answer.body)).tenants).toHaveLength(1);
      } finally {
        await secure.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers unknown endpoints with the error shape', async () => {
    expectError(await http('GET', '/api/nothing-here'), 404, 'not_found');
    expectError(await http('DELETE', '/api/tenants'), 404);
  });
});
