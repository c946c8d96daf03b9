import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErpKit } from '../../erp-kit/src/index';
import { createExpressErp } from '../../examples/sample-erp/src/express-app';
import { createFastifyErp } from '../../examples/sample-erp/src/fastify-app';
import { startErpKitWorld, type ErpKitWorld, type KitTenant } from '../support/erp-kit-world';
import { rawHttp, type RawResponse } from '../support/raw-http';
import { serverCases, useTestPlatform } from '../support/servers';

// The sample ERP (examples/sample-erp) over real HTTP, on the kit's Express and Fastify
// adapters, against real tenant databases and the REAL tenant API: the kit resolves
// <subdomain>.<baseDomain> through its GET /api/resolve with a key from `apiKeys:create`,
// and suspension, cancellation and reactivation go through its PUT /api/tenants/{code}/status.
// Only the outage check (503 when the directory fails) uses the world's stand-in, which
// injects the failure.

interface RunningErp {
  readonly port: number;
  close(): Promise<void>;
}

const FRAMEWORKS = {
  express: async (kit: ErpKit): Promise<RunningErp> => {
    const server: Server = createExpressErp(kit).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    return {
      port: (server.address() as AddressInfo).port,
      close: () => {
        server.closeAllConnections();
        return new Promise((resolve) => server.close(() => resolve()));
      },
    };
  },
  fastify: async (kit: ErpKit): Promise<RunningErp> => {
    const app = await createFastifyErp(kit);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
  },
} as const;

const SUSPENDED = { error: 'Account suspended. Please contact support.', code: 'account_suspended' };

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 5_000): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return performance.now() - started;
}

for (const serverCase of await serverCases('the sample ERP')) {
  describe.skipIf(serverCase.skip)(`sample ERP over HTTP — ${serverCase.name}`, () => {
    const platform = useTestPlatform(serverCase, 'sampleerp');
    let world: ErpKitWorld;
    beforeAll(async () => {
      world = await startErpKitWorld(platform.core, { companyName: 'Sample Erp Test' });
    });
    afterAll(() => world?.close());

    for (const [framework, start] of Object.entries(FRAMEWORKS)) {
      describe(`on ${framework}`, () => {
        let erp: RunningErp;
        let kit: ErpKit;
        beforeAll(async () => {
          kit = world.kit(); // the kit's defaults: a 5 s cache, 1 s for suspended tenants
          erp = await start(kit);
        });
        afterAll(() => erp?.close());

        const as = (tenant: KitTenant) => ({
          post: (path: string, body: unknown) => rawHttp(erp.port, 'POST', path, { host: tenant.host, body }),
          get: (path: string) => rawHttp(erp.port, 'GET', path, { host: tenant.host }),
        });

        it('creates a company, a user in it and a transaction, on the tenant found by its host or its X-Tenant-ID', async () => {
          const tenant = await world.createTenant('starter');
          const t = as(tenant);
          const company = await t.post('/api/companies', { name: 'Acme Trading' });
          expect(company).toMatchObject({ status: 201, body: { id: expect.any(Number), name: 'Acme Trading' } });
          const companyId = (company.body as { id: number }).id;
          expect(await t.post(`/api/companies/${companyId}/users`, { email: 'ana@acme.test', full_name: 'Ana' })).toMatchObject({
            status: 201,
            body: { company_id: companyId, email: 'ana@acme.test' },
          });
          expect(await t.post(`/api/companies/${companyId}/transactions`, { amount: '125.50', kind: 'sale' })).toMatchObject({
            status: 201,
            body: { company_id: companyId, amount: '125.50' },
          });
          const byHeader = await rawHttp(erp.port, 'GET', '/api/companies', { headers: { 'x-tenant-id': tenant.code } });
          expect(byHeader).toMatchObject({ status: 200, body: { companies: [{ id: companyId, name: 'Acme Trading' }] } });

          // The ERP's own answers pass the kit untouched.
          expect((await t.post('/api/companies/999999/users', { email: 'x@acme.test' })).status).toBe(404);
          expect((await t.post(`/api/companies/${companyId}/users`, { email: 'ana@acme.test' })).status).toBe(409);
          expect((await t.post('/api/companies', { name: '' })).body).toMatchObject({ code: 'invalid_input' });
          expect(await t.get('/api/limits/bogus')).toMatchObject({ status: 400, body: { code: 'invalid_input' } }); // thrown in a route
          expect((await rawHttp(erp.port, 'POST', '/api/companies', { host: tenant.host, rawBody: '{oops' })).status).toBe(400);
          expect(await rawHttp(erp.port, 'GET', '/health')).toMatchObject({ status: 200, body: { ok: true } });
        });

        it('answers unknown and unnamed tenants, and an unreachable directory (503, Retry-After)', async () => {
          expect(await rawHttp(erp.port, 'GET', '/api/companies', { host: `nobody.${world.baseDomain}` })).toMatchObject({ status: 404, body: { error: 'Unknown tenant.' } });
          expect(await rawHttp(erp.port, 'GET', '/api/companies', { host: 'acme.elsewhere.test' })).toMatchObject({ status: 404 }); // not under the base domain
          expect(await rawHttp(erp.port, 'GET', '/api/companies', { headers: { 'x-tenant-id': 'NOPE999' } })).toMatchObject({ status: 404 });
          expect(await rawHttp(erp.port, 'GET', '/api/companies', { headers: { 'x-tenant-id': '../etc' } })).toMatchObject({ status: 400, body: { code: 'no_tenant' } });
          expect(await rawHttp(erp.port, 'GET', '/api/companies', { host: 'bad_host!' })).toMatchObject({ status: 400, body: { code: 'no_tenant' } });
          // On one tenant's host, a header naming another tenant is refused (no reaching across).
          const [mine, theirs] = [await world.createTenant('starter'), await world.createTenant('starter')];
          expect(await rawHttp(erp.port, 'GET', '/api/companies', { host: mine.host, headers: { 'x-tenant-id': theirs.code } })).toMatchObject({
            status: 400,
            body: { error: 'X-Tenant-ID names another tenant than the host.', code: 'no_tenant' },
          });
          expect((await rawHttp(erp.port, 'GET', '/api/companies', { host: mine.host, headers: { 'x-tenant-id': mine.code } })).status).toBe(200);

          // STAND-IN: the real API cannot be made to fail on demand; the stand-in in front of it can.
          const tenant = await world.createTenant('starter'); // never looked up: nothing cached to stand in
          const behindStandIn = await start(world.kit({}, { via: 'stand-in' }));
          world.standIn.failWith = 500;
          try {
            const down = await rawHttp(behindStandIn.port, 'GET', '/api/companies', { host: tenant.host });
            expect(down).toMatchObject({ status: 503, body: { code: 'tenant_directory_unavailable' } });
            expect(down.headers['retry-after']).toBe('2');
            world.standIn.failWith = null;
            expect((await rawHttp(behindStandIn.port, 'GET', '/api/companies', { host: tenant.host })).status).toBe(200);
          } finally {
            world.standIn.failWith = null;
            await behindStandIn.close();
          }
        });

        it('answers 403 with the database sentence at the plan limit, for companies, users and transactions', async () => {
          const tenant = await world.createTenant('professional', { companies: 3, users: 2, transactions: 4 });
          const t = as(tenant);
          expect((await t.get('/api/limits/companies')).body).toEqual({ can_create: true, current: 0, limit: 3, message: null });
          const ids: number[] = [];
          for (const name of ['One', 'Two', 'Three']) ids.push(((await t.post('/api/companies', { name })).body as { id: number }).id);
          expect((await t.get('/api/limits/companies')).body).toEqual({ can_create: false, current: 3, limit: 3, message: 'Company limit reached (3 of 3). Please upgrade.' });
          expect(await t.post('/api/companies', { name: 'Four' })).toMatchObject({
            status: 403,
            body: { error: 'Company limit reached (3 of 3). Please upgrade.', resource: 'companies', current: 3, limit: 3 },
          });

          await t.post(`/api/companies/${ids[0]}/users`, { email: 'a@x.test' });
          await t.post(`/api/companies/${ids[0]}/users`, { email: 'b@x.test' });
          expect(await t.post(`/api/companies/${ids[0]}/users`, { email: 'c@x.test' })).toMatchObject({
            status: 403,
            body: { error: 'User limit for company One reached (2 of 2). Please upgrade.', resource: 'users', current: 2, limit: 2, company_id: ids[0] },
          });
          expect((await t.post(`/api/companies/${ids[1]}/users`, { email: 'c@x.test' })).status).toBe(201); // per company
          expect((await t.get(`/api/limits/users?company_id=${ids[0]}`)).body).toMatchObject({ can_create: false, current: 2, limit: 2 });

          for (let i = 0; i < 4; i += 1) expect((await t.post(`/api/companies/${ids[2]}/transactions`, { amount: 1 })).status).toBe(201);
          expect(await t.post(`/api/companies/${ids[2]}/transactions`, { amount: 1 })).toMatchObject({
            status: 403,
            body: { error: 'Monthly transaction limit reached (4 of 4). Please upgrade.', resource: 'transactions', current: 4, limit: 4 },
          });
        });

        it('suspension through the API answers 403 within a second, reactivation serves again, and the other tenant never notices', async () => {
          const [a, b] = [await world.createTenant('starter'), await world.createTenant('starter')];
          const [ta, tb] = [as(a), as(b)];
          const companyA = ((await ta.post('/api/companies', { name: 'A Co' })).body as { id: number }).id;
          const companyB = ((await tb.post('/api/companies', { name: 'B Co' })).body as { id: number }).id;
          expect((await ta.get('/api/companies')).status).toBe(200); // A's answer is cached as active now

          // B works continuously all through A's suspension and reactivation.
          const bAnswers: RawResponse[] = [];
          let stop = false;
          const bTraffic = (async () => {
            while (!stop) {
              bAnswers.push(await tb.post(`/api/companies/${companyB}/transactions`, { amount: 2 }));
              bAnswers.push(await tb.get('/api/companies'));
            }
          })();

          try {
            await world.suspend(a.code); // PUT /api/tenants/{code}/status, as the billing system would
            const suspendedAt = performance.now();
            const first = await ta.post(`/api/companies/${companyA}/transactions`, { amount: 1 });
            expect(performance.now() - suspendedAt).toBeLessThan(1_000);
            expect(first).toMatchObject({ status: 403, body: SUSPENDED });
            for (const answer of [await ta.get('/api/companies'), await ta.post('/api/companies', { name: 'X' }), await ta.get('/api/limits/companies')]) {
              expect(answer).toMatchObject({ status: 403, body: SUSPENDED });
            }

            await world.activate(a.code);
            // The kit keeps a suspended answer for 1 s (its negative TTL): served again right after.
            const waited = await eventually('A to be served again', async () => (await ta.post(`/api/companies/${companyA}/transactions`, { amount: 1 })).status === 201);
            expect(waited).toBeLessThan(2_500);
            expect((await ta.get('/api/companies')).body).toEqual({ companies: [{ id: companyA, name: 'A Co' }] });
          } finally {
            stop = true;
            await bTraffic;
          }
          expect(bAnswers.length).toBeGreaterThan(4);
          expect(bAnswers.filter((answer) => answer.status !== 200 && answer.status !== 201)).toEqual([]);
          // Both changes were the API's, audited under its key.
          const byKey = platform.core
            .cache!.db.prepare<unknown[], { action: string }>('SELECT action FROM audit_events WHERE tenant = ? AND operator = ? AND action LIKE ? ORDER BY seq')
            .all(a.code, `api-key:${world.apiKeyName}`, 'tenants:%');
          expect(byKey.map((event) => event.action)).toEqual(['tenants:suspend', 'tenants:activate']);
        });

        it('answers 410 for a tenant cancelled through the API', async () => {
          const tenant = await world.createTenant('starter');
          expect((await as(tenant).get('/api/companies')).status).toBe(200);
          await world.cancel(tenant.code);
          expect(await as(tenant).get('/api/companies')).toMatchObject({ status: 410, body: { error: 'This account has been cancelled.', code: 'account_cancelled' } });
          expect(await as(tenant).post('/api/companies', { name: 'Late' })).toMatchObject({ status: 410 });
        });
      });
    }
  });
}
