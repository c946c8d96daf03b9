import { TENANT_API_TRUST_MS } from '../base/tenant-api-trust';
import type { AppInfo } from '../../src-shared/contract/models';
import { subdomainProblem } from '../../src-shared/domain/subdomain';
import type { PlatformContext } from '../platform/platform-context';
import { provisionTenant } from '../tenants/provision';
import { reconcile } from '../operations/reconcile';
import { RECONCILERS } from './reconcilers';
import { changeTenantStatus } from '../tenants/status-change';
import {
  getTenant,
  isSubdomainTaken,
  listCurrentPlans,
  listTenantOperations,
  listTenants,
} from '../tenants/tenant-queries';
import { readConsoleSettings, writeConsoleSettings } from '../settings/console-settings';
import { createUsageHandlers } from '../usage/usage-handlers';
import type { UsageService } from '../usage/usage-service';
import type { Handlers } from '../base/handler-types';
import { createAuditHandlers } from '../audit/audit-handlers';
import type { AuditService } from '../audit/audit-service';
import { createPlanHandlers } from '../plans/plan-handlers';
import { pushWarningPercent } from '../plans/warning-threshold';
import { createBackupHandlers } from '../backup/backup-handlers';
import { changeStatusWithBackup } from '../backup/status-with-backup';
import type { BackupContext } from '../backup/backup-context';
import type { OfflineReview } from '../offline/offline-review';
import type { BillingContext } from '../billing/billing-context';
import { createBillingHandlers } from '../billing/billing-handlers';
import { createPriceChangeHandlers } from '../billing/price-changes/price-change-handlers';
import { createOnboardingHandlers } from '../signups/onboarding-handlers';
import { onTenantCreated } from '../billing/on-tenant-created';
import { runServerCheck } from '../platform/server-check/run-server-check';
import { serverConnections } from '../tenants/server-connections';
import { createApiKeyHandlers } from '../api-keys/api-key-handlers';
import { checkTenantLimit } from '../plans/check-limit';
import { latestUsageOf } from '../usage/latest-usage';
import { rotateTenantCredentials } from '../tenants/rotate-credentials';
import type { TenantApiControl } from '../tenant-api/tenant-api-control';
import { searchConsole } from '../search/console-search';

/** Services that live as long as the console (created in console-core). */
export interface CoreServices {
  readonly usage: UsageService;
  readonly audit: AuditService;
  /** Backups, restores, exports and deletions: the data folder and the registry of running jobs. */
  readonly backups: BackupContext;
  readonly offline: OfflineReview;
  /** Trials, subscriptions, invoices, notices and the lifecycle job. */
  readonly billing: BillingContext;
  /** The console's own tenant API server (Settings → Tenant API). */
  readonly tenantApi: TenantApiControl;
}

type AccessChannel = `session:${string}` | `operators:${string}`;
/** Sign-in and operator management: built per caller by the core (operators/operator-handlers). */
export type AccessHandlers = Pick<Handlers, Extract<keyof Handlers, AccessChannel>>;

/** Every channel of the contract, one line each: the work lives in the capability folders. */
export function createHandlers(ctx: PlatformContext, info: AppInfo, services: CoreServices, access: AccessHandlers): Handlers {
  const { backups } = services;
  return {
    'app:info': async () => info,
    'plans:list': async () => listCurrentPlans(ctx.pool),
    'settings:get': async () => readConsoleSettings(ctx.pool),
    'settings:update': async (patch) => {
      const settings = await writeConsoleSettings(ctx.pool, patch);
      // check_limit in each tenant database warns at the same threshold as the dashboards.
      if (patch.limitWarningPercent !== undefined) await pushWarningPercent(ctx, patch.limitWarningPercent);
      // Spares hold the threshold too: the pool drops and rebuilds them (or follows the new count).
      if (patch.limitWarningPercent !== undefined || patch.spareDatabasesPerPlan !== undefined) ctx.primary.spares?.refillSoon();
      return settings;
    },
    'settings:serverCheck': async () => runServerCheck(ctx),
    'tenants:list': async (query) => listTenants(ctx.pool, query),
    'tenants:get': async ({ ref }) => getTenant(ctx.pool, ref),
    'search:everything': async (input) => searchConsole(ctx.pool, input),
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
      const created = await provisionTenant(ctx, input, (step, stepIndex, stepCount, message) => {
        if (requestId) {
          ctx.events.emit('job:progress', { requestId, operation: 'provision', tenantCode: null, step, stepIndex, stepCount, message });
        }
      });
      // Stripe enrolment and the welcome e-mail now rather than at the next lifecycle run; never fails the create.
      await onTenantCreated(services.billing, created.tenant.id);
      return created;
    },
    'tenants:suspend': async (input) => changeStatusWithBackup(backups, 'suspend', input),
    'tenants:activate': async ({ ref, expectedVersion }) => changeTenantStatus(ctx, 'activate', { ref, expectedVersion }),
    'tenants:cancel': async (input) => changeStatusWithBackup(backups, 'cancel', input),
    'tenants:reconcile': async () => reconcile(ctx, RECONCILERS),
    'servers:connections': async () => serverConnections(ctx),
    // The tenant API reuses where the database is for a moment (base/tenant-api-trust.ts).
    'tenants:checkLimit': async (input, context) => checkTenantLimit(ctx, input, context.origin === 'api' ? TENANT_API_TRUST_MS : 0),
    'tenants:latestUsage': async ({ codes }) => latestUsageOf(ctx.pool, codes),
    'tenants:rotateCredentials': async ({ ref }) => rotateTenantCredentials(ctx, ref),
    ...createApiKeyHandlers(ctx),
    'api:status': async () => services.tenantApi.status(),
    'api:start': async ({ listen }, context) => services.tenantApi.start(listen, context),
    'api:stop': async () => services.tenantApi.stop(),
    ...createAuditHandlers(ctx, services.audit),
    ...createPlanHandlers(ctx),
    ...createUsageHandlers(ctx, services.usage),
    ...createBackupHandlers(ctx, { dataDir: backups.dataDir, jobs: backups.jobs, secrets: backups.secrets }),
    ...createBillingHandlers(services.billing),
    ...createPriceChangeHandlers(services.billing),
    ...createOnboardingHandlers(services.billing),
    ...services.offline.handlers(),
    ...access,
  };
}
