import { GENESIS_HASH, type StoredAuditEvent } from './audit-event';
import { analyseRun, contentMatches, type ChainBreak } from './chain-analysis';

export interface ChainReport {
  readonly ok: boolean;
  readonly checked: number;
  readonly lastSeq: number;
  readonly breaks: ChainBreak[];
  /** More breaks were found than are listed. */
  readonly moreBreaks: boolean;
}

/** What the log last recorded about its own end (kept beside it, updated with each append). */
export interface TailAnchor {
  readonly lastSeq: number;
  readonly lastHash: string;
}

// Rows held back at a page's end when a break is near it, so a disturbance that straddles
// two pages is analysed in one piece.
const CARRY = 256;
// Accepted rows kept as context: an inserted event that links correctly to its predecessor
// passes the quick check, and only shows once the genuine next event fails to link to it.
const CONTEXT = 64;
const MAX_BREAKS = 200;

/**
 * Checks a chain fed page by page in `seq` order. The common case (no break) is one hash
 * per event and no allocation beyond the page; only a run around a break is analysed.
 */
export class ChainChecker {
  #expected = GENESIS_HASH;
  #recent: StoredAuditEvent[] = [];
  #recentAnchor = GENESIS_HASH;
  #carry: StoredAuditEvent[] = [];
  #breaks: ChainBreak[] = [];
  #moreBreaks = false;
  #checked = 0;
  #lastSeq = 0;

  add(page: readonly StoredAuditEvent[], final = false): void {
    const rows = this.#carry.length > 0 ? [...this.#carry, ...page] : page;
    this.#carry = [];
    let good = 0;
    for (const row of rows) {
      if (row.prevHash !== this.#expected || !contentMatches(row)) break;
      this.#expected = row.hash;
      good += 1;
      this.#recent.push(row);
    }
    if (this.#recent.length > 2 * CONTEXT) {
      const dropped = this.#recent.splice(0, this.#recent.length - CONTEXT);
      this.#recentAnchor = dropped.at(-1)!.hash;
    }
    this.#checked += good;
    if (good > 0) this.#lastSeq = rows[good - 1]!.seq;
    if (good === rows.length) return;
    const rest = rows.slice(good);
    if (!final && rest.length < 2 * CARRY) {
      this.#carry = rest;
      return;
    }
    const now = final ? rest : rest.slice(0, rest.length - CARRY);
    if (!final) this.#carry = rest.slice(rest.length - CARRY);
    const { breaks, tailHash } = analyseRun([...this.#recent, ...now], this.#recentAnchor);
    this.#expected = tailHash;
    this.#recent = [];
    this.#recentAnchor = tailHash;
    this.#checked += now.length;
    this.#lastSeq = now.at(-1)!.seq;
    for (const found of breaks) {
      if (this.#breaks.length < MAX_BREAKS) this.#breaks.push(found);
      else this.#moreBreaks = true;
    }
  }

  finish(anchor: TailAnchor | null): ChainReport {
    this.add([], true);
    if (anchor && anchor.lastSeq > 0 && anchor.lastHash !== this.#expected) {
      const message =
        anchor.lastSeq > this.#lastSeq
          ? `The log ends at event ${this.#lastSeq} but recorded ${anchor.lastSeq}: the last events were deleted.`
          : `The log's end does not match what it recorded (event ${anchor.lastSeq}): events were added or changed at the end.`;
      this.#breaks.push({ kind: anchor.lastSeq > this.#lastSeq ? 'deleted' : 'inserted', seq: Math.min(anchor.lastSeq, this.#lastSeq + 1), id: null, message });
    }
    return { ok: this.#breaks.length === 0, checked: this.#checked, lastSeq: this.#lastSeq, breaks: this.#breaks, moreBreaks: this.#moreBreaks };
  }
}
