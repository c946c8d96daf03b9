import type { Logger } from 'pino';
import type { AuditService } from '../audit/audit-service';
import type { AuditEntry } from '../audit/audit-log';

/**
 * How long a read's event may wait to share its commit with others. Each commit is an fsync
 * that blocks the process (5–10 ms on a busy disk): at 50 ms, a steady stream of reads spent
 * a fifth of the event loop's time waiting on it; at 200 ms, about a twentieth.
 */
const FLUSH_AFTER_MS = 200;
/** More waiting than this is committed at once (memory stays bounded under any load). */
const FLUSH_AT_EVENTS = 2_000;

/**
 * The events of API reads, committed together: the local audit log commits each event-loop
 * turn's events in one synchronous transaction (one fsync, which blocks the process), so an
 * ERP asking check-limit hundreds of times a second would otherwise pay an fsync per turn.
 * Buffered up to 200 ms (or 2,000 events), every buffered event is recorded in one turn — one
 * commit, one link each in the hash chain. Reads only: every change is committed by dispatch
 * before its answer. What a crash can lose is the last 200 ms of read events, never a change.
 */
export class ReadAuditBuffer {
  readonly #audit: Pick<AuditService, 'record'>;
  readonly #logger: Logger;
  #pending: AuditEntry[] = [];
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();

  constructor(audit: Pick<AuditService, 'record'>, logger: Logger) {
    this.#audit = audit;
    this.#logger = logger;
  }

  add(entry: AuditEntry): void {
    this.#pending.push({ ...entry, time: entry.time ?? new Date() });
    if (this.#pending.length >= FLUSH_AT_EVENTS) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
  }

  /** Records what waits (the server's close waits for it). */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length > 0) {
      // All in this turn: the audit log commits them in one transaction.
      const recorded = batch.map((entry) => this.#audit.record(entry).catch((error: unknown) => this.#logger.error({ err: error, action: entry.action }, 'tenant API: audit write failed')));
      this.#flushing = Promise.all(recorded).then(() => undefined);
    }
    return this.#flushing;
  }
}
