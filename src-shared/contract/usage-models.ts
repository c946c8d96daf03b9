import { z } from 'zod';
import { tenantStatusSchema } from './models';
import { snapshotMarkSchema } from './snapshot-mark';

const isoTime = z.string();
/** A calendar date, YYYY-MM-DD (UTC). */
const isoDate = z.string();

const USAGE_RESOURCES = ['companies', 'usersPerCompany', 'transactionsPerMonth'] as const;
export type UsageResource = (typeof USAGE_RESOURCES)[number];

const USAGE_TRIGGERS = ['manual', 'schedule', 'cli'] as const;

/** One collection run: what it read, what it carried over, what failed and why. */
export const usageRunSummarySchema = z.object({
  runId: z.string(),
  trigger: z.enum(USAGE_TRIGGERS),
  startedBy: z.string(),
  state: z.enum(['running', 'done', 'failed']),
  startedAt: isoTime,
  finishedAt: isoTime.nullable(),
  usageDate: isoDate,
  tenants: z.number().int(),
  read: z.number().int(),
  carriedOver: z.number().int(),
  failed: z.number().int(),
  failures: z.array(z.object({ tenantCode: z.string(), message: z.string() })),
  /** Why the run itself failed (not a tenant: those are in failures). */
  error: z.string().nullable(),
  durationMs: z.number().nullable(),
});
export type UsageRunSummary = z.infer<typeof usageRunSummarySchema>;

/** A resource against its effective limit; `limit` null = unlimited, `percent` null then too. */
const usageAgainstLimitSchema = z.object({
  resource: z.enum(USAGE_RESOURCES),
  current: z.number().int().nullable(),
  limit: z.number().int().nullable(),
  percent: z.number().nullable(),
});
export type UsageAgainstLimit = z.infer<typeof usageAgainstLimitSchema>;

export const usageFiguresSchema = z.object({
  usageDate: isoDate,
  companies: z.number().int().nullable(),
  usersTotal: z.number().int().nullable(),
  largestCompany: z.object({ id: z.number().int(), name: z.string(), users: z.number().int() }).nullable(),
  transactionsMonth: z.number().int().nullable(),
  transactionsDelta: z.number().int().nullable(),
  databaseBytes: z.number().nullable(),
  commits: z.number().nullable(),
  sessions: z.number().nullable(),
  connections: z.number().int().nullable(),
  active: z.boolean(),
  carriedOver: z.boolean(),
  readAt: isoTime.nullable(),
  error: z.string().nullable(),
  collectedAt: isoTime,
});
export type UsageFigures = z.infer<typeof usageFiguresSchema>;

const nearLimitTenantSchema = z.object({
  tenantCode: z.string(),
  companyName: z.string(),
  plan: z.string(),
  status: tenantStatusSchema,
  /** The highest % of limit over the resources: what the near-limit list sorts by. */
  maxPercent: z.number(),
  over: z.boolean(),
  resources: z.array(usageAgainstLimitSchema),
});
export type NearLimitTenant = z.infer<typeof nearLimitTenantSchema>;

const usageTrendPointSchema = z.object({
  date: isoDate,
  transactions: z.number(),
  databaseBytes: z.number(),
  users: z.number(),
  activeTenants: z.number().int(),
  tenants: z.number().int(),
});

export const usageFleetSchema = z.object({
  days: z.number().int(),
  /** The day the latest figures are from; null before the first collection. */
  asOf: isoDate.nullable(),
  warningPercent: z.number(),
  totals: z.object({
    tenants: z.number().int(),
    companies: z.number(),
    users: z.number(),
    transactionsMonth: z.number(),
    databaseBytes: z.number(),
    activeTenants: z.number().int(),
    failedTenants: z.number().int(),
  }),
  nearLimit: z.object({
    /** How many tenants are at or above the warning threshold (the list may be capped). */
    total: z.number().int(),
    over: z.number().int(),
    tenants: z.array(nearLimitTenantSchema),
  }),
  trends: z.array(usageTrendPointSchema),
  storage: z.object({
    top: z.array(z.object({ tenantCode: z.string(), companyName: z.string(), databaseBytes: z.number() })),
    rest: z.object({ tenants: z.number().int(), databaseBytes: z.number() }),
  }),
  plans: z.array(z.object({ plan: z.string(), name: z.string(), tenants: z.number().int() })),
  mrr: z.object({
    byPlan: z.array(
      z.object({
        plan: z.string(),
        name: z.string(),
        currency: z.string(),
        /** Paying (active) tenants with a known price. */
        tenants: z.number().int(),
        monthlyCents: z.number(),
      }),
    ),
    /** Active tenants on custom-priced plans (price null): not in the totals. */
    customTenants: z.number().int(),
    totals: z.array(z.object({ currency: z.string(), monthlyCents: z.number() })),
  }),
  lastRun: usageRunSummarySchema.nullable(),
  /** Answered from the local cache (offline or under review): how old it is. */
  snapshot: snapshotMarkSchema.optional(),
});
export type UsageFleet = z.infer<typeof usageFleetSchema>;

export const tenantUsageSchema = z.object({
  tenantCode: z.string(),
  companyName: z.string(),
  status: tenantStatusSchema,
  plan: z.string(),
  planVersion: z.number().int(),
  warningPercent: z.number(),
  latest: usageFiguresSchema.nullable(),
  limits: z.array(usageAgainstLimitSchema),
  history: z.array(usageFiguresSchema),
  snapshot: snapshotMarkSchema.optional(),
});
export type TenantUsage = z.infer<typeof tenantUsageSchema>;

export const usageCsvSchema = z.object({
  filename: z.string(),
  rows: z.number().int(),
  csv: z.string(),
  snapshot: snapshotMarkSchema.optional(),
});
export type UsageCsv = z.infer<typeof usageCsvSchema>;
