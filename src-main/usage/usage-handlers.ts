import type { Handler } from '../base/handler-types';
import type { PlatformContext } from '../platform/platform-context';
import { usageFleet } from './fleet-queries';
import { tenantUsage } from './tenant-usage-queries';
import { usageCsv } from './usage-csv';
import type { UsageService } from './usage-service';

export interface UsageHandlers {
  'usage:collect': Handler<'usage:collect'>;
  'usage:fleet': Handler<'usage:fleet'>;
  'usage:tenant': Handler<'usage:tenant'>;
  'usage:exportCsv': Handler<'usage:exportCsv'>;
}

export function createUsageHandlers(ctx: PlatformContext, usage: UsageService): UsageHandlers {
  return {
    'usage:collect': async ({ requestId }, context) =>
      usage.collect({ trigger: context.origin === 'cli' ? 'cli' : 'manual', requestId: requestId ?? null }, ctx),
    'usage:fleet': async ({ days }) => usageFleet(ctx.pool, days),
    'usage:tenant': async ({ ref, days }) => tenantUsage(ctx.pool, ref, days),
    'usage:exportCsv': async ({ filters }) => usageCsv(ctx.pool, filters),
  };
}
