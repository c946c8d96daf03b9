import type { DatabaseStats } from './server-stats';

/** The figures a tenant's latest usage row holds, and the statistics baseline they were read at. */
export interface PreviousUsage {
  readonly usageDate: string;
  /** Null when the tenant has never been read successfully. */
  readonly readAt: Date | null;
  readonly monthStart: string | null;
  readonly tupleChanges: number | null;
  readonly statsReset: Date | null;
  readonly error: string | null;
}

export type ReadReason = 'first' | 'new-month' | 'retry' | 'stats-reset' | 'changed';

const sameTime = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

/**
 * Whether a database must be visited, and why; null means its last figures still hold and
 * carry over without a connection. The rule looks only at counters a read-only visit does
 * not move (xact_commit and sessions do move: our own visit counts), and is conservative
 * about the lazily flushed statistics: a change not yet flushed is simply seen next run.
 */
export function readReason(previous: PreviousUsage | null, stats: DatabaseStats, monthStart: string): ReadReason | null {
  if (!previous || previous.readAt === null) return 'first';
  if (previous.error !== null) return 'retry';
  // Transactions are counted per calendar month: a new month needs a fresh count even if idle.
  if (previous.monthStart !== monthStart) return 'new-month';
  if (!sameTime(previous.statsReset, stats.statsReset)) return 'stats-reset';
  if (previous.tupleChanges !== stats.tupleChanges) return 'changed';
  return null;
}
