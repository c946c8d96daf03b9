import { z } from 'zod';

/**
 * Present on a read's output when it was answered from the local cache instead of the
 * platform database: offline ('live', this console's own snapshot) or while reviewing an
 * imported one ('imported'). Absent on live answers, so existing callers see no change.
 * (Its own file so that usage and plan models can carry it without an import cycle.)
 */
export const snapshotMarkSchema = z.object({
  asOf: z.string(),
  source: z.enum(['live', 'imported']),
  sourceConsole: z.string(),
  consoleLabel: z.string(),
});
export type SnapshotMark = z.infer<typeof snapshotMarkSchema>;
