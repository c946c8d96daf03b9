import type pg from 'pg';
import type { UsageRunSummary } from '../../src-shared/contract/usage-models';
import { AppError } from '../base/app-error';
import { LOCK_NAMESPACE, LOCK_USAGE_COLLECTION } from '../base/advisory-locks';
import type { PlatformContext } from '../platform/platform-context';
import { collectUsage, type CollectOptions, type UsageCollection, type UsageTrigger } from './collector';

export type UsageCollectedListener = (collection: UsageCollection) => void | Promise<void>;

export interface RunOptions extends Pick<CollectOptions, 'now' | 'concurrency' | 'timeouts'> {
  readonly trigger: UsageTrigger;
  /** The caller's request id: progress events carry it (job:progress, 'usage-collect'). */
  readonly requestId?: string | null;
}

/**
 * Usage collection for one console: one run at a time across every console sharing the
 * platform database (a session advisory lock held for the run), progress and
 * `usage:collected` events, and an in-process hook carrying every row — what the local
 * cache snapshots for offline review.
 */
export class UsageService {
  readonly #listeners = new Set<UsageCollectedListener>();

  constructor(private readonly ctx: PlatformContext) {}

  /** Called after every successful run with its rows; returns the unsubscribe. */
  onCollected(listener: UsageCollectedListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Runs a collection now; refused with CONFLICT while another console (or tenantctl) runs
   * one. `as` is the caller's context: an operator's run writes the usage tables on the
   * operator's own connection (its grants apply); scheduled runs use the console's.
   */
  async collect(options: RunOptions, as: PlatformContext = this.ctx): Promise<UsageRunSummary> {
    const lock = await this.#tryLock(as);
    if (!lock) throw new AppError('CONFLICT', 'A usage collection is already running (in this or another console, or tenantctl). Try again when it has finished.');
    let collection: UsageCollection;
    try {
      const requestId = options.requestId ?? null;
      collection = await collectUsage(as, {
        trigger: options.trigger,
        startedBy: as.operator,
        ...(options.now ? { now: options.now } : {}),
        ...(options.concurrency ? { concurrency: options.concurrency } : {}),
        ...(options.timeouts ? { timeouts: options.timeouts } : {}),
        onProgress: (done, total, message) => {
          if (!requestId) return;
          this.ctx.events.emit('job:progress', {
            requestId,
            operation: 'usage-collect',
            tenantCode: null,
            step: 'collect',
            stepIndex: done,
            stepCount: total,
            message,
          });
        },
      });
    } finally {
      await lock.release();
    }
    this.ctx.events.emit('usage:collected', collection.summary);
    for (const listener of this.#listeners) {
      try {
        await listener(collection);
      } catch (error) {
        this.ctx.logger.error({ err: error }, 'a usage:collected listener failed');
      }
    }
    return collection.summary;
  }

  /** The lock lives on one platform connection for the whole run; losing the connection frees it. */
  async #tryLock(as: PlatformContext): Promise<{ release(): Promise<void> } | null> {
    const client: pg.PoolClient = await as.pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [LOCK_NAMESPACE, LOCK_USAGE_COLLECTION]);
      if (!rows[0]?.locked) {
        client.release();
        return null;
      }
    } catch (error) {
      client.release(true);
      throw error;
    }
    return {
      async release() {
        try {
          await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, LOCK_USAGE_COLLECTION]);
          client.release();
        } catch {
          client.release(true); // a broken connection: dropping it frees the lock too
        }
      },
    };
  }
}
