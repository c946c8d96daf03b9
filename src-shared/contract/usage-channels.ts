import { z } from 'zod';
import { planCodeSchema, tenantRefSchema } from '../domain/tenant-fields';
import type { ChannelGroup } from './channel-definition';
import { tenantStatusSchema } from './models';
import { tenantUsageSchema, usageCsvSchema, usageFleetSchema, usageRunSummarySchema } from './usage-models';

const isoDate = z.iso.date('Dates are YYYY-MM-DD.');

/** Usage metering and the data behind the usage dashboards. */
export const usageChannels = {
  /** Collects now (the Usage page's button); progress comes as job:progress 'usage-collect'. */
  'usage:collect': {
    input: z.object({ requestId: z.string().min(1).max(100).optional() }).strict(),
    output: usageRunSummarySchema,
    mutates: true,
  },
  'usage:fleet': {
    input: z.object({ days: z.union([z.literal(30), z.literal(90)]).default(30) }).strict(),
    output: usageFleetSchema,
    mutates: false,
  },
  'usage:tenant': {
    input: z.object({ ref: tenantRefSchema, days: z.number().int().min(1).max(365).default(90) }).strict(),
    output: tenantUsageSchema,
    mutates: false,
  },
  'usage:exportCsv': {
    input: z
      .object({
        filters: z
          .object({
            /** Inclusive range; both default to the latest collected day. */
            from: isoDate.optional(),
            to: isoDate.optional(),
            plan: z.array(planCodeSchema).max(20).optional(),
            status: z.array(tenantStatusSchema).max(10).optional(),
            search: z.string().trim().max(200).optional(),
          })
          .strict()
          .default({}),
      })
      .strict(),
    output: usageCsvSchema,
    mutates: false,
  },
} as const satisfies ChannelGroup;
