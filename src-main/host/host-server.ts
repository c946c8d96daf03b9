import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';
import { HOST_EVENTS_PATH, HOST_INVOKE_PATH, HOST_SESSION_HEADER, HOST_TOKEN_HEADER, HOST_TOKEN_PARAM } from '../../src-shared/contract/host-protocol';
import type { Result } from '../../src-shared/contract/errors';
import type { ConsoleCore } from '../app/console-core';
import { CONTENT_SECURITY_POLICY } from '../../src-shared/security/content-security-policy';
import { browserSessionToken, decodePathSegment, isAllowedHost, isAllowedOrigin, tokensEqual } from './request-guards';
import { STRIPE_WEBHOOK_PATH, handleStripeWebhookRoute } from './stripe-webhook-route';

const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));
// Large enough for a snapshot file being imported (SNAPSHOT_MAX_CHARS, plus JSON escaping).
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface HostServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

function refuse(response: ServerResponse, status: number, message: string): void {
  const body: Result<never> = { ok: false, error: { code: 'FORBIDDEN', message } };
  sendJson(response, status, body);
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('Request body too large.');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text.trim() === '' ? {} : JSON.parse(text);
}

/**
 * Host mode: the same handler registry over HTTP on 127.0.0.1 only, serving the built
 * renderer. A random token in the printed URL is kept by the page for its tab and sent in
 * a header with every API call (see host-protocol.ts for why never as a cookie); Host and
 * Origin are checked too, so neither another site, another local service nor a rebound DNS
 * name can drive the console. The page's static files hold no secret. After that check, an
 * operator's own sign-in in the tab (its session header) names who the call runs as.
 */
export async function startHostServer(core: ConsoleCore, options: { port?: number; rendererDir?: string } = {}): Promise<HostServer> {
  const rendererDir = options.rendererDir ?? DEFAULT_RENDERER_DIR;
  if (!existsSync(`${rendererDir}/index.html`)) {
    throw new Error(`The renderer is not built (${rendererDir}/index.html is missing): run npm run build, or start with npm run host.`);
  }
  const token = randomBytes(32).toString('base64url');
  const serveStatic = sirv(rendererDir, { dev: false, etag: true, gzip: false, brotli: false });
  const streams = new Set<ServerResponse>();
  let port = 0;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    response.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    response.setHeader('x-content-type-options', 'nosniff');
    response.setHeader('referrer-policy', 'no-referrer');
    response.setHeader('x-frame-options', 'DENY');
    response.setHeader('cross-origin-opener-policy', 'same-origin');
    response.setHeader('cross-origin-resource-policy', 'same-origin');

    // Stripe's signed webhooks: authenticated by their signature, not the session (see the route).
    if ((request.url ?? '').split('?')[0] === STRIPE_WEBHOOK_PATH) return handleStripeWebhookRoute(core, request, response);
    if (!isAllowedHost(request.headers.host, port)) return refuse(response, 421, 'Unexpected Host header.');
    if (!isAllowedOrigin(request.headers.origin, port)) return refuse(response, 403, 'Cross-origin requests are refused.');

    const url = URL.parse(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (!url) return sendJson(response, 400, { ok: false, error: { code: 'VALIDATION', message: 'Malformed request target.' } });
    const offeredToken = url.searchParams.get(HOST_TOKEN_PARAM);
    if (url.pathname.startsWith('/api/')) {
      const given = url.pathname === HOST_EVENTS_PATH ? offeredToken : request.headers[HOST_TOKEN_HEADER];
      if (!tokensEqual(token, typeof given === 'string' ? given : null)) return refuse(response, 401, 'Not signed in: open the URL printed by tenantctl serve.');
    } else if (offeredToken !== null && !tokensEqual(token, offeredToken)) {
      return refuse(response, 401, 'Invalid access token.');
    }

    if (url.pathname.startsWith(`${HOST_INVOKE_PATH}/`)) {
      if (request.method !== 'POST') return refuse(response, 405, 'Use POST.');
      // A same-site form or a no-cors fetch cannot send JSON with this content type.
      if (!(request.headers['content-type'] ?? '').startsWith('application/json')) return refuse(response, 415, 'Send application/json.');
      let input: unknown;
      try {
        input = await readJsonBody(request);
      } catch (error) {
        return sendJson(response, 400, { ok: false, error: { code: 'VALIDATION', message: `Invalid JSON body: ${(error as Error).message}` } });
      }
      const channel = decodePathSegment(url.pathname.slice(HOST_INVOKE_PATH.length + 1));
      if (channel === null) return sendJson(response, 400, { ok: false, error: { code: 'VALIDATION', message: 'Malformed percent-encoding in the channel name.' } });
      // The tab's own operator sign-in, if it has one (absent: the console's current operator).
      const session = browserSessionToken(request.headers[HOST_SESSION_HEADER]);
      if (session === false) return sendJson(response, 200, { ok: false, error: { code: 'UNAUTHENTICATED', message: 'This browser session has ended: sign in again.' } });
      return sendJson(response, 200, await core.dispatch(channel, input, { origin: 'host', browserToken: session }));
    }

    if (url.pathname === HOST_EVENTS_PATH) {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      response.write(': connected\n\n');
      streams.add(response);
      const off = core.events.onAny((event, payload) => response.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`));
      const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), 15_000);
      request.on('close', () => {
        off();
        clearInterval(heartbeat);
        streams.delete(response);
      });
      return;
    }

    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(response, 405, 'Method not allowed.');
    serveStatic(request, response, () => {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Not found\n');
    });
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error) => {
      core.logger.error({ err: error }, 'host request failed');
      if (!response.headersSent) sendJson(response, 500, { ok: false, error: { code: 'INTERNAL', message: 'Internal error.' } });
      else response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/?${HOST_TOKEN_PARAM}=${token}`,
    port,
    token,
    async close() {
      for (const stream of streams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
