import type pg from 'pg';
import type { Logger } from 'pino';
import { LOCK_NAMESPACE, LOCK_SPARE_POOL } from '../base/advisory-locks';
import type { PlanTemplates, PlanTemplateSpec } from './plan-templates';
import { buildSpare, dropSpare, listSpares, newSpareName, readySpares, spareKey, spareScope } from './spare-databases';

/** What the pool should hold: this many spares for each of these plan templates (current plan versions). */
export interface SpareWants {
  readonly perTemplate: number;
  readonly specs: readonly PlanTemplateSpec[];
}

export interface SpareKeeping {
  /** The platform database: its advisory lock lets one console at a time drop and build this platform's spares. */
  readonly pool: pg.Pool;
  /** Read at every refill, so a new plan version or a changed setting applies at the next one. */
  readonly wants: () => Promise<SpareWants>;
  /** The first refill after start-up (default 5 s: opening the console stays quick). */
  readonly startDelayMs?: number;
  /** Between refills when nothing asks for one: catches spares other consoles took (default 60 s). */
  readonly intervalMs?: number;
}

export interface SpareRefill {
  /** `locked`: another console of this platform is refilling; `off`: this console does not keep spares (or is closing). */
  readonly state: 'ran' | 'locked' | 'off';
  readonly built: number;
  readonly dropped: number;
}

interface SpareServer {
  readonly adminPool: pg.Pool;
  readonly planTemplates: PlanTemplates;
}

/** Spares tried per provisioning before it clones: each failed try means another console took that one first. */
const CANDIDATES = 3;
const DEFAULT_START_DELAY_MS = 5_000;
const DEFAULT_INTERVAL_MS = 60_000;

/**
 * A platform's spare tenant databases on its server (spare-databases.ts). Every console
 * takes spares when provisioning (`candidates`); a console that keeps the pool (`keep`: the
 * desktop app and host mode, not one-off CLI commands) refills it in the background —
 * after start-up, after each spare it hands out, when a plan or a setting changes, and
 * every minute for spares other consoles took. A refill, under the platform's advisory
 * lock: drops spares of a template provisioning no longer asks for (a new plan version,
 * limits or threshold), surplus ones (the setting was lowered) and unfinished ones (a
 * console stopped mid-build), then builds what is missing, one at a time.
 */
export class SparePool {
  readonly scope: string;
  #keeping: SpareKeeping | null = null;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<SpareRefill> | null = null;
  #again = false;
  #closed = false;

  constructor(
    private readonly server: SpareServer,
    platformDatabase: string,
    private readonly logger: Logger,
  ) {
    this.scope = spareScope(platformDatabase);
  }

  /** The key of the spares cloned from `spec`'s plan template. */
  keyFor(spec: PlanTemplateSpec): string {
    return spareKey(this.server.planTemplates.nameFor(spec));
  }

  /** A few finished spares for `spec`, to try in this order (none: clone as usual). */
  candidates(spec: PlanTemplateSpec): Promise<string[]> {
    return readySpares(this.server.adminPool, this.scope, this.keyFor(spec), CANDIDATES);
  }

  /** Provisioning took a spare: build its replacement now (when this console keeps the pool). */
  taken(): void {
    this.refillSoon();
  }

  /** Starts keeping the pool full: a first refill after the start delay, then one per interval or when asked. */
  keep(keeping: SpareKeeping): void {
    if (this.#closed || this.#keeping) return;
    this.#keeping = keeping;
    this.#schedule(keeping.startDelayMs ?? DEFAULT_START_DELAY_MS);
  }

  /** A refill in the background now; one already running is followed by another (what it listed may be out of date). */
  refillSoon(): void {
    void this.refillNow().catch(() => undefined);
  }

  /** As refillSoon, and resolves when the pool has been refilled after this call (tests, the benchmark). */
  refillNow(): Promise<SpareRefill> {
    if (this.#closed || !this.#keeping) return Promise.resolve({ state: 'off', built: 0, dropped: 0 });
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const keeping = this.#keeping;
    this.#running = (async () => {
      let last: SpareRefill;
      do {
        this.#again = false;
        last = await this.#refill(keeping).catch((error: unknown) => {
          this.logger.warn({ err: error }, 'refilling the spare tenant databases failed; provisioning clones until the next refill');
          return { state: 'ran', built: 0, dropped: 0 } as const;
        });
      } while (this.#again && !this.#closed);
      return last;
    })().finally(() => {
      this.#running = null;
      this.#schedule(keeping.intervalMs ?? DEFAULT_INTERVAL_MS);
    });
    return this.#running;
  }

  /** Stops keeping the pool; waits for a refill under way (at most the one clone it is making, which it finishes). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => undefined);
  }

  #schedule(delayMs: number): void {
    if (this.#closed || this.#running) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.refillSoon(), delayMs);
    this.#timer.unref();
  }

  async #refill(keeping: SpareKeeping): Promise<SpareRefill> {
    const session = await keeping.pool.connect();
    try {
      const { rows } = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [LOCK_NAMESPACE, LOCK_SPARE_POOL]);
      if (!rows[0]?.locked) return { state: 'locked', built: 0, dropped: 0 };
      try {
        const refill = await this.#refillLocked(await keeping.wants());
        if (refill.built + refill.dropped > 0) this.logger.info({ ...refill, scope: this.scope }, 'spare tenant databases refilled');
        return refill;
      } finally {
        await session.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, LOCK_SPARE_POOL]).catch(() => undefined);
      }
    } finally {
      session.release();
    }
  }

  /** Under the platform's lock: nobody else drops or builds this platform's spares meanwhile (provisioning may take some). */
  async #refillLocked({ perTemplate, specs }: SpareWants): Promise<SpareRefill> {
    const admin = this.server.adminPool;
    const wanted = new Map<string, PlanTemplateSpec>(perTemplate > 0 ? specs.map((spec) => [this.keyFor(spec), spec]) : []);

    let dropped = 0;
    const kept = new Map<string, number>();
    for (const spare of await listSpares(admin, this.scope)) {
      const count = kept.get(spare.key) ?? 0;
      // Unfinished (we hold the lock: nobody is building it), stale, or one too many.
      if (spare.building || !wanted.has(spare.key) || count >= perTemplate) {
        await dropSpare(admin, spare.name);
        dropped += 1;
      } else {
        kept.set(spare.key, count + 1);
      }
    }

    // The templates first (built once per plan version, shared by every platform on the server).
    const templates = new Map<string, string>();
    for (const [key, spec] of wanted) {
      if (this.#closed) break;
      if ((kept.get(key) ?? 0) >= perTemplate) continue;
      try {
        templates.set(key, await this.server.planTemplates.prepare(spec));
      } catch (error) {
        this.logger.warn({ err: error, plan: spec.planCode, version: spec.planVersion }, 'no plan template, so no spare databases for this plan version');
      }
    }
    // Round-robin over the templates, so every plan has its first spare before any has its second.
    let built = 0;
    for (let round = 0; round < perTemplate; round += 1) {
      for (const [key, template] of templates) {
        if (this.#closed) return { state: 'ran', built, dropped };
        if ((kept.get(key) ?? 0) > round) continue;
        await buildSpare(admin, template, newSpareName(this.scope, key));
        built += 1;
      }
    }
    return { state: 'ran', built, dropped };
  }
}
