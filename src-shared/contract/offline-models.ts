import { z } from 'zod';

/** An imported snapshot under review: reads come from it and changes are refused. */
export const snapshotReviewSchema = z.object({
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

/**
 * Present on a read's output when it was answered from the local cache instead of the
 * platform database: offline ('live', this console's own snapshot) or while reviewing an
 * imported one ('imported'). Absent on live answers, so existing callers see no change.
 */
export const snapshotMarkSchema = z.object({
  asOf: z.string(),
  source: z.enum(['live', 'imported']),
  sourceConsole: z.string(),
  consoleLabel: z.string(),
});
export type SnapshotMark = z.infer<typeof snapshotMarkSchema>;

export const snapshotExportSchema = z.object({
  fileName: z.string(),
  /** The snapshot file (JSON text): the host-mode browser downloads it, the CLI writes it. */
  content: z.string(),
  takenAt: z.string(),
  tenantCount: z.number().int(),
  usageRowCount: z.number().int(),
});
export type SnapshotExport = z.infer<typeof snapshotExportSchema>;

export const snapshotImportResultSchema = z.object({
  review: snapshotReviewSchema,
  tenantCount: z.number().int(),
  usageRowCount: z.number().int(),
});
export type SnapshotImportResult = z.infer<typeof snapshotImportResultSchema>;

/** The largest snapshot file accepted (text): ~ 30,000 tenants with 90 days of usage; fits host mode's request limit once JSON-escaped. */
export const SNAPSHOT_MAX_CHARS = 40 * 1024 * 1024;

/** One tenant's usage on one day, as kept for offline review (metric name → value). */
export const usageSnapshotRowSchema = z.object({
  tenantCode: z.string().min(1).max(64),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'day must be YYYY-MM-DD.'),
  metrics: z.record(z.string().max(64), z.number()),
});
export type UsageSnapshotRow = z.infer<typeof usageSnapshotRowSchema>;
