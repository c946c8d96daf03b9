import type { AuditService } from '../audit/audit-service';
import { LOCK_MAINTENANCE, LOCK_NAMESPACE } from '../base/advisory-locks';
import type { PlatformContext } from '../platform/platform-context';
import { PeriodicTask } from './periodic-task';

/** One piece of housekeeping the console does by itself (scheduled deletions, backup pruning). */
export interface MaintenanceJob {
  /** Audited as `maintenance:<name>`. */
  readonly name: string;
  /** Returns a summary worth keeping in the audit log. */
  run(): Promise<unknown>;
}

export interface MaintenanceOptions {
  readonly intervalMs?: number;
  readonly startDelayMs?: number;
}

const DEFAULT_INTERVAL_MS = 6 * 3_600_000;
/** After start-up the first round waits this long, so opening the console stays quick. */
const START_DELAY_MS = 2 * 60_000;

/**
 * Runs the housekeeping jobs every few hours while a console runs. Each job is idempotent
 * (it acts on what is due now), so the only rule is that two consoles never run a round at
 * once: a session-level advisory lock on the platform database, tried and never waited for.
 * Every job's outcome goes to the audit log, as if an operator had asked for it.
 */
export class MaintenanceScheduler {
  readonly #task: PeriodicTask<'ran' | 'locked'>;

  constructor(
    private readonly ctx: PlatformContext,
    private readonly audit: AuditService,
    private readonly jobs: readonly MaintenanceJob[],
    options: MaintenanceOptions = {},
  ) {
    this.#task = new PeriodicTask({
      run: () => this.#runRound(),
      intervalMs: () => options.intervalMs ?? DEFAULT_INTERVAL_MS,
      startDelayMs: options.startDelayMs ?? START_DELAY_MS,
      onError: (error) => this.ctx.logger.error({ err: error }, 'maintenance round failed'),
    });
  }

  start(): void {
    this.#task.start();
  }

  stop(): Promise<void> {
    return this.#task.stop();
  }

  /** One round now (tests and the loop): every job, each failure kept to itself. */
  runOnce(): Promise<'ran' | 'locked'> {
    return this.#task.runOnce();
  }

  async #runRound(): Promise<'ran' | 'locked'> {
    const client = await this.ctx.pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [LOCK_NAMESPACE, LOCK_MAINTENANCE]);
      if (!rows[0]?.locked) return 'locked';
      try {
        for (const job of this.jobs) await this.#runJob(job);
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, LOCK_MAINTENANCE]);
      }
      return 'ran';
    } finally {
      client.release();
    }
  }

  async #runJob(job: MaintenanceJob): Promise<void> {
    const started = performance.now();
    let outcome = 'ok';
    let details: unknown;
    try {
      details = await job.run();
    } catch (error) {
      outcome = 'INTERNAL';
      details = { error: (error as Error).message };
      this.ctx.logger.error({ err: error, job: job.name }, 'maintenance job failed');
    }
    await this.audit
      .record({ action: `maintenance:${job.name}`, details, outcome, durationMs: Math.round(performance.now() - started) })
      .catch((error) => this.ctx.logger.error({ err: error, job: job.name }, 'auditing a maintenance job failed'));
  }
}
