import { z } from 'zod';
import type { ChannelGroup } from './channel-definition';

/** The server check's kinds of finding (issue 11, item 6). */
export const SERVER_CHECKS = ['public-connect', 'hba-trust', 'role-settings', 'role-password'] as const;
export const FINDING_SEVERITIES = ['high', 'medium', 'low'] as const;

export const serverCheckFindingSchema = z.object({
  check: z.enum(SERVER_CHECKS),
  severity: z.enum(FINDING_SEVERITIES),
  /** What the finding is about: a database, a pg_hba.conf line, a tenant role. */
  subject: z.string(),
  /** What was found and why it matters. */
  message: z.string(),
  /** How to fix it (SQL or a configuration change). */
  fix: z.string(),
});
export type ServerCheckFinding = z.infer<typeof serverCheckFindingSchema>;

/** `ok` when there is no finding; also `tenantctl doctor --json`'s shape. */
export const serverCheckReportSchema = z.object({ ok: z.boolean(), findings: z.array(serverCheckFindingSchema) });
export type ServerCheckReport = z.infer<typeof serverCheckReportSchema>;

/** The server check: read-only, on whichever server the console uses (embedded or external). */
export const serverCheckChannels = {
  'settings:serverCheck': { input: z.object({}).strict(), output: serverCheckReportSchema, mutates: false },
} as const satisfies ChannelGroup;
