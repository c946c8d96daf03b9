/**
 * Express 5 adapter.
 *
 *   app.use(tenantMiddleware(kit));      // before the routes: req.tenant, or 403/404/410 at once
 *   …routes…
 *   app.use(tenantErrorHandler());       // after them: a limit or a suspension met mid-route → its answer
 *
 * Express only hands a route's errors to handlers registered after it, hence the second line.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { isTenantKitError, type TenantKitError } from './answers.js';
import type { ErpKit, TenantHandle } from './erp-kit.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own augmentation point
  namespace Express {
    interface Request {
      /** Set by tenantMiddleware: the request's tenant and its database. */
      tenant?: TenantHandle;
    }
  }
}

export interface ExpressTenantOptions {
  /** The header naming the tenant by code (default x-tenant-id); false: the host name only. */
  readonly header?: string | false;
  /** Requests that need no tenant (health checks, say). */
  readonly skip?: (req: Request) => boolean;
}

export function tenantMiddleware(kit: ErpKit, options: ExpressTenantOptions = {}): RequestHandler {
  const header = options.header === false ? undefined : (options.header ?? 'x-tenant-id').toLowerCase();
  return async (req, res, next) => {
    if (options.skip?.(req)) return next();
    try {
      const named = header ? req.get(header) : undefined;
      req.tenant = await kit.tenantFor({ host: req.hostname, tenantId: named });
      next();
    } catch (error) {
      if (isTenantKitError(error)) return sendKitError(res, error);
      next(error);
    }
  };
}

/** Answers the kit's errors (limit reached, suspended, cancelled, unavailable); passes on every other. */
export function tenantErrorHandler(): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (isTenantKitError(error) && !res.headersSent) return sendKitError(res, error);
    next(error);
  };
}

function sendKitError(res: Response, error: TenantKitError): void {
  if (error.retryAfter !== undefined) res.set('Retry-After', String(error.retryAfter));
  res.status(error.status).json(error.body);
}
