import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * STAND-IN for the few ERP-kit checks that need one: a small real HTTP server speaking the
 * tenant API's `GET /api/resolve` (Bearer key, `?host=` or `?tenant_code=`, 200 {tenant_code,
 * status, plan, subdomain, connection: {host, port, database, user}}, 404 {error: {code,
 * message}}), answering through `lookup` — in erp-kit-world.ts, a call to the REAL tenant
 * API. What it adds: it records every request (how often the kit asked) and injects
 * failures (`failWith`, `delay`) the real API cannot be made to produce on demand.
 */
export interface ResolveAnswer {
  readonly tenant_code: string;
  readonly status: string;
  readonly plan: string;
  readonly subdomain: string;
  readonly connection: { readonly host: string; readonly port: number; readonly database: string; readonly user: string };
  readonly [extra: string]: unknown;
}

export type ResolveQuery = { readonly host: string } | { readonly tenant_code: string };

export interface StandInTenantApi {
  readonly url: string;
  readonly key: string;
  /** Every /api/resolve request received, in order. */
  readonly requests: ResolveQuery[];
  /** Milliseconds to wait before answering (a slow API); `stallBody`: send headers, then wait. */
  delay: { ms: number; stallBody?: boolean };
  /** When set, every request is answered with this status and an error body. */
  failWith: number | null;
  close(): Promise<void>;
}

export async function startStandInTenantApi(lookup: (query: ResolveQuery) => Promise<ResolveAnswer | null> | ResolveAnswer | null, key = 'tc_test_resolver_key'): Promise<StandInTenantApi> {
  const pending = new Set<ServerResponse>();
  const api: StandInTenantApi = {
    url: '',
    key,
    requests: [],
    delay: { ms: 0 },
    failWith: null,
    close: async () => {
      for (const response of pending) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const send = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    if (request.method !== 'GET' || url.pathname !== '/api/resolve') return send(response, 404, { error: { code: 'NOT_FOUND', message: 'No such endpoint.' } });
    if (request.headers.authorization !== `Bearer ${key}`) return send(response, 401, { error: { code: 'UNAUTHORIZED', message: 'Missing or unknown API key.' } });
    const host = url.searchParams.get('host');
    const code = url.searchParams.get('tenant_code');
    const query: ResolveQuery | null = host ? { host } : code ? { tenant_code: code } : null;
    if (!query) return send(response, 400, { error: { code: 'VALIDATION', message: 'host or tenant_code is required.' } });
    api.requests.push(query);
    if (api.delay.stallBody) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"tenant_code":');
      await wait(api.delay.ms);
      return response.end('"X"}');
    }
    if (api.delay.ms > 0) await wait(api.delay.ms);
    if (api.failWith !== null) return send(response, api.failWith, { error: { code: 'INTERNAL', message: 'Stand-in failure.' } });
    const answer = await lookup(query);
    if (!answer) return send(response, 404, { error: { code: 'NOT_FOUND', message: 'Unknown tenant.' } });
    send(response, 200, answer);
  };
  const server = createServer((request, response) => {
    pending.add(response);
    response.on('close', () => pending.delete(response));
    handle(request, response).catch((error: Error) => {
      if (!response.headersSent) send(response, 500, { error: { code: 'INTERNAL', message: error.message } });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (api as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}
