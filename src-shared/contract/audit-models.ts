import { z } from 'zod';

/** One audited action, as the Audit page and `tenantctl audit list` show it. */
const auditEventSchema = z.object({
  id: z.string(),
  consoleId: z.string(),
  /** The console's own sequence number: its events' order. */
  seq: z.number().int(),
  time: z.string(),
  /** The PostgreSQL user the console was connected as. */
  operator: z.string(),
  osUser: z.string(),
  action: z.string(),
  tenant: z.string().nullable(),
  /** The input, secrets removed and size capped (JSON text). */
  details: z.string(),
  /** 'ok' or the error code. */
  outcome: z.string(),
  durationMs: z.number().int(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** 'fleet': every console's events (platform database); 'local': this console's cache, works offline. */
const auditSourceSchema = z.enum(['fleet', 'local']);
export type AuditSource = z.infer<typeof auditSourceSchema>;

const isoInstant = z.iso.datetime({ offset: true, message: 'Use an ISO date-time such as 2025-01-31T00:00:00Z.' });

export const auditFiltersSchema = z.object({
  source: auditSourceSchema.default('fleet'),
  tenant: z.string().trim().min(1).max(64).optional(),
  operator: z.string().trim().min(1).max(200).optional(),
  action: z.string().trim().min(1).max(100).optional(),
  /** 'ok', 'error' (any failure) or one error code. */
  outcome: z.string().trim().min(1).max(40).optional(),
  since: isoInstant.optional(),
  until: isoInstant.optional(),
  /** Free text searched in the details (case-insensitive). */
  search: z.string().trim().min(1).max(200).optional(),
});
export type AuditFilters = z.infer<typeof auditFiltersSchema>;

export const auditPageSchema = z.object({
  rows: z.array(auditEventSchema),
  /** Pass back as `cursor` for the next (older) page; null at the end. */
  nextCursor: z.string().nullable(),
  /** Only when asked for (`includeTotal`): counting a million rows has a cost. */
  total: z.number().int().nullable(),
});
export type AuditPage = z.infer<typeof auditPageSchema>;

const chainBreakSchema = z.object({
  kind: z.enum(['edited', 'deleted', 'inserted', 'reordered']),
  seq: z.number().int(),
  id: z.string().nullable(),
  message: z.string(),
});

const chainReportSchema = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  lastSeq: z.number().int(),
  breaks: z.array(chainBreakSchema),
  moreBreaks: z.boolean(),
});
export type ChainReportInfo = z.infer<typeof chainReportSchema>;

export const auditVerifySchema = z.object({
  consoleId: z.string(),
  local: chainReportSchema,
  /** This console's copy in the platform database; null when it could not be read (see platformProblem). */
  platform: chainReportSchema.nullable(),
  platformProblem: z.string().nullable(),
});
export type AuditVerifyResult = z.infer<typeof auditVerifySchema>;

export const auditExportSchema = z.object({
  format: z.enum(['csv', 'json']),
  fileName: z.string(),
  content: z.string(),
  rowCount: z.number().int(),
  /** More rows matched than maxRows. */
  truncated: z.boolean(),
});
export type AuditExport = z.infer<typeof auditExportSchema>;

export const cacheStatusSchema = z.object({
  state: z.enum(['open', 'refused']),
  file: z.string(),
  consoleId: z.string().nullable(),
  schemaVersion: z.number().int().nullable(),
  notice: z.string().nullable(),
  problem: z.string().nullable(),
});

export const auditStatusSchema = z.object({
  consoleId: z.string().nullable(),
  /** Events recorded locally and not yet in the platform database. */
  outboxDepth: z.number().int(),
  lastSeq: z.number().int(),
  pushedThroughSeq: z.number().int(),
  lastPushAt: z.string().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  cache: cacheStatusSchema,
});
export type AuditStatus = z.infer<typeof auditStatusSchema>;
