import type pg from 'pg';
import type { Logger } from 'pino';
import { META_PUSHED_THROUGH, type LocalAuditStore } from './local-audit-store';
import { pushBatch } from './platform-audit-store';

export interface PushState {
  readonly lastPushAt: string | null;
  readonly lastError: string | null;
  readonly nextAttemptAt: string | null;
}

export interface AuditPusherOptions {
  readonly pool: pg.Pool;
  readonly local: LocalAuditStore;
  readonly consoleId: string;
  readonly logger: Logger;
  readonly batchSize?: number;
  /** First retry delay after a failure; doubles up to maxBackoffMs. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

/**
 * How often at most the pushed-through cursor is written to the local file: each write is a
 * commit (an fsync that blocks the process), and under a steady stream of events (the tenant
 * API's reads) one per push cost as much as the events' own commits. The cursor only feeds the
 * outbox figure of the status: the platform's max(seq) decides what is sent (pushBatch).
 */
const CURSOR_SAVE_MS = 1_000;

/**
 * Drains the local outbox (events after the platform's last seq for this console) to the
 * platform database in the background: kicked after each new event, batch after batch
 * until nothing is left; on failure (server down) it waits with exponential backoff and
 * ignores kicks meanwhile, so an outage costs one attempt per interval, not one per event.
 */
export class AuditPusher {
  readonly #options: Required<Omit<AuditPusherOptions, 'logger' | 'pool' | 'local' | 'consoleId'>> & AuditPusherOptions;
  #running: Promise<void> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | null = null;
  #failures = 0;
  #stopped = false;
  #state: PushState = { lastPushAt: null, lastError: null, nextAttemptAt: null };
  /** How far the platform has this console's events, as last pushed (ahead of the saved cursor by at most CURSOR_SAVE_MS). */
  #pushedThrough: number | null = null;
  #cursorSavedAt = 0;
  #cursorTimer: NodeJS.Timeout | null = null;

  constructor(options: AuditPusherOptions) {
    this.#options = { batchSize: 500, minBackoffMs: 500, maxBackoffMs: 60_000, ...options };
  }

  get state(): PushState {
    return this.#state;
  }

  /** The platform's seq for this console after this process's last push (null: none yet). */
  get pushedThroughSeq(): number | null {
    return this.#pushedThrough;
  }

  /** Writes the cursor now, or once CURSOR_SAVE_MS has passed since the last write. */
  #saveCursor(now: boolean): void {
    if (this.#pushedThrough === null) return;
    const due = this.#cursorSavedAt + CURSOR_SAVE_MS - Date.now();
    if (!now && due > 0) {
      this.#cursorTimer ??= setTimeout(() => {
        this.#cursorTimer = null;
        this.#saveCursor(true);
      }, due);
      this.#cursorTimer.unref();
      return;
    }
    if (this.#cursorTimer) clearTimeout(this.#cursorTimer);
    this.#cursorTimer = null;
    this.#cursorSavedAt = Date.now();
    try {
      this.#options.local.setMeta(META_PUSHED_THROUGH, String(this.#pushedThrough));
    } catch (error) {
      // Only the status figure lags: the platform's max(seq) decides what is pushed next.
      this.#options.logger.warn({ err: error }, 'saving the audit push cursor failed');
    }
  }

  /** New events are waiting: push soon, unless backing off after a failure. */
  kick(): void {
    if (this.#stopped || this.#timer) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#run().finally(() => {
      this.#running = null;
      if (this.#again && !this.#timer) {
        this.#again = false;
        this.kick();
      }
    });
  }

  /** Retry now (the platform answers again), skipping the remaining backoff. */
  retryNow(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.kick();
  }

  async #run(): Promise<void> {
    try {
      await this.pushAll();
      this.#failures = 0;
    } catch (error) {
      this.#failures += 1;
      const delay = Math.min(this.#options.maxBackoffMs, this.#options.minBackoffMs * 2 ** (this.#failures - 1));
      this.#state = { ...this.#state, lastError: (error as Error).message, nextAttemptAt: new Date(Date.now() + delay).toISOString() };
      this.#options.logger.warn({ err: error, retryInMs: delay }, 'audit push failed; will retry');
      if (this.#stopped) return;
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.kick();
      }, delay);
      this.#timer.unref();
    }
  }

  /** Pushes until the outbox is empty; throws on the first failure. */
  async pushAll(): Promise<number> {
    const { pool, local, consoleId, batchSize } = this.#options;
    let total = 0;
    for (;;) {
      const { pushed, throughSeq } = await pushBatch(pool, local, consoleId, batchSize);
      this.#pushedThrough = throughSeq;
      this.#saveCursor(false);
      this.#state = { lastPushAt: pushed > 0 ? new Date().toISOString() : this.#state.lastPushAt, lastError: null, nextAttemptAt: null };
      total += pushed;
      if (pushed < batchSize) return total;
    }
  }

  /** Stops background pushing; first tries for up to `drainMs` to send what is waiting. */
  async stop(drainMs = 0): Promise<void> {
    if (drainMs > 0 && !this.#timer) {
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([
        this.pushAll().catch(() => undefined),
        new Promise((resolve) => (timeout = setTimeout(resolve, drainMs))),
      ]);
      clearTimeout(timeout);
    }
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
    this.#saveCursor(true);
  }
}
