import { z } from 'zod';
import { companyNameSchema, tenantRefSchema } from '../domain/tenant-fields';
import { subdomainSchema } from '../domain/subdomain';
import type { ChannelGroup } from './channel-definition';
import {
  backupFormatSchema,
  backupSchema,
  backupSettingsSchema,
  deletionResultSchema,
  exportResultSchema,
  prunePreviewSchema,
  pruneReportSchema,
  restoreResultSchema,
  scheduledDeletionsPreviewSchema,
  scheduledDeletionsReportSchema,
  verifyReportSchema,
} from './backup-models';

/**
 * A file path from a renderer or script: absolute, no NUL, sensible length. Main checks
 * further (inside the backup folder, for reads) before it opens anything.
 */
export const filePathSchema = z
  .string()
  .min(1, 'A file path is required.')
  .max(4096, 'The file path is too long.')
  .refine((value) => !value.includes('\0'), 'The file path contains a NUL character.')
  .refine((value) => value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value) || value.startsWith('\\\\'), 'The file path must be absolute.');

/** Chosen by the caller to follow its job's progress events and to cancel it (jobs:cancel). */
const requestId = z.string().uuid().optional();

/**
 * What the operator confirmed after a preview: the run touches only these (and only those
 * still due), so a backup made or a tenant cancelled meanwhile is never removed unseen.
 * Absent (the scheduler, cron scripts): everything due, as the preview would have listed.
 */
const confirmedBackupIds = z.array(z.string().uuid()).max(100_000).optional();
const confirmedTenantCodes = z.array(tenantRefSchema).max(100_000).optional();

export const backupChannels = {
  'backups:create': {
    input: z.object({ ref: tenantRefSchema, format: backupFormatSchema.default('tc-archive'), requestId }).strict(),
    output: backupSchema,
    mutates: true,
  },
  'backups:list': {
    input: z.object({ ref: tenantRefSchema.optional(), limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    output: z.array(backupSchema),
    mutates: false,
  },
  'backups:verify': {
    input: z
      .object({ backupId: z.string().uuid().optional(), file: filePathSchema.optional(), requestId })
      .strict()
      .refine((value) => (value.backupId === undefined) !== (value.file === undefined), 'Give either backupId or file.'),
    output: verifyReportSchema,
    mutates: false,
  },
  'backups:restore': {
    input: z
      .object({
        backupId: z.string().uuid().optional(),
        file: filePathSchema.optional(),
        mode: z.enum(['as-new', 'in-place']),
        /** For as-new: the copy's subdomain, and its company name (default: the backup's). */
        subdomain: subdomainSchema.optional(),
        companyName: companyNameSchema.optional(),
        requestId,
      })
      .strict()
      .refine((value) => (value.backupId === undefined) !== (value.file === undefined), 'Give either backupId or file.')
      .refine((value) => value.mode !== 'as-new' || value.subdomain !== undefined, 'A restore as a new tenant needs a subdomain.'),
    output: restoreResultSchema,
    mutates: true,
  },
  'backups:export': {
    input: z.object({ ref: tenantRefSchema, file: filePathSchema, requestId }).strict(),
    output: exportResultSchema,
    mutates: true,
  },
  'backups:prunePreview': { input: z.object({}).strict(), output: prunePreviewSchema, mutates: false },
  'backups:prune': { input: z.object({ backupIds: confirmedBackupIds }).strict(), output: pruneReportSchema, mutates: true },
  'backups:getSettings': { input: z.object({}).strict(), output: backupSettingsSchema, mutates: false },
  'backups:updateSettings': {
    input: z
      .object({
        directory: filePathSchema.nullable().optional(),
        keepLast: z.number().int().min(1).max(1000).optional(),
        requireSigned: z.boolean().optional(),
      })
      .strict(),
    output: backupSettingsSchema,
    mutates: true,
  },
  'tenants:delete': {
    input: z
      .object({
        ref: tenantRefSchema,
        /** Forces deletion before the retention ends: must equal the tenant code, typed by the operator. */
        confirmCode: z.string().trim().max(20).optional(),
        requestId,
      })
      .strict(),
    output: deletionResultSchema,
    mutates: true,
  },
  'tenants:scheduledDeletionsPreview': { input: z.object({}).strict(), output: scheduledDeletionsPreviewSchema, mutates: false },
  'tenants:runScheduledDeletions': { input: z.object({ tenantCodes: confirmedTenantCodes }).strict(), output: scheduledDeletionsReportSchema, mutates: true },
  'jobs:cancel': {
    input: z.object({ requestId: z.string().uuid() }).strict(),
    output: z.object({ cancelled: z.boolean() }),
    mutates: false,
  },
} as const satisfies ChannelGroup;
