import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { API_OPERATIONS, buildOpenApiDocument } from '../../src-shared/api/openapi';
import { channels, type ChannelName } from '../../src-shared/contract/channels';
import type { Logger } from 'pino';
import type { Dispatch } from '../base/handler-types';
import type { AuditService } from '../audit/audit-service';
import type { OperatorSessions } from '../operators/operator-sessions';
import type { PlatformContext } from '../platform/platform-context';
import { AppError } from '../base/app-error';
import { describeValidationError } from '../base/validation-message';
import { ApiKeyVerifier } from '../api-keys/api-key-store';
import { TENANT_API_TRUST_MS } from '../base/tenant-api-trust';
import { ApiError, apiErrorOf, errorBody } from './api-errors';
import type { ApiCaller, ApiRoute, RouteCall } from './api-route';
import { IdempotencyStore } from './idempotency';
import { parseListenAddress, requireTlsOffLoopback } from './listen-address';
import { tenantRoutes } from './tenant-routes';
import { ReadAuditBuffer } from './read-audit-buffer';

/** What the tenant API needs of the console's core (the ConsoleCore has it all). */
export interface TenantApiCore {
  readonly dispatch: Dispatch;
  readonly sessions: Pick<OperatorSessions, 'resolve'>;
  readonly platform: Pick<PlatformContext, 'ownerPool'>;
  readonly audit: Pick<AuditService, 'record'>;
  readonly logger: Logger;
  readonly info: { readonly version: string };
  /**
   * Routes other modules add to every tenant API server of this core (the console core's
   * sign-up routes, composed in src-main/app): in the OpenAPI document like the API table's.
   */
  readonly apiRoutes?: readonly ApiRoute[];
}

export interface TenantApiOptions {
  /** host:port (default 127.0.0.1:8787; port 0 = any free port). Off loopback, TLS is required. */
  readonly listen?: string;
  /** PEM certificate and key: serve HTTPS. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Host mode: the browser session the server acts as (else the console's current operator). */
  readonly browserToken?: string | null;
  /** Requests per key per window (default 600 a minute). */
  readonly rateLimit?: { readonly max: number; readonly windowMs: number };
  /** Largest request body (default 64 KiB). */
  readonly bodyLimitBytes?: number;
  /** The whole request (headers and body) must arrive within this (default 15 s): a slow client cannot hold a connection. */
  readonly requestTimeoutMs?: number;
  /** An idle keep-alive connection closes after this (default 5 s). */
  readonly keepAliveTimeoutMs?: number;
  /**
   * More routes, each with its own operation (path, scope, schemas), which the OpenAPI document
   * then includes: POST /api/signups (scope `signup`) is another module's and plugs in here.
   */
  readonly extraRoutes?: readonly ApiRoute[];
  /**
   * The proxies (addresses or CIDR ranges, e.g. 127.0.0.1 or 10.0.0.0/8) whose
   * X-Forwarded-For is believed for the client's address (RouteCall.clientAddress: the
   * sign-up rate limit's key). Default none: the connection's peer is the client, and a
   * client cannot choose its address by sending the header.
   */
  readonly trustedProxies?: readonly string[];
}

export interface TenantApi {
  readonly url: string;
  readonly port: number;
  /** The operator the server acts as. */
  readonly operator: string;
  close(): Promise<void>;
}

export const DEFAULT_RATE_LIMIT = { max: 600, windowMs: 60_000 } as const;

declare module 'fastify' {
  interface FastifyRequest {
    apiCaller?: ApiCaller;
  }
}

const BEARER = /^Bearer[ ]+([^\s]+)\s*$/i;
const UNAUTHORIZED_WORDS = {
  missing: 'Send an API key: Authorization: Bearer tck_….',
  unknown: 'The API key is not valid.',
  revoked: 'The API key was revoked.',
  expired: 'The API key has expired.',
} as const;

function zodProblem(where: string, schema: { safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: unknown } }, value: unknown): unknown {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiError(400, 'invalid_request', `${where}: ${describeValidationError(parsed.error as never)}`);
  return parsed.data;
}

/** Two routes for one operation or one method and path would make an ambiguous server and document. */
function refuseDuplicateRoutes(routes: readonly ApiRoute[]): void {
  const seen = new Set<string>();
  for (const { operation } of routes) {
    for (const name of [`id ${operation.operationId}`, `${operation.method.toUpperCase()} ${operation.path}`]) {
      if (seen.has(name)) throw new Error(`The tenant API has two routes for ${name}: pass each route once (the core's apiRoutes are included already).`);
      seen.add(name);
    }
  }
}

/**
 * Starts the tenant API (docs/api.md): Fastify over HTTP or HTTPS, every route acting through
 * the core's dispatch as the signed-in operator (PostgreSQL's grants apply), each request
 * authenticated by an API key whose scopes restrict further, rate limited per key, its
 * requests and responses validated by the zod schemas the OpenAPI document is generated
 * from. Used by `tenantctl api serve`, the console's Settings page and the tests.
 */
export async function startTenantApi(core: TenantApiCore, options: TenantApiOptions = {}): Promise<TenantApi> {
  const address = parseListenAddress(options.listen ?? '127.0.0.1:8787');
  requireTlsOffLoopback(address, Boolean(options.tls));
  const browserToken = options.browserToken ?? null;
  const session = await core.sessions.resolve(browserToken);
  if (!session) throw new AppError('UNAUTHENTICATED', 'The tenant API acts as a signed-in operator: sign in first (tenantctl login, or TENANT_CONSOLE_OPERATOR and TENANT_CONSOLE_PASSWORD).');
  const operator = session.operator;
  // An accepted key is trusted for TENANT_API_TRUST_MS: a revocation is seen within that bound.
  const verifier = new ApiKeyVerifier(core.platform.ownerPool, { trustMs: TENANT_API_TRUST_MS });
  const idempotency = new IdempotencyStore(core.platform.ownerPool);
  const limit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  const requestTimeout = options.requestTimeoutMs ?? 15_000;
  const scheme = options.tls ? 'https' : 'http';
  const logger = core.logger.child({ component: 'tenant-api' });
  const readAudit = new ReadAuditBuffer(core.audit, logger);
  const routes = [...tenantRoutes(idempotency), ...(core.apiRoutes ?? []), ...(options.extraRoutes ?? [])];
  refuseDuplicateRoutes(routes);

  const serverOptions = {
    requestTimeout,
    headersTimeout: requestTimeout,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000,
    // How often Node checks the two timeouts above (its default, 30 s, would let a slow client linger).
    connectionsCheckingInterval: Math.min(1_000, requestTimeout),
  };
  const app: FastifyInstance = Fastify({
    logger: false,
    bodyLimit: options.bodyLimitBytes ?? 64 * 1024,
    return503OnClosing: true,
    // request.ip: the socket's peer unless that peer is one of these proxies.
    trustProxy: options.trustedProxies && options.trustedProxies.length > 0 ? [...options.trustedProxies] : false,
    serverFactory: (handler: (request: IncomingMessage, response: ServerResponse) => void) =>
      options.tls ? createHttpsServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key }, handler) : createHttpServer(serverOptions, handler),
  });

  // One error shape for everything, never a stack: ours, Fastify's (bad JSON, too large, wrong media type) and the rate limiter's.
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ApiError) {
      for (const [name, value] of Object.entries(error.headers)) void reply.header(name, value);
      return reply.code(error.status).send(errorBody(error.code, error.message));
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 429) {
      return reply.code(429).send(errorBody('rate_limited', `Too many requests for this key (at most ${limit.max} per ${limit.windowMs / 1000} s): retry after the time in Retry-After.`));
    }
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const code = status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'invalid_request';
      return reply.code(status).send(errorBody(code, (error as Error).message.slice(0, 300)));
    }
    logger.error({ err: error, url: request.url, method: request.method }, 'tenant API: unexpected error');
    return reply.code(500).send(errorBody('internal', 'Internal error; the console log has the details.'));
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody('not_found', `No endpoint ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}.`)));

  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('cache-control', 'no-store');
    return payload;
  });

  // Who calls: every route but the OpenAPI document needs a key.
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url === '/api/openapi.json') return;
    const match = BEARER.exec(request.headers.authorization ?? '');
    const verdict = match ? await verifier.verify(match[1]!) : ({ ok: false, reason: 'missing' } as const);
    if (!verdict.ok) {
      void reply.header('www-authenticate', 'Bearer realm="tenant-api"');
      throw new ApiError(401, 'unauthorized', UNAUTHORIZED_WORDS[verdict.reason]);
    }
    request.apiCaller = { name: verdict.name, scopes: verdict.scopes };
  });

  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: limit.max,
    timeWindow: limit.windowMs,
    keyGenerator: (request) => (request.apiCaller ? `key:${request.apiCaller.name}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) => ({ statusCode: 429, message: `retry in ${context.after}` }),
  });

  const extraOperations = routes.filter((route) => !API_OPERATIONS.includes(route.operation)).map((route) => route.operation);
  const document = buildOpenApiDocument({ version: core.info.version, extraOperations });
  // Serialized once: the document does not change while the server runs.
  const documentJson = JSON.stringify(document);
  app.get('/api/openapi.json', async (_request, reply) => reply.type('application/json; charset=utf-8').send(documentJson));

  for (const route of routes) {
    const { operation } = route;
    app.route({
      method: operation.method.toUpperCase() as 'GET' | 'POST' | 'PUT',
      url: operation.path.replace(/\{(\w+)\}/g, ':$1'),
      handler: async (request, reply) => {
        const caller = request.apiCaller!;
        const started = performance.now();
        let tenant: string | null = null;
        // Set when a changing channel ran through dispatch: it audited the call (once).
        let auditedByDispatch = false;
        let outcome = 'ok';
        let status = operation.success.status;
        try {
          const scope = operation.scope;
          if (!caller.scopes.includes(scope)) throw new ApiError(403, 'forbidden', `The API key ${caller.name} lacks the scope ${scope}.`);
          const call: RouteCall<unknown, unknown, unknown> = {
            params: operation.params ? zodProblem('path', operation.params, request.params) : undefined,
            query: operation.query ? zodProblem('query', operation.query, request.query) : undefined,
            body: operation.body ? zodProblem('body', operation.body, request.body ?? null) : undefined,
            headers: request.headers,
            caller,
            clientAddress: request.ip,
            concerns: (code) => {
              tenant = code;
            },
            call: async (channel: ChannelName, input: unknown) => {
              const result = await core.dispatch(channel, input, { origin: 'api', apiKey: caller.name, browserToken });
              if (channels[channel].mutates) auditedByDispatch = true;
              if (!result.ok) throw apiErrorOf(result.error);
              return result.value as never;
            },
          };
          const current = await core.sessions.resolve(browserToken);
          if (current?.operator !== operator) {
            throw new ApiError(503, 'unavailable', `The operator serving the tenant API (${operator}) is no longer signed in: restart the API server.`);
          }
          const answer = await route.handle(call);
          status = answer.status ?? operation.success.status;
          const body = operation.success.schema.safeParse(answer.body);
          if (!body.success) {
            logger.error({ operation: operation.operationId, problem: describeValidationError(body.error) }, 'tenant API: a response failed its own schema');
            throw new ApiError(500, 'internal', 'Internal error: the answer did not match the API schema; the console log has the details.');
          }
          for (const [name, value] of Object.entries(answer.headers ?? {})) void reply.header(name, value);
          return reply.code(status).send(body.data);
        } catch (error) {
          const apiError = error instanceof ApiError ? error : null;
          outcome = apiError?.code ?? 'internal';
          status = apiError?.status ?? 500;
          throw error;
        } finally {
          if (!auditedByDispatch) {
            // Reads (and refusals before any change) are recorded as they are answered, a few
            // together (read-audit-buffer.ts); every change was committed to the log by dispatch
            // before its answer.
            readAudit.add({
              action: `api:${operation.operationId}`,
              tenant,
              operator: `api-key:${caller.name}`,
              details: { method: request.method, path: request.url.split('?')[0], status, viaOperator: operator, origin: 'api' },
              outcome,
              durationMs: performance.now() - started,
            });
          }
        }
      },
    });
  }

  await app.listen({ host: address.host, port: address.port });
  const port = (app.server.address() as AddressInfo).port;
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  const url = `${scheme}://${host}:${port}`;
  logger.info({ url, operator }, 'tenant API listening');
  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    operator,
    close: () =>
      (closing ??= (async () => {
        // Idle keep-alive connections must not hold the close up.
        app.server.closeIdleConnections?.();
        await app.close();
        await readAudit.flush();
      })()),
  };
}
