import { z } from 'zod';
import { planSchema } from './models';
import { snapshotMarkSchema } from './snapshot-mark';

const isoTime = z.string();

export const LIMIT_RESOURCES = ['companies', 'users', 'transactions'] as const;
export const limitResourceSchema = z.enum(LIMIT_RESOURCES);
export type LimitResource = z.infer<typeof limitResourceSchema>;

/** One version of a plan, with how many tenants are on it (grandfathered or current). */
export const planVersionSchema = planSchema.extend({
  overagePriceCents: z.number().int().nullable(),
  isCurrent: z.boolean(),
  createdAt: isoTime,
  tenantCount: z.number().int(),
});
export type PlanVersion = z.infer<typeof planVersionSchema>;

export const limitOverrideSchema = z.object({
  id: z.string(),
  resource: limitResourceSchema,
  /** limit: replaces the plan's limit (value null = unlimited); allowance: added on top. */
  kind: z.enum(['limit', 'allowance']),
  value: z.number().int().nullable(),
  reason: z.string(),
  expiresAt: isoTime.nullable(),
  createdBy: z.string(),
  createdAt: isoTime,
  /** Not revoked and not expired. */
  active: z.boolean(),
});
export type LimitOverride = z.infer<typeof limitOverrideSchema>;

/** Usage of one resource against its effective limit, read from the tenant database. */
const limitUsageSchema = z.object({
  resource: limitResourceSchema,
  /** For users: the largest company's count (the limit is per company). */
  current: z.number().int(),
  /** The effective limit (plan or custom limit, plus allowances); null = unlimited. */
  limit: z.number().int().nullable(),
  planLimit: z.number().int().nullable(),
  percent: z.number().nullable(),
  /** At or above the warning threshold (soft limit). */
  warning: z.boolean(),
  /** At or above the limit: the next insert is refused. */
  blocked: z.boolean(),
  /** For users: the largest company. */
  company: z.object({ id: z.number().int(), name: z.string() }).nullable(),
});
export type LimitUsage = z.infer<typeof limitUsageSchema>;

export const tenantLimitsSchema = z.object({
  tenantCode: z.string(),
  plan: z.string(),
  planVersion: z.number().int(),
  warningPercent: z.number().int(),
  /** The calendar month (UTC) transactions are counted in, e.g. 2025-06-01. */
  period: z.string(),
  resources: z.array(limitUsageSchema),
  usersByCompany: z.array(z.object({ companyId: z.number().int(), companyName: z.string(), current: z.number().int() })),
  overrides: z.array(limitOverrideSchema),
  /** The tenant database's schema version (null: not recorded yet). */
  schemaVersion: z.number().int().nullable(),
  /** Answered from the local cache: the limits as last read online, and when. */
  snapshot: snapshotMarkSchema.optional(),
});
export type TenantLimits = z.infer<typeof tenantLimitsSchema>;

/** One reason a plan change would put a tenant over its new limits. */
const planViolationSchema = z.object({
  resource: limitResourceSchema,
  current: z.number().int(),
  newLimit: z.number().int(),
  /** e.g. "users in company Sales: 14, new limit 5". */
  message: z.string(),
});
export type PlanViolation = z.infer<typeof planViolationSchema>;

export const planChangePreviewSchema = z.object({
  tenantCode: z.string(),
  companyName: z.string(),
  from: z.object({ code: z.string(), version: z.number().int() }),
  to: z.object({ code: z.string(), version: z.number().int() }),
  violations: z.array(planViolationSchema),
  /** The tenant database could not be read (then violations are unknown). */
  problem: z.string().nullable(),
});
export type PlanChangePreview = z.infer<typeof planChangePreviewSchema>;

export const moveTenantsResultSchema = z.object({
  moved: z.array(z.object({ tenantCode: z.string(), forced: z.boolean() })),
  refused: z.array(z.object({ tenantCode: z.string(), message: z.string() })),
  failed: z.array(z.object({ tenantCode: z.string(), message: z.string() })),
});
export type MoveTenantsResult = z.infer<typeof moveTenantsResultSchema>;

export const planHistoryEntrySchema = z.object({
  from: z.object({ code: z.string(), version: z.number().int() }),
  to: z.object({ code: z.string(), version: z.number().int() }),
  forced: z.boolean(),
  reason: z.string().nullable(),
  changedBy: z.string(),
  changedAt: isoTime,
});
export type PlanHistoryEntry = z.infer<typeof planHistoryEntrySchema>;

export const fleetMigrateReportSchema = z.object({
  schemaVersion: z.number().int(),
  /** Tenants that needed work this run (the rest were already at schemaVersion). */
  examined: z.number().int(),
  migrated: z.array(z.object({ tenantCode: z.string(), fromVersion: z.number().int().nullable(), applied: z.array(z.number().int()) })),
  failed: z.array(z.object({ tenantCode: z.string(), message: z.string() })),
  upToDate: z.number().int(),
});
export type FleetMigrateReport = z.infer<typeof fleetMigrateReportSchema>;

/** How far the fleet's tenant databases are from the newest tenant schema (what fleet:migrate would do). */
export const fleetStatusSchema = z.object({
  schemaVersion: z.number().int(),
  /** Tenants with a database (not deleted, not being provisioned). */
  total: z.number().int(),
  /** Of those, not recorded at schemaVersion. */
  behind: z.number().int(),
  /** The first of the tenants behind (up to 200), by code: which version each is recorded at. */
  behindTenants: z.array(z.object({ tenantCode: z.string(), schemaVersion: z.number().int().nullable() })),
});
export type FleetStatus = z.infer<typeof fleetStatusSchema>;
