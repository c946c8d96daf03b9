import { v7 as uuidv7 } from 'uuid';
import type { LocalCache } from '../cache/open-cache';
import { eventHash, GENESIS_HASH, type StoredAuditEvent } from './audit-event';
import { summariseInput } from './redact';

/** What a caller audits: a contract call, or work with no channel (a scheduled job, a deletion). */
export interface AuditEntry {
  readonly action: string;
  readonly tenant?: string | null;
  /** The input or facts worth keeping; secrets are removed and the size capped here. */
  readonly details?: unknown;
  /** 'ok' or the error code. */
  readonly outcome: string;
  readonly durationMs?: number;
  /** When the action happened (defaults to now). */
  readonly time?: Date;
  /** The signed-in operator who acted (defaults to the console's identity: scheduled work, the first run). */
  readonly operator?: string;
}

/** Who acts: the PostgreSQL user the console connects as, and the OS user running it. */
export interface AuditIdentity {
  readonly operator: string;
  readonly osUser: string;
}

interface Pending {
  readonly entry: AuditEntry;
  readonly time: string;
  readonly resolve: (event: StoredAuditEvent) => void;
  readonly reject: (error: unknown) => void;
}

export const META_LAST_SEQ = 'last_seq';
export const META_LAST_HASH = 'last_hash';

/**
 * The append side of the local audit log. Each event is committed (synchronous=FULL)
 * before its promise resolves. Calls arriving in the same event-loop turn share one
 * transaction — group commit — so one fsync covers many events under load, while a lone
 * call still waits for exactly its own. The chain tail is read inside an IMMEDIATE
 * transaction, so the app and a CLI command appending to the same file never fork it.
 */
export class AuditLog {
  readonly #cache: LocalCache;
  readonly #identity: AuditIdentity;
  readonly #onAppended: () => void;
  #pending: Pending[] = [];
  #scheduled = false;
  readonly #appendBatch: (batch: readonly Pending[]) => StoredAuditEvent[];

  constructor(cache: LocalCache, identity: AuditIdentity, onAppended: () => void = () => undefined) {
    this.#cache = cache;
    this.#identity = identity;
    this.#onAppended = onAppended;
    const { db } = cache;
    const tail = db.prepare<unknown[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1');
    const insert = db.prepare(
      `INSERT INTO audit_events (seq, id, console_id, time, operator, os_user, action, tenant, details, outcome, duration_ms, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const setMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    const append = db.transaction((batch: readonly Pending[]) => {
      const last = tail.get();
      let seq = last?.seq ?? 0;
      let prevHash = last?.hash ?? GENESIS_HASH;
      const written: StoredAuditEvent[] = [];
      for (const { entry, time } of batch) {
        seq += 1;
        const content = {
          id: uuidv7(),
          consoleId: cache.consoleId,
          time,
          operator: entry.operator ?? this.#identity.operator,
          osUser: this.#identity.osUser,
          action: entry.action,
          tenant: entry.tenant ?? null,
          details: summariseInput(entry.details ?? {}),
          outcome: entry.outcome,
          durationMs: Math.max(0, Math.round(entry.durationMs ?? 0)),
          prevHash,
        };
        const hash = eventHash(content);
        insert.run(seq, content.id, content.consoleId, content.time, content.operator, content.osUser, content.action, content.tenant, content.details, content.outcome, content.durationMs, content.prevHash, hash);
        written.push({ ...content, seq, hash });
        prevHash = hash;
      }
      // The tail anchor: a truncated log (last events deleted) no longer matches it.
      setMeta.run(META_LAST_SEQ, String(seq));
      setMeta.run(META_LAST_HASH, prevHash);
      return written;
    });
    this.#appendBatch = (batch) => append.immediate(batch);
  }

  get consoleId(): string {
    return this.#cache.consoleId;
  }

  /** Appends one event; resolves once it is on disk. */
  record(entry: AuditEntry): Promise<StoredAuditEvent> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ entry, time: (entry.time ?? new Date()).toISOString(), resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    let written: StoredAuditEvent[];
    try {
      if (!this.#cache.db.open) throw new Error('The local cache is closed.');
      written = this.#appendBatch(batch);
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, index) => pending.resolve(written[index]!));
    this.#onAppended();
  }

  /** Lets already-queued events commit (used before closing). */
  async settle(): Promise<void> {
    while (this.#pending.length > 0 || this.#scheduled) await new Promise((resolve) => setImmediate(resolve));
  }
}
