import { z } from 'zod';
import type { ChannelGroup } from './channel-definition';
import { consoleStatusSchema, SNAPSHOT_MAX_CHARS, snapshotExportSchema, snapshotImportResultSchema } from './offline-models';

const empty = z.object({}).strict();

/** Connectivity and offline review: the snapshot of tenants (and usage) kept in the local cache. */
export const offlineChannels = {
  'console:status': { input: empty, output: consoleStatusSchema, mutates: false },
  'snapshot:export': { input: empty, output: snapshotExportSchema, mutates: false },
  'snapshot:import': {
    input: z
      .object({
        content: z.string().min(1, 'The snapshot file is empty.').max(SNAPSHOT_MAX_CHARS, 'The snapshot file is too large.'),
        fileName: z.string().trim().max(255).optional(),
      })
      .strict(),
    output: snapshotImportResultSchema,
    mutates: true,
    localOnly: true,
  },
  'snapshot:closeReview': { input: empty, output: consoleStatusSchema, mutates: true, localOnly: true },
} as const satisfies ChannelGroup;
