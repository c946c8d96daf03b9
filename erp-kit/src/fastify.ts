/**
 * Fastify 5 adapter, one line:
 *
 *   await app.register(erpKitPlugin, { kit });
 *
 * Every request gets `request.tenant` (or its 400/403/404/410/503 answer before any route
 * runs), and a limit or a suspension met inside a route is answered the same way. Other
 * errors go on to the error handler the app had before.
 */
import type { FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { isTenantKitError } from './answers.js';
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

const plugin: FastifyPluginCallback<FastifyTenantOptions> = (fastify: FastifyInstance, options, done) => {
  const { kit } = options;
  const header = options.header === false ? undefined : (options.header ?? 'x-tenant-id').toLowerCase();
  fastify.decorateRequest('tenant', null);
  fastify.addHook('onRequest', async (request) => {
    if (options.skip?.(request)) return;
    const named = header ? request.headers[header] : undefined;
    request.tenant = await kit.tenantFor({ host: request.hostname, tenantId: typeof named === 'string' ? named : undefined });
  });
  const previous = fastify.errorHandler;
  fastify.setErrorHandler(function tenantErrors(this: FastifyInstance, error: unknown, request: FastifyRequest, reply: FastifyReply) {
    if (isTenantKitError(error)) {
      if (error.retryAfter !== undefined) void reply.header('retry-after', String(error.retryAfter));
      return reply.code(error.status).send(error.body);
    }
    return previous.call(this, error as Parameters<typeof previous>[0], request, reply);
  });
  done();
};

// What fastify-plugin does: no encapsulation, so the hook and the error handler apply to the
// routes of the app that registers it (the kit depends on nothing but pg).
Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'erp-kit' });

export const erpKitPlugin = plugin;
