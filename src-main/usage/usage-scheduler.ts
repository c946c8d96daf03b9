import { isAppError } from '../base/app-error';
import type { PlatformContext } from '../platform/platform-context';
import { readSetting } from '../settings/settings-store';
import type { UsageService } from './usage-service';

/** After start-up a due run waits this long: opening the console stays quick. */
const START_DELAY_MS = 60_000;
/** Nothing sleeps longer than this: a changed setting or a run by another console is noticed. */
const MAX_SLEEP_MS = 60 * 60_000;

export interface SchedulerOptions {
  /** Overrides the setting (tests). */
  readonly intervalMs?: number;
  readonly startDelayMs?: number;
}

export type TickOutcome = 'collected' | 'not-due' | 'locked' | 'failed';

/**
 * Collects usage on a schedule while a console runs: when the last finished run (by any
 * console or tenantctl) is older than the interval (setting usageCollectionIntervalHours,
 * src-main/settings). Two consoles never collect at once: the run's advisory lock makes the later
 * one skip. The timer never keeps the process alive.
 */
export class UsageScheduler {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<TickOutcome> | null = null;
  #stopped = true;

  constructor(
    private readonly ctx: PlatformContext,
    private readonly usage: UsageService,
    private readonly options: SchedulerOptions = {},
  ) {}

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(this.options.startDelayMs ?? START_DELAY_MS);
  }

  /** Stops the timer and waits for a run in progress (it is not cut short). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => undefined);
  }

  async intervalMs(): Promise<number> {
    if (this.options.intervalMs !== undefined) return this.options.intervalMs;
    return (await readSetting(this.ctx.pool, 'usageCollectionIntervalHours')) * 3_600_000;
  }

  /** How long until the next run is due (0 = now). */
  async dueInMs(): Promise<number> {
    const interval = await this.intervalMs();
    const { rows } = await this.ctx.pool.query<{ since_ms: number | null }>(
      `SELECT (extract(epoch FROM now() - max(started_at)) * 1000)::float8 AS since_ms FROM usage_runs WHERE state = 'done'`,
    );
    const since = rows[0]?.since_ms;
    return since === null || since === undefined ? 0 : Math.max(0, interval - since);
  }

  /** One check: collect if due. Public so tests can drive it without waiting. */
  async tick(): Promise<TickOutcome> {
    if (this.#running) return this.#running;
    this.#running = (async (): Promise<TickOutcome> => {
      try {
        if ((await this.dueInMs()) > 0) return 'not-due';
        await this.usage.collect({ trigger: 'schedule' });
        return 'collected';
      } catch (error) {
        if (isAppError(error) && error.code === 'CONFLICT') return 'locked';
        this.ctx.logger.error({ err: error }, 'scheduled usage collection failed');
        return 'failed';
      }
    })();
    try {
      return await this.#running;
    } finally {
      this.#running = null;
    }
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#loop(), Math.min(delayMs, MAX_SLEEP_MS));
    this.#timer.unref();
  }

  async #loop(): Promise<void> {
    const outcome = await this.tick();
    let next: number;
    try {
      next = await this.dueInMs();
    } catch {
      next = MAX_SLEEP_MS;
    }
    // A failed or locked-out run retries after a pause, not in a tight loop.
    if (outcome === 'failed' || outcome === 'locked') next = Math.max(next, 5 * 60_000);
    if (next === 0) next = 60_000;
    this.#schedule(next);
  }
}
