import { z } from 'zod';
import { PRICING_MODELS } from '../domain/pricing';
import { TENANT_STATUSES } from '../domain/status';

export const tenantStatusSchema = z.enum(TENANT_STATUSES);

const isoTime = z.string();

const planLimitsSchema = z.object({
  companies: z.number().int().nullable(),
  usersPerCompany: z.number().int().nullable(),
  transactionsPerMonth: z.number().int().nullable(),
});

export const planSchema = z.object({
  code: z.string(),
  version: z.number().int(),
  name: z.string(),
  /** Minor units (cents); null for "custom" pricing. */
  priceCents: z.number().int().nullable(),
  currency: z.string(),
  interval: z.enum(['month', 'year', 'none']),
  trialDays: z.number().int().nullable(),
  limits: planLimitsSchema,
  /** How many sessions a tenant's database role may hold at once (CONNECTION LIMIT). */
  connectionLimit: z.number().int(),
  supportLevel: z.string(),
  /** How the period's price follows usage (src-shared/domain/pricing.ts). */
  pricingModel: z.enum(PRICING_MODELS),
  /** Per user, company or transaction; null for flat. */
  unitPriceCents: z.number().int().nullable(),
  /** Units the price includes (free seats, or transactions the base price covers). */
  includedUnits: z.number().int(),
  /** A trial of this plan needs a payment method up front (stored; the trial strategies act on it). */
  trialCardRequired: z.boolean(),
});
export type Plan = z.infer<typeof planSchema>;

export const tenantSummarySchema = z.object({
  id: z.string(),
  tenantCode: z.string(),
  companyName: z.string(),
  subdomain: z.string(),
  plan: z.string(),
  status: tenantStatusSchema,
  createdAt: isoTime,
  version: z.number().int(),
});
export type TenantSummary = z.infer<typeof tenantSummarySchema>;

export const tenantDetailSchema = tenantSummarySchema.extend({
  adminEmail: z.string(),
  planVersion: z.number().int(),
  planName: z.string(),
  limits: planLimitsSchema,
  statusReason: z.string().nullable(),
  trialEndsAt: isoTime.nullable(),
  deletionScheduledAt: isoTime.nullable(),
  server: z.object({ id: z.string(), name: z.string(), host: z.string(), port: z.number().int() }),
  databaseName: z.string(),
  dbRole: z.string(),
  updatedAt: isoTime,
  statusChangedAt: isoTime.nullable(),
});
export type TenantDetail = z.infer<typeof tenantDetailSchema>;

export const tenantCredentialsSchema = z.object({
  host: z.string(),
  port: z.number().int(),
  database: z.string(),
  user: z.string(),
  password: z.string(),
});
export type TenantCredentials = z.infer<typeof tenantCredentialsSchema>;

export const TENANT_SORT_FIELDS = ['companyName', 'subdomain', 'plan', 'status', 'createdAt', 'tenantCode'] as const;
export type TenantSortField = (typeof TENANT_SORT_FIELDS)[number];

/** Each spare tenant database is a full clone of its plan template on disk: a handful per plan is plenty. */
export const MAX_SPARE_DATABASES_PER_PLAN = 10;

/**
 * Self-service sign-up settings, their ranges in one place: settings:update checks them,
 * the stored value is read with them (src-main/settings), the Settings page validates with them.
 */
export const SIGNUP_SETTING_RANGES = {
  /** Sign-up requests per client address per hour. */
  signupRequestsPerHour: { min: 1, max: 10_000 },
  /** Days an invitation link works. */
  signupInvitationDays: { min: 1, max: 90 },
  /** Days without a sign-in after which a trial counts as stalled (listed, and nudged once). */
  onboardingStalledDays: { min: 1, max: 365 },
} as const;

export const settingsSchema = z.object({
  baseDomain: z.string(),
  cancellationRetentionDays: z.number().int(),
  /** Soft limit: dashboards and check_limit warn from this % of a limit. */
  limitWarningPercent: z.number().int(),
  /** How often a running console collects usage by itself. */
  usageCollectionIntervalHours: z.number().int(),
  /** Spare tenant databases kept ready per plan (0: none; provisioning then clones the plan's template). */
  spareDatabasesPerPlan: z.number().int(),
  /** Host mode: a browser's own sign-in ends after this many minutes without a call. */
  sessionIdleMinutes: z.number().int(),
  signupRequestsPerHour: z.number().int(),
  signupInvitationDays: z.number().int(),
  onboardingStalledDays: z.number().int(),
});
export type Settings = z.infer<typeof settingsSchema>;

export const reconcileReportSchema = z.object({
  examined: z.number().int(),
  resumed: z.array(z.object({ operationId: z.string(), kind: z.string(), tenantCode: z.string() })),
  rolledBack: z.array(z.object({ operationId: z.string(), kind: z.string(), tenantCode: z.string() })),
  failed: z.array(z.object({ operationId: z.string(), kind: z.string(), tenantCode: z.string(), message: z.string() })),
  skippedInProgress: z.number().int(),
});
export type ReconcileReport = z.infer<typeof reconcileReportSchema>;

export const appInfoSchema = z.object({
  version: z.string(),
  mode: z.enum(['electron', 'host', 'cli']),
  server: z.object({
    kind: z.enum(['embedded', 'external']),
    host: z.string(),
    port: z.number().int(),
    serverVersion: z.string(),
  }),
  platformDatabase: z.string(),
  tenantSchemaVersion: z.number().int(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

const OPERATION_STATES = ['running', 'done', 'rolled_back', 'failed'] as const;

/** One entry of a tenant's operations journal: what was done to it, by whom, how it ended. */
export const tenantOperationSchema = z.object({
  id: z.string(),
  kind: z.string(),
  state: z.enum(OPERATION_STATES),
  step: z.string(),
  startedBy: z.string(),
  startedAt: isoTime,
  finishedAt: isoTime.nullable(),
  error: z.string().nullable(),
  reason: z.string().nullable(),
});
export type TenantOperation = z.infer<typeof tenantOperationSchema>;
