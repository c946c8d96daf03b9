import { z } from 'zod';
import type { ChannelGroup } from './channel-definition';
import { auditExportSchema, auditFiltersSchema, auditPageSchema, auditStatusSchema, auditVerifySchema, cacheStatusSchema } from './audit-models';

const empty = z.object({}).strict();

/** The audit log and the local cache: reads only (the log is written around dispatch, never by a channel). */
export const auditChannels = {
  'audit:list': {
    input: auditFiltersSchema
      .extend({
        cursor: z.string().max(200).optional(),
        limit: z.number().int().min(1).max(1000).default(100),
        includeTotal: z.boolean().default(false),
      })
      .strict(),
    output: auditPageSchema,
    mutates: false,
  },
  'audit:verify': {
    input: z.object({ includePlatform: z.boolean().default(true) }).strict(),
    output: auditVerifySchema,
    mutates: false,
  },
  'audit:export': {
    input: auditFiltersSchema
      .extend({ format: z.enum(['csv', 'json']).default('csv'), maxRows: z.number().int().min(1).max(1_000_000).default(100_000) })
      .strict(),
    output: auditExportSchema,
    mutates: false,
  },
  'audit:status': { input: empty, output: auditStatusSchema, mutates: false },
  'cache:status': { input: empty, output: cacheStatusSchema, mutates: false },
} as const satisfies ChannelGroup;
