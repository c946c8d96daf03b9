/**
 * A FAKE of an external service: Stripe's HTTP API, stateful, on 127.0.0.1 and a random
 * port, for the tests (the real Stripe API is out of reach here). It speaks what the real
 * `stripe` SDK sends — form bodies with bracket notation, Bearer auth, Idempotency-Key — and
 * answers with Stripe's list and error shapes. Every request's parameters are checked
 * against its endpoint's schema first (validate.ts), then idempotency keys are honoured as
 * documented (idempotency.ts). Test-only endpoints:
 *   POST /__fake/advance        {"seconds": n}          move the clock, then renew/bill what came due
 *   POST /__fake/tick                                   bill what came due (the clock was moved elsewhere)
 *   POST /__fake/fail_payments  {"customer": id, "fail": bool}   make that customer's payments fail (or work again)
 *   POST /__fake/settings       {retryDays, afterRetries, sendInvoiceDeadlineDays, afterSendInvoiceDeadline}
 *                                                       the account's Billing settings (state.ts)
 *   POST /__fake/fail_next      {"method", "path"}      the next such request fails with a 500 once it began executing
 *   POST /__fake/drop_next      {"method", "path"}      the next such request is done, but its answer is lost
 *                                                       (the connection closes): the client sees a network error
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../../../src-main/billing/clock';
import { processDue } from './billing';
import { parseForm } from './form-body';
import { canonicalParams, IdempotencyStore } from './idempotency';
import { routes } from './resources';
import { schedulePhaseDue } from './schedules';
import { FakeStripeError, FakeStripeState, type FakeAccountSettings, type FakeClock } from './state';
import { ParameterError, refuseBadParams } from './validate';

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
  /** The account's Billing settings (retry schedule, what happens when Stripe gives up). */
  settings(settings: Partial<FakeAccountSettings>): Promise<void>;
  /** The next request to `method path` fails with a 500 after it began executing (saved under its idempotency key). */
  failNext(method: string, path: string): Promise<void>;
  /** The next request to `method path` is done but its answer is lost: the connection closes. */
  dropNext(method: string, path: string): Promise<void>;
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

const errorBody = (error: FakeStripeError): unknown => ({
  error: { type: error.type, ...(error.code ? { code: error.code } : {}), message: error.message, ...(error.param ? { param: error.param } : {}) },
});

function sendError(response: ServerResponse, error: FakeStripeError): void {
  send(response, error.status, errorBody(error));
}

const runDue = (state: FakeStripeState): void => processDue(state, (id) => schedulePhaseDue(state, id));

/** A request a test asked to break (a 500 once executing, or a lost answer). */
interface Trap {
  readonly method: string;
  readonly path: string;
}
const takeTrap = (traps: Trap[], method: string, path: string): boolean => {
  const index = traps.findIndex((trap) => trap.method === method && trap.path === path);
  if (index === -1) return false;
  traps.splice(index, 1);
  return true;
};

/** Starts the fake. `clock` is shared with the console under test so both agree on the time. */
export async function startFakeStripe(options: { key: string; clock?: FakeClock }): Promise<FakeStripe> {
  let url = '';
  const state = new FakeStripeState(options.clock ?? new ManualClock(), () => url);

  const failNext: Trap[] = [];
  const dropNext: Trap[] = [];

  const handleFake = (path: string, body: string): unknown => {
    const input = body.trim() === '' ? {} : body.trim().startsWith('{') ? (JSON.parse(body) as Record<string, unknown>) : parseForm(body);
    if (path === '/__fake/advance') {
      const seconds = Number(input.seconds ?? 0);
      state.clock.advanceMs(seconds * 1000);
      runDue(state);
      return { now: state.now() };
    }
    if (path === '/__fake/tick') {
      runDue(state);
      return { now: state.now() };
    }
    if (path === '/__fake/settings') {
      const next = { ...state.settings, ...(input as Partial<FakeAccountSettings>) };
      if (!Array.isArray(next.retryDays) || !next.retryDays.every((d) => Number.isInteger(d) && d > 0)) throw new FakeStripeError(400, 'invalid_request_error', undefined, 'retryDays: positive whole days');
      for (const action of [next.afterRetries, next.afterSendInvoiceDeadline]) {
        if (!['cancel', 'unpaid', 'past_due'].includes(action)) throw new FakeStripeError(400, 'invalid_request_error', undefined, `unknown action ${String(action)}`);
      }
      state.settings = next;
      return state.settings;
    }
    if (path === '/__fake/fail_next' || path === '/__fake/drop_next') {
      const trap = { method: String(input.method ?? 'POST').toUpperCase(), path: String(input.path ?? '') };
      (path === '/__fake/fail_next' ? failNext : dropNext).push(trap);
      return trap;
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
    const route = routes.find((r) => r.method === method && r.pattern.test(parsed.pathname));
    if (!route) throw new FakeStripeError(404, 'invalid_request_error', undefined, `Unrecognized request URL (${method}: ${parsed.pathname}).`);
    const match = route.pattern.exec(parsed.pathname)!.slice(1).map((part) => decodeURIComponent(part));
    const params = parseForm(method === 'GET' || method === 'DELETE' ? parsed.search.slice(1) : body);
    // Keys only take part on POST: GET and DELETE are idempotent by definition.
    const keyed = idempotencyKey !== null && IdempotencyStore.applies(method) ? idempotencyKey : null;
    const request_ = { method, path: parsed.pathname, params: canonicalParams(params) };
    if (keyed !== null) {
      const found = state.idempotent.lookup(keyed, request_, state.clockNow());
      if (found.kind === 'mismatch') throw new FakeStripeError(400, 'idempotency_error', undefined, found.message);
      if (found.kind === 'replay') {
        response.setHeader('idempotent-replayed', 'true');
        return send(response, found.result.status, found.result.body);
      }
    }
    let status = 200;
    let result: unknown;
    try {
      // Refused parameters: nothing executed, so nothing is saved under the key.
      refuseBadParams(route.params, params);
      if (takeTrap(failNext, method, parsed.pathname)) throw new FakeStripeError(500, 'api_error', undefined, 'An unknown error occurred (injected by the test).');
      result = route.handler(state, params, match);
    } catch (error) {
      if (!(error instanceof FakeStripeError)) throw error;
      if (error instanceof ParameterError) return sendError(response, error);
      status = error.status;
      result = errorBody(error);
    }
    // The first answer is saved and replayed for the key, errors included (500s too).
    if (keyed !== null) state.idempotent.save(keyed, { ...request_, savedAt: state.clockNow(), status, body: result });
    if (takeTrap(dropNext, method, parsed.pathname)) {
      response.socket?.destroy();
      return;
    }
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
    settings: (settings) => post('/__fake/settings', settings),
    failNext: (method, path) => post('/__fake/fail_next', { method, path }),
    dropNext: (method, path) => post('/__fake/drop_next', { method, path }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
