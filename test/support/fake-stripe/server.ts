/**
 * A FAKE of an external service: Stripe's HTTP API, stateful, on 127.0.0.1 and a random
 * port, for the tests (the real Stripe API is out of reach here). It speaks what the real
 * `stripe` SDK sends — form bodies with bracket notation, Bearer auth, Idempotency-Key — and
 * answers with Stripe's list and error shapes. Test-only endpoints move its clock:
 *   POST /__fake/advance        {"seconds": n}          move the clock, then renew/bill what came due
 *   POST /__fake/tick                                   bill what came due (the clock was moved elsewhere)
 *   POST /__fake/fail_payments  {"customer": id, "fail": bool}   make that customer's payments fail (or work again)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../../../src-main/billing/clock';
import { processDue } from './billing';
import { parseForm } from './form-body';
import { routes } from './resources';
import { FakeStripeError, FakeStripeState, type FakeClock } from './state';

export interface FakeStripe {
  readonly url: string;
  readonly endpoint: { host: string; port: number; protocol: 'http' };
  readonly key: string;
  readonly state: FakeStripeState;
  /** Moves the clock by `seconds` and bills what came due (renewals, trial ends). */
  advance(seconds: number): Promise<void>;
  /** Bills what came due after the shared clock was moved elsewhere. */
  tick(): Promise<void>;
  failPayments(customer: string, fail?: boolean): Promise<void>;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new FakeStripeError(413, 'invalid_request_error', undefined, 'Request too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_fake${Date.now().toString(36)}` });
  response.end(JSON.stringify(body));
}

function sendError(response: ServerResponse, error: FakeStripeError): void {
  send(response, error.status, { error: { type: error.type, ...(error.code ? { code: error.code } : {}), message: error.message, ...(error.param ? { param: error.param } : {}) } });
}

/** Starts the fake. `clock` is shared with the console under test so both agree on the time. */
export async function startFakeStripe(options: { key: string; clock?: FakeClock }): Promise<FakeStripe> {
  let url = '';
  const state = new FakeStripeState(options.clock ?? new ManualClock(), () => url);

  const handleFake = (path: string, body: string): unknown => {
    const input = body.trim() === '' ? {} : body.trim().startsWith('{') ? (JSON.parse(body) as Record<string, unknown>) : parseForm(body);
    if (path === '/__fake/advance') {
      const seconds = Number(input.seconds ?? 0);
      state.clock.advanceMs(seconds * 1000);
      processDue(state);
      return { now: state.now() };
    }
    if (path === '/__fake/tick') {
      processDue(state);
      return { now: state.now() };
    }
    if (path === '/__fake/fail_payments') {
      const customer = String(input.customer ?? '');
      state.customer(customer);
      if (input.fail === false || input.fail === 'false') state.failingCustomers.delete(customer);
      else state.failingCustomers.add(customer);
      return { customer, failing: state.failingCustomers.has(customer) };
    }
    throw new FakeStripeError(404, 'invalid_request_error', undefined, `Unrecognized request URL (POST: ${path}).`);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const parsed = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    const body = await readBody(request);
    if (parsed.pathname.startsWith('/__fake/')) return send(response, 200, handleFake(parsed.pathname, body));

    const idempotencyKey = (request.headers['idempotency-key'] as string | undefined) ?? null;
    state.requests.push({ method, path: parsed.pathname, idempotencyKey });
    const auth = request.headers.authorization ?? '';
    if (auth !== `Bearer ${options.key}`) {
      const shown = auth.replace(/^Bearer /, '');
      throw new FakeStripeError(401, 'invalid_request_error', 'api_key_invalid', `Invalid API Key provided: ${shown.slice(0, 8)}${'*'.repeat(Math.max(0, shown.length - 12))}${shown.slice(-4)}`);
    }
    if (method === 'POST' && idempotencyKey !== null) {
      const replay = state.idempotent.get(`${parsed.pathname} ${idempotencyKey}`);
      if (replay) {
        response.setHeader('idempotent-replayed', 'true');
        return send(response, replay.status, replay.body);
      }
    }
    const route = routes.find((r) => r.method === method && r.pattern.test(parsed.pathname));
    if (!route) throw new FakeStripeError(404, 'invalid_request_error', undefined, `Unrecognized request URL (${method}: ${parsed.pathname}).`);
    const match = route.pattern.exec(parsed.pathname)!.slice(1).map((part) => decodeURIComponent(part));
    const params = parseForm(method === 'GET' || method === 'DELETE' ? parsed.search.slice(1) : body);
    let status = 200;
    let result: unknown;
    try {
      result = route.handler(state, params, match);
    } catch (error) {
      if (!(error instanceof FakeStripeError)) throw error;
      status = error.status;
      result = { error: { type: error.type, ...(error.code ? { code: error.code } : {}), message: error.message, ...(error.param ? { param: error.param } : {}) } };
    }
    // Stripe replays the first answer to a retried key, errors included (except 5xx).
    if (method === 'POST' && idempotencyKey !== null) state.idempotent.set(`${parsed.pathname} ${idempotencyKey}`, { status, body: result });
    send(response, status, result);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (error instanceof FakeStripeError) return sendError(response, error);
      send(response, 500, { error: { type: 'api_error', message: `Fake Stripe failed: ${(error as Error).message}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}`;

  const post = async (path: string, body: unknown): Promise<void> => {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  };
  return {
    url,
    endpoint: { host: '127.0.0.1', port, protocol: 'http' },
    key: options.key,
    state,
    advance: (seconds) => post('/__fake/advance', { seconds }),
    tick: () => post('/__fake/tick', {}),
    failPayments: (customer, fail = true) => post('/__fake/fail_payments', { customer, fail }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
