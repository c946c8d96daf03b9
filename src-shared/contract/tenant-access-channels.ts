import { z } from 'zod';
import { tenantRefSchema } from '../domain/tenant-fields';
import type { ChannelGroup } from './channel-definition';
import { tenantCredentialsSchema } from './models';

/** What `platform.check_limit` accepts: the plural names, and (tenant migration 006) the singular ones. */
export const CHECK_LIMIT_RESOURCES = ['companies', 'users', 'transactions', 'company', 'user', 'transaction'] as const;

export const checkLimitResultSchema = z.object({
  canCreate: z.boolean(),
  current: z.number().int(),
  /** Null: unlimited. */
  limit: z.number().int().nullable(),
  /** "Company limit reached (3 of 3). Please upgrade.", a near-limit warning, or null. */
  message: z.string().nullable(),
});
export type CheckLimitResult = z.infer<typeof checkLimitResultSchema>;

/**
 * Channels the ERP side needs (the tenant API): the tenant database's own answer to "may it
 * create one more?", and a new password for a tenant's role.
 */
export const tenantAccessChannels = {
  'tenants:checkLimit': {
    input: z
      .object({
        ref: tenantRefSchema,
        resource: z.enum(CHECK_LIMIT_RESOURCES),
        /** The company a user would join (the user limit is per company). */
        companyId: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
      })
      .strict(),
    output: checkLimitResultSchema,
    mutates: false,
  },
  /** The latest collected companies and users of these tenants (the API's list shows them beside each tenant). */
  'tenants:latestUsage': {
    input: z.object({ codes: z.array(z.string().regex(/^[A-Z]{2,4}[0-9]{3,6}$/)).max(500) }).strict(),
    output: z.array(z.object({ tenantCode: z.string(), usageDate: z.string(), companies: z.number().int().nullable(), usersTotal: z.number().int().nullable() })),
    mutates: false,
  },
  'tenants:rotateCredentials': {
    input: z.object({ ref: tenantRefSchema }).strict(),
    output: z.object({ tenantCode: z.string(), credentials: tenantCredentialsSchema, sessionsEnded: z.number().int() }),
    mutates: true,
  },
} as const satisfies ChannelGroup;
