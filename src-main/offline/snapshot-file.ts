import { z } from 'zod';
import { tenantDetailSchema, tenantOperationSchema } from '../../src-shared/contract/models';
import { snapshotLimitsSchema, usageSnapshotRowSchema } from '../../src-shared/contract/offline-models';
import { AppError } from '../base/app-error';
import { describeValidationError } from '../base/validation-message';

export const SNAPSHOT_FORMAT = 'tenant-console-snapshot';
export const SNAPSHOT_FORMAT_VERSION = 1;

const instant = z.iso.datetime({ offset: true });

/**
 * A snapshot file: plain JSON, self-describing, readable without the console. Everything
 * in it is validated on import like any other contract input — it comes from another machine.
 */
export const snapshotFileSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  formatVersion: z.literal(SNAPSHOT_FORMAT_VERSION),
  sourceConsole: z.string().min(1).max(100),
  consoleLabel: z.string().max(200),
  tenantsAt: instant,
  usageAt: instant.nullable(),
  exportedAt: instant,
  tenants: z.array(tenantDetailSchema).max(1_000_000),
  operations: z.record(z.string().max(64), z.array(tenantOperationSchema).max(200)),
  usage: z.array(usageSnapshotRowSchema).max(20_000_000),
  /** Effective limits per tenant (absent in files from before usage dashboards worked offline). */
  limits: z.record(z.string().max(64), snapshotLimitsSchema).optional(),
  /**
   * Reads kept as last answered online (the fleet dashboard, a tenant's limits and plan
   * history). Their outputs are checked again by the channel's own output schema when read.
   */
  responses: z
    .array(z.object({ channel: z.string().max(100), inputKey: z.string().max(200), output: z.unknown(), savedAt: instant }))
    .max(1_000_000)
    .optional(),
});
export type SnapshotFile = z.infer<typeof snapshotFileSchema>;

export function parseSnapshotFile(content: string): SnapshotFile {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (error) {
    throw new AppError('VALIDATION', `Not a Tenant Console snapshot file: it is not JSON (${(error as Error).message}).`);
  }
  const format = (json as { format?: unknown; formatVersion?: unknown } | null) ?? {};
  if (format.format !== SNAPSHOT_FORMAT) throw new AppError('VALIDATION', 'Not a Tenant Console snapshot file (no "format": "tenant-console-snapshot").');
  if (format.formatVersion !== SNAPSHOT_FORMAT_VERSION) {
    throw new AppError('VALIDATION', `This snapshot file has format version ${String(format.formatVersion)}; this console reads version ${SNAPSHOT_FORMAT_VERSION}.`);
  }
  const parsed = snapshotFileSchema.safeParse(json);
  if (!parsed.success) throw new AppError('VALIDATION', `The snapshot file is damaged: ${describeValidationError(parsed.error).slice(0, 300)}`);
  return parsed.data;
}

/** A file name that says whose snapshot it is and when: tenant-snapshot-<label>-<time>.json. */
export function snapshotFileName(consoleLabel: string, takenAt: string): string {
  const label = consoleLabel.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'console';
  return `tenant-snapshot-${label}-${takenAt.replace(/[:.]/g, '-')}.json`;
}
