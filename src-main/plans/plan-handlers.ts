import type { PlatformContext } from '../platform/platform-context';
import { planTemplateSpec } from '../platform/plan-templates';
import { readSetting } from '../settings/settings-store';
import { getTenantRow } from '../tenants/tenant-queries';
import type { Handlers } from '../base/handler-types';
import { fleetStatus, migrateFleet } from './fleet-migrate';
import { listPlanCatalog, listPlanVersions, updatePlan } from './plan-catalog';
import { changeTenantPlan, moveTenants, previewMove, previewPlanChange, resolvePlan } from './plan-change';
import { planHistory, revokeOverride, setOverride } from './overrides';
import { tenantLimits } from './tenant-limits';

type PlanChannel =
  | 'plans:catalog'
  | 'fleet:status'
  | 'plans:versions'
  | 'plans:update'
  | 'plans:previewMove'
  | 'plans:moveTenants'
  | 'tenants:limits'
  | 'tenants:previewPlanChange'
  | 'tenants:changePlan'
  | 'tenants:setOverride'
  | 'tenants:revokeOverride'
  | 'tenants:planHistory'
  | 'fleet:migrate';

export function createPlanHandlers(ctx: PlatformContext): Pick<Handlers, PlanChannel> {
  return {
    'plans:catalog': async () => listPlanCatalog(ctx.pool),
    'plans:versions': async ({ code }) => listPlanVersions(ctx.pool, code),
    'plans:update': async (input) => {
      const version = await updatePlan(ctx.pool, input);
      // A new plan version: its template is built now, in the background, for its first tenant,
      // and the spares of the old version make way for spares of the new one.
      // (The plan change is done whatever happens to them: a failure is only logged.)
      readSetting(ctx.pool, 'limitWarningPercent')
        .then((warningPercent) => {
          ctx.primary.planTemplates?.prepareInBackground(planTemplateSpec(version, warningPercent));
          ctx.primary.spares?.refillSoon();
        })
        .catch((error: unknown) => ctx.logger.warn({ err: error }, 'could not start building the new plan version\'s template'));
      return version;
    },
    'plans:previewMove': async (input) => previewMove(ctx, input),
    'plans:moveTenants': async (input) => moveTenants(ctx, input),
    'tenants:limits': async ({ ref }) => tenantLimits(ctx, ref),
    'tenants:previewPlanChange': async ({ ref, plan, version }) => {
      const row = await getTenantRow(ctx.pool, ref);
      return previewPlanChange(ctx, row, await resolvePlan(ctx, plan, version));
    },
    'tenants:changePlan': async (input) => changeTenantPlan(ctx, input),
    'tenants:setOverride': async (input) => setOverride(ctx, input),
    'tenants:revokeOverride': async (input) => revokeOverride(ctx, input),
    'tenants:planHistory': async ({ ref }) => planHistory(ctx.pool, ref),
    'fleet:status': async () => fleetStatus(ctx),
    'fleet:migrate': async ({ requestId }) =>
      migrateFleet(ctx, {
        onProgress: (done, total, tenantCode, failed) => {
          if (requestId) {
            ctx.events.emit('job:progress', {
              requestId,
              operation: 'fleet-migrate',
              tenantCode,
              step: failed ? 'failed' : 'migrated',
              stepIndex: done,
              stepCount: total,
              message: `${failed ? 'Failed' : 'Migrated'} ${tenantCode} (${done} of ${total})`,
            });
          }
        },
      }),
  };
}
