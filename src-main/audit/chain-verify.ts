import { GENESIS_HASH, type StoredAuditEvent } from './audit-event';
import { analyseRun, contentMatches, type ChainBreak, type ChainLink } from './chain-analysis';

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

/**
 * How the checker reads a row of the shape its store delivers: objects from PostgreSQL,
 * raw arrays from SQLite (no object per row on the hot path of a 1,000,000-event check).
 */
export interface ChainRowAccess<R> {
  seq(row: R): number;
  prevHash(row: R): string;
  hash(row: R): string;
  /** Does the row's content still match its own hash? */
  contentMatches(row: R): boolean;
  link(row: R): ChainLink;
}

const storedEventAccess: ChainRowAccess<StoredAuditEvent> = {
  seq: (row) => row.seq,
  prevHash: (row) => row.prevHash,
  hash: (row) => row.hash,
  contentMatches,
  link: (row) => row,
};

// Rows held back at a page's end when a break is near it, so a disturbance that straddles
// two pages is analysed in one piece.
const CARRY = 256;
// Accepted rows kept as context: an inserted event that links correctly to its predecessor
// passes the quick check, and only shows once the genuine next event fails to link to it.
const CONTEXT = 64;
const MAX_BREAKS = 200;

/**
 * Checks a chain fed page by page in `seq` order. The common case (no break) is one link
 * comparison and one hash per event and no allocation beyond the page; only a run around a
 * break is turned into objects and analysed.
 */
export class ChainChecker<R = StoredAuditEvent> {
  readonly #access: ChainRowAccess<R>;
  #expected = GENESIS_HASH;
  // The last accepted rows (at most CONTEXT), and the hash they follow when there are none.
  #recent: R[] = [];
  #recentAnchor = GENESIS_HASH;
  #carry: R[] = [];
  #breaks: ChainBreak[] = [];
  #moreBreaks = false;
  #checked = 0;
  #lastSeq = 0;

  /** Rows are StoredAuditEvent objects unless an access for another shape is given. */
  constructor(access: ChainRowAccess<R> = storedEventAccess as unknown as ChainRowAccess<R>) {
    this.#access = access;
  }

  add(page: readonly R[], final = false): void {
    const access = this.#access;
    const rows = this.#carry.length > 0 ? [...this.#carry, ...page] : page;
    this.#carry = [];
    let expected = this.#expected;
    let good = 0;
    while (good < rows.length) {
      const row = rows[good]!;
      if (access.prevHash(row) !== expected || !access.contentMatches(row)) break;
      expected = access.hash(row);
      good += 1;
    }
    this.#expected = expected;
    this.#remember(rows, good);
    this.#checked += good;
    if (good > 0) this.#lastSeq = access.seq(rows[good - 1]!);
    if (good === rows.length) return;
    const rest = rows.slice(good);
    if (!final && rest.length < 2 * CARRY) {
      this.#carry = rest;
      return;
    }
    const now = final ? rest : rest.slice(0, rest.length - CARRY);
    if (!final) this.#carry = rest.slice(rest.length - CARRY);
    const run = [...this.#recent, ...now].map((row) => ({ ...access.link(row), contentOk: access.contentMatches(row) }));
    const { breaks, tailHash } = analyseRun(run, this.#recentAnchor);
    this.#expected = tailHash;
    this.#recent = [];
    this.#recentAnchor = tailHash;
    this.#checked += now.length;
    this.#lastSeq = access.seq(now.at(-1)!);
    for (const found of breaks) {
      if (this.#breaks.length < MAX_BREAKS) this.#breaks.push(found);
      else this.#moreBreaks = true;
    }
  }

  /** Keeps the last CONTEXT accepted rows: the first `good` of `rows` were just accepted. */
  #remember(rows: readonly R[], good: number): void {
    if (good === 0) return;
    this.#recent = good >= CONTEXT ? rows.slice(good - CONTEXT, good) : [...this.#recent, ...rows.slice(0, good)].slice(-CONTEXT);
    // Accepted rows link to their predecessor, so the first kept one names the hash it follows.
    this.#recentAnchor = this.#access.prevHash(this.#recent[0]!);
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
