import type { z } from 'zod';

/** One channel of the contract: what goes in, what comes out, and whether it changes state. */
export interface ChannelDefinition {
  readonly input: z.ZodType;
  readonly output: z.ZodType;
  /** Changes state: audited, and refused while the platform database is unreachable. */
  readonly mutates: boolean;
  /**
   * Changes only this console's local cache (importing a snapshot): still audited, but
   * allowed while the platform database is unreachable or a snapshot is under review.
   */
  readonly localOnly?: boolean;
}

/**
 * Channels are grouped by capability, one file each (`tenant-channels`, `usage-channels`, …),
 * and spread into the single `channels` map; this keeps each group's schemas beside each other.
 */
export type ChannelGroup = Record<string, ChannelDefinition>;
