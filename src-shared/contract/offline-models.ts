import { z } from 'zod';
import { usageFiguresSchema } from './usage-models';

/** An imported snapshot under review: reads come from it and changes are refused. */
const snapshotReviewSchema = z.object({
  sourceConsole: z.string(),
  /** The exporting machine's name, so the operator knows whose data this is. */
  consoleLabel: z.string(),
  takenAt: z.string(),
  importedAt: z.string(),
  fileName: z.string().nullable(),
});
export type SnapshotReview = z.infer<typeof snapshotReviewSchema>;

/** Whether the platform database answers (`console:status`, and the `console:connectivity` event). */
export const consoleStatusSchema = z.object({
  online: z.boolean(),
  /** When the current state began. */
  since: z.string(),
  lastCheckedAt: z.string().nullable(),
  /** Why the console is offline (the last probe's failure), null when online. */
  reason: z.string().nullable(),
  /** The newest saved tenants snapshot of this console (what offline views show), null if none yet. */
  snapshotAt: z.string().nullable(),
  review: snapshotReviewSchema.nullable(),
});
export type ConsoleStatus = z.infer<typeof consoleStatusSchema>;

export { snapshotMarkSchema, type SnapshotMark } from './snapshot-mark';

export const snapshotExportSchema = z.object({
  fileName: z.string(),
  /** The snapshot file (JSON text): the host-mode browser downloads it, the CLI writes it. */
  content: z.string(),
  takenAt: z.string(),
  tenantCount: z.number().int(),
  usageRowCount: z.number().int(),
});

export const snapshotImportResultSchema = z.object({
  review: snapshotReviewSchema,
  tenantCount: z.number().int(),
  usageRowCount: z.number().int(),
});

/** The largest snapshot file accepted (text): ~ 30,000 tenants with 90 days of usage; fits host mode's request limit once JSON-escaped. */
export const SNAPSHOT_MAX_CHARS = 40 * 1024 * 1024;

/** One tenant's usage on one day, as kept for offline review (metric name → value). */
export const usageSnapshotRowSchema = z.object({
  tenantCode: z.string().min(1).max(64),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'day must be YYYY-MM-DD.'),
  metrics: z.record(z.string().max(64), z.number()),
  /** The day's figures exactly as the platform answers them (absent in files from before they were kept). */
  figures: usageFiguresSchema.optional(),
  /** The month the day's transaction count belongs to (YYYY-MM-01). */
  monthStart: z.string().nullable().optional(),
});
export type UsageSnapshotRow = z.infer<typeof usageSnapshotRowSchema>;

/** A tenant's effective limits (plan or override, plus allowances; null = unlimited) as last read. */
export const snapshotLimitsSchema = z.object({
  companies: z.number().int().nullable(),
  usersPerCompany: z.number().int().nullable(),
  transactionsPerMonth: z.number().int().nullable(),
  warningPercent: z.number(),
});
export type SnapshotLimits = z.infer<typeof snapshotLimitsSchema>;
