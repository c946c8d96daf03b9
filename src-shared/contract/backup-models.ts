import { z } from 'zod';

const isoTime = z.string();

/** Why a backup was made: decides how long retention keeps it (pre-deletion: forever). */
const BACKUP_KINDS = ['manual', 'pre-suspension', 'pre-cancellation', 'pre-deletion', 'pre-restore', 'scheduled'] as const;
const backupKindSchema = z.enum(BACKUP_KINDS);
export type BackupKind = z.infer<typeof backupKindSchema>;

/** Native archive (COPY text, per-chunk gzip, in tar) or, when a matching one is on PATH, pg_dump's custom format. */
const BACKUP_FORMATS = ['tc-archive', 'pg_dump'] as const;
export const backupFormatSchema = z.enum(BACKUP_FORMATS);

/** One row of the backups catalog (platform database). */
export const backupSchema = z.object({
  id: z.string(),
  tenantCode: z.string(),
  kind: backupKindSchema,
  format: backupFormatSchema,
  location: z.string(),
  sizeBytes: z.number().int(),
  /** SHA-256 of the whole file, hex. */
  sha256: z.string(),
  tenantSchemaVersion: z.number().int(),
  serverVersion: z.string(),
  tableCount: z.number().int(),
  rowCount: z.number().int(),
  verifiedAt: isoTime.nullable(),
  madeBy: z.string(),
  madeAt: isoTime,
});
export type Backup = z.infer<typeof backupSchema>;

const backupTableReportSchema = z.object({
  table: z.string(),
  rows: z.number().int(),
  bytes: z.number().int(),
  ok: z.boolean(),
});

/** What verify found: ok, or the first problem in words an operator can act on. */
export const verifyReportSchema = z.object({
  ok: z.boolean(),
  problem: z.string().nullable(),
  file: z.string(),
  tenantCode: z.string().nullable(),
  archiveId: z.string().nullable(),
  tenantSchemaVersion: z.number().int().nullable(),
  madeAt: isoTime.nullable(),
  tables: z.array(backupTableReportSchema),
  rows: z.number().int(),
  bytes: z.number().int(),
  /**
   * "signed": the manifest's HMAC (manifest.hmac) is this console's (key in its secret
   * store) and matches; "unsigned": the archive has none (made before backups were signed);
   * "unknown-key": signed by another installation's key, which cannot be checked here (no
   * better than unsigned); null when the file was refused before that was known. A wrong
   * HMAC under this console's key is a refusal (ok false).
   */
  signature: z.enum(['signed', 'unsigned', 'unknown-key']).nullable(),
});
export type VerifyReport = z.infer<typeof verifyReportSchema>;

export const restoreResultSchema = z.object({
  mode: z.enum(['as-new', 'in-place']),
  tenantCode: z.string(),
  databaseName: z.string(),
  tables: z.number().int(),
  rows: z.number().int(),
  /** The safety backup made of the current state before an in-place restore. */
  safetyBackupId: z.string().nullable(),
  /** Only for a restore as a new tenant: shown once, like tenants:create. */
  credentials: z
    .object({ host: z.string(), port: z.number().int(), database: z.string(), user: z.string(), password: z.string() })
    .nullable(),
});
export type RestoreResult = z.infer<typeof restoreResultSchema>;

export const exportResultSchema = z.object({
  file: z.string(),
  sizeBytes: z.number().int(),
  tables: z.number().int(),
  rows: z.number().int(),
});
export type ExportResult = z.infer<typeof exportResultSchema>;

export const pruneReportSchema = z.object({
  kept: z.number().int(),
  removed: z.array(z.object({ id: z.string(), tenantCode: z.string(), location: z.string() })),
  /** Confirmed in a preview but no longer due when the run came (deleted meanwhile, or now among the newest): left alone. */
  skipped: z.array(z.string()),
});
export type PruneReport = z.infer<typeof pruneReportSchema>;

export const deletionResultSchema = z.object({
  tenantCode: z.string(),
  finalBackupId: z.string(),
  forced: z.boolean(),
});
export type DeletionResult = z.infer<typeof deletionResultSchema>;

export const scheduledDeletionsReportSchema = z.object({
  deleted: z.array(deletionResultSchema),
  failed: z.array(z.object({ tenantCode: z.string(), message: z.string() })),
  /** Confirmed in a preview but no longer due when the run came (reactivated, or already deleted): left alone. */
  skipped: z.array(z.string()),
});
export type ScheduledDeletionsReport = z.infer<typeof scheduledDeletionsReportSchema>;

/** What `backups:prune` would remove now: the same decision the run makes, read without deleting. */
export const prunePreviewSchema = z.object({
  keepLast: z.number().int(),
  /** Backups that stay after the prune. */
  kept: z.number().int(),
  backups: z.array(
    z.object({
      id: z.string(),
      tenantCode: z.string(),
      kind: backupKindSchema,
      location: z.string(),
      sizeBytes: z.number().int(),
      madeAt: isoTime,
    }),
  ),
  totalBytes: z.number().int(),
});
export type PrunePreview = z.infer<typeof prunePreviewSchema>;

/** What `tenants:runScheduledDeletions` would delete now: cancelled tenants past retention. */
export const scheduledDeletionsPreviewSchema = z.object({
  tenants: z.array(
    z.object({
      tenantCode: z.string(),
      companyName: z.string(),
      databaseName: z.string(),
      serverName: z.string(),
      deletionScheduledAt: isoTime,
    }),
  ),
});
export type ScheduledDeletionsPreview = z.infer<typeof scheduledDeletionsPreviewSchema>;

export const backupSettingsSchema = z.object({
  /** Absolute folder the backups go to (local or mounted). */
  directory: z.string(),
  /** Retention: the newest N per tenant are kept (pre-deletion backups always). */
  keepLast: z.number().int(),
  /** Restore (and verify as ok) only archives signed with this console's key; unsigned ones are refused. */
  requireSigned: z.boolean(),
  /** pg_dump on PATH whose major version matches the server, if any: enables the pg_dump format. */
  pgDump: z.string().nullable(),
});
export type BackupSettings = z.infer<typeof backupSettingsSchema>;

/** What a status change did about its backup (backupFirst / overrideBackupFailure). */
export const statusBackupOutcomeSchema = z.object({
  backupId: z.string().nullable(),
  /** Set when the backup failed and the operator overrode it: the failure, kept for the record. */
  overriddenFailure: z.string().nullable(),
});
