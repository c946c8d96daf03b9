import { eventHash, type StoredAuditEvent } from './audit-event';

/** What the analysis needs of an event: its place, its identity and its links. */
export interface ChainLink {
  readonly seq: number;
  readonly id: string;
  readonly prevHash: string;
  readonly hash: string;
}

/** A link with the outcome of its content check (made by whoever read the row). */
export interface CheckedLink extends ChainLink {
  readonly contentOk: boolean;
}

export type ChainBreakKind = 'edited' | 'deleted' | 'inserted' | 'reordered';

export interface ChainBreak {
  readonly kind: ChainBreakKind;
  /** The event the break is found at (for 'deleted': the first event after the gap). */
  readonly seq: number;
  readonly id: string | null;
  readonly message: string;
}

/** Does the row's stored hash match its content and its link? */
export function contentMatches(row: StoredAuditEvent): boolean {
  return eventHash(row) === row.hash;
}

/** Indices (into `values`) of one longest strictly increasing subsequence: O(n log n). */
function longestIncreasing(values: readonly number[]): Set<number> {
  const tails: number[] = [];
  const previous = new Array<number>(values.length).fill(-1);
  for (let i = 0; i < values.length; i += 1) {
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (values[tails[mid]!]! < values[i]!) low = mid + 1;
      else high = mid;
    }
    if (low > 0) previous[i] = tails[low - 1]!;
    tails[low] = i;
  }
  const kept = new Set<number>();
  for (let at = tails.at(-1) ?? -1; at !== -1; at = previous[at]!) kept.add(at);
  return kept;
}

/**
 * Explains the breaks in a run of events (in stored order) that follows the trusted hash
 * `anchor`. The true order is rebuilt by following the links (each event names its
 * predecessor's hash), then compared with the stored one:
 * - content that no longer matches its own hash: edited;
 * - a link to a hash nobody has: events missing (deleted) — or, with no gap in the
 *   numbering, the previous event was changed and re-hashed (edited);
 * - an event that nothing continues from and that does not fit the chain: inserted;
 * - events whose link order differs from their stored order: reordered.
 * Returns the breaks and the hash the next run must link to.
 */
export function analyseRun(rows: readonly CheckedLink[], anchor: string): { breaks: ChainBreak[]; tailHash: string } {
  const breaks: ChainBreak[] = [];
  const claimants = new Map<string, number[]>();
  const byHash = new Map<string, number>();
  rows.forEach((row, index) => {
    byHash.set(row.hash, index);
    const list = claimants.get(row.prevHash);
    if (list) list.push(index);
    else claimants.set(row.prevHash, [index]);
  });
  rows.forEach((row) => {
    if (!row.contentOk) {
      breaks.push({ kind: 'edited', seq: row.seq, id: row.id, message: `Event ${row.seq} (${row.id}) was changed: its content no longer matches its hash.` });
    }
  });

  const used = new Set<number>();
  const order: number[] = [];
  const hasContinuation = (index: number) => (claimants.get(rows[index]!.hash) ?? []).some((next) => !used.has(next));
  const follow = (fromHash: string) => {
    let current = fromHash;
    for (;;) {
      const candidates = (claimants.get(current) ?? []).filter((index) => !used.has(index));
      if (candidates.length === 0) return;
      // Two events claiming one predecessor: the genuine one is continued by the chain.
      const chosen = candidates.find(hasContinuation) ?? candidates[0]!;
      used.add(chosen);
      order.push(chosen);
      current = rows[chosen]!.hash;
    }
  };

  follow(anchor);
  for (let index = 0; index < rows.length; index += 1) {
    if (used.has(index)) continue;
    const row = rows[index]!;
    const predecessorKnown = row.prevHash === anchor || byHash.has(row.prevHash);
    if (predecessorKnown) continue; // a second claimant of a known event: decided below
    const continued = hasContinuation(index);
    const isLast = index === rows.length - 1;
    if (!continued && !isLast) continue; // an orphan: reported as inserted below
    // A fragment starts here: what came before it is gone (or was re-hashed).
    const before = order.length > 0 ? rows[order.at(-1)!]! : null;
    const expectedSeq = (before?.seq ?? rows[0]!.seq - 1) + 1;
    if (row.seq > expectedSeq) {
      const missing = row.seq - expectedSeq === 1 ? `event ${expectedSeq} is` : `events ${expectedSeq}–${row.seq - 1} are`;
      breaks.push({ kind: 'deleted', seq: row.seq, id: row.id, message: `The chain breaks before event ${row.seq} (${row.id}): ${missing} missing.` });
    } else if (before) {
      breaks.push({
        kind: 'edited',
        seq: before.seq,
        id: before.id,
        message: `Event ${before.seq} (${before.id}) was changed and re-hashed (or events after it were removed and renumbered): event ${row.seq} does not link to it.`,
      });
    } else {
      breaks.push({ kind: 'deleted', seq: row.seq, id: row.id, message: `The chain breaks before event ${row.seq} (${row.id}): the event(s) it follows are missing.` });
    }
    used.add(index);
    order.push(index);
    follow(row.hash);
  }
  for (let index = 0; index < rows.length; index += 1) {
    if (used.has(index)) continue;
    const row = rows[index]!;
    breaks.push({ kind: 'inserted', seq: row.seq, id: row.id, message: `Event ${row.seq} (${row.id}) does not belong to the chain: it was inserted.` });
  }

  const inOrder = longestIncreasing(order);
  order.forEach((storedIndex, position) => {
    if (inOrder.has(position)) return;
    const row = rows[storedIndex]!;
    const after = position > 0 ? rows[order[position - 1]!]! : null;
    breaks.push({
      kind: 'reordered',
      seq: row.seq,
      id: row.id,
      message: `Event ${row.seq} (${row.id}) is out of order${after ? `: it belongs right after event ${after.seq}` : ': it belongs first'}.`,
    });
  });

  breaks.sort((a, b) => a.seq - b.seq);
  return { breaks, tailHash: order.length > 0 ? rows[order.at(-1)!]!.hash : anchor };
}
