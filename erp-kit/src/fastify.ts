/**
 * Fastify 5 adapter, one line (before the routes):
 *
 *   await app.register(erpKitPlugin, { kit });
 *
 * Every request gets `request.tenant`, or its 400/403/404/410/503 answer before any route
 * runs; a limit or a suspension met inside a route handler registered after the plugin is
 * answered the same way. The app's own error handler is left alone (it still sees every
 * other error, and a kit error thrown from the app's own hooks carries statusCode too).
 */
import type { FastifyPluginCallback, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { isTenantKitError, type TenantKitError } from './answers.js';
import type { ErpKit, TenantHandle } from './erp-kit.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's tenant and its database (null only on skipped routes). */
    tenant: TenantHandle | null;
  }
}

export interface FastifyTenantOptions {
  readonly kit: ErpKit;
  /** The header naming the tenant by code (default x-tenant-id); false: the host name only. */
  readonly header?: string | false;
  /** Requests that need no tenant (health checks, say). */
  readonly skip?: (request: FastifyRequest) => boolean;
}

function sendKitError(reply: FastifyReply, error: TenantKitError): FastifyReply {
  if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
  return reply.code(error.status).send(error.body);
}

const plugin: FastifyPluginCallback<FastifyTenantOptions> = (fastify, options, done) => {
  const { kit } = options;
  const header = options.header === false ? undefined : (options.header ?? 'x-tenant-id').toLowerCase();
  fastify.decorateRequest('tenant', null);

  fastify.addHook('onRequest', async (request, reply) => {
    if (options.skip?.(request)) return;
    const named = header ? request.headers[header] : undefined;
    try {
      request.tenant = await kit.tenantFor({ host: request.hostname, tenantId: typeof named === 'string' ? named : undefined });
    } catch (error) {
      if (!isTenantKitError(error)) throw error;
      return sendKitError(reply, error);
    }
  });

  // Route errors: each handler is wrapped as it is registered, so the kit needs no error
  // handler of its own (Fastify keeps one per scope, and it is the app's).
  fastify.addHook('onRoute', (route) => {
    const original = route.handler as RouteHandlerMethod;
    route.handler = async function tenantAnswers(this: unknown, request: FastifyRequest, reply: FastifyReply) {
      try {
        const result: unknown = await (original as (this: unknown, request: FastifyRequest, reply: FastifyReply) => unknown).call(this, request, reply);
        // A handler that replies later through reply.send() returned nothing: tell Fastify to wait for it.
        return result === undefined && !reply.sent ? reply : result;
      } catch (error) {
        if (!isTenantKitError(error) || reply.sent) throw error;
        return sendKitError(reply, error);
      }
    } as RouteHandlerMethod;
  });
  done();
};

// What fastify-plugin does: no encapsulation, so the hooks apply to the routes of the app
// that registers it (the kit depends on nothing but pg).
Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'erp-kit' });

export const erpKitPlugin = plugin;
