import type { AppInfo } from '../../src-shared/contract/models';
import { subdomainProblem } from '../../src-shared/domain/subdomain';
import type { PlatformContext } from '../platform/platform-context';
import { provisionTenant } from '../tenants/provision';
import { reconcile } from '../tenants/reconcile';
import { changeTenantStatus } from '../tenants/status-change';
import {
  getTenant,
  isSubdomainTaken,
  listCurrentPlans,
  listTenantOperations,
  listTenants,
  readSettings,
  writeSettings,
} from '../tenants/tenant-queries';
import type { Handlers } from './dispatch';
import { createAuditHandlers } from '../audit/audit-handlers';
import type { AuditService } from '../audit/audit-service';
import type { OfflineReview } from '../offline/offline-review';

/** Every channel of the contract, one line each: the work lives in the capability folders. */
export function createHandlers(ctx: PlatformContext, info: AppInfo, audit: AuditService, offline: OfflineReview): Handlers {
  return {
    'app:info': async () => info,
    'plans:list': async () => listCurrentPlans(ctx.pool),
    'settings:get': async () => readSettings(ctx.pool),
    'settings:update': async (patch) => writeSettings(ctx.pool, patch),
    'tenants:list': async (query) => listTenants(ctx.pool, query),
    'tenants:get': async ({ ref }) => getTenant(ctx.pool, ref),
    'tenants:operations': async ({ ref, limit }) => listTenantOperations(ctx.pool, ref, limit),
    'tenants:checkSubdomain': async ({ subdomain }) => {
      const problem = subdomainProblem(subdomain);
      if (problem) return { available: false, problem };
      if (await isSubdomainTaken(ctx.pool, subdomain.trim().toLowerCase())) {
        return { available: false, problem: 'This subdomain is already used by another tenant.' };
      }
      return { available: true, problem: null };
    },
    'tenants:create': async (input) => {
      const requestId = input.requestId ?? null;
      return provisionTenant(ctx, input, (step, stepIndex, stepCount, message) => {
        if (requestId) {
          ctx.events.emit('job:progress', { requestId, operation: 'provision', tenantCode: null, step, stepIndex, stepCount, message });
        }
      });
    },
    'tenants:suspend': async ({ ref, reason, expectedVersion }) => changeTenantStatus(ctx, 'suspend', { ref, reason, expectedVersion }),
    'tenants:activate': async ({ ref, expectedVersion }) => changeTenantStatus(ctx, 'activate', { ref, expectedVersion }),
    'tenants:cancel': async ({ ref, reason, expectedVersion }) => changeTenantStatus(ctx, 'cancel', { ref, reason, expectedVersion }),
    'tenants:reconcile': async () => reconcile(ctx),
    ...createAuditHandlers(ctx, audit),
    ...offline.handlers(),
  };
}
