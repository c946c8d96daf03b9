import type { JobRunReport } from '../../../src-shared/contract/billing-models';
import type { BillingContext } from '../billing-context';
import { readStoredBillingSettings } from '../billing-settings';
import { PeriodicTask } from '../../jobs/periodic-task';
import { runBillingJobs } from './run-billing-jobs';

export interface BillingSchedulerOptions {
  /** Fixed interval (tests); default: the jobIntervalMinutes setting, read before each wait. */
  readonly intervalMs?: number;
  readonly startDelayMs?: number;
}

/** After start-up the first run waits this long, so opening the console stays quick. */
const START_DELAY_MS = 3 * 60_000;
const FALLBACK_INTERVAL_MS = 60 * 60_000;

/**
 * Runs the billing lifecycle while a console runs (not in the CLI: cron drives
 * `tenantctl jobs run` there). Every console may run one; the platform lock inside
 * runBillingJobs makes sure only one acts at a time. Each run is audited as billing:runJobs.
 */
export class BillingScheduler {
  readonly #task: PeriodicTask<JobRunReport>;

  constructor(
    private readonly b: BillingContext,
    private readonly options: BillingSchedulerOptions = {},
  ) {
    this.#task = new PeriodicTask({
      run: () => this.#run(),
      intervalMs: () => this.#intervalMs(),
      startDelayMs: options.startDelayMs ?? START_DELAY_MS,
      onError: (error) => this.b.ctx.logger.error({ err: error }, 'billing run failed'),
    });
  }

  start(): void {
    this.#task.start();
  }

  stop(): Promise<void> {
    return this.#task.stop();
  }

  /** One run now (the loop, and tests); a run already going is shared, not doubled. */
  runOnce(): Promise<JobRunReport> {
    return this.#task.runOnce();
  }

  async #run(): Promise<JobRunReport> {
    const report = await runBillingJobs(this.b, 'schedule');
    if (report.ran) {
      await this.b.audit
        .record({ action: 'billing:runJobs', details: { trigger: 'schedule', runId: report.runId, counts: report.counts, errors: report.errors.length }, outcome: report.outcome === 'failed' ? 'INTERNAL' : 'ok', durationMs: report.durationMs })
        .catch((error) => this.b.ctx.logger.error({ err: error }, 'auditing a billing run failed'));
    }
    return report;
  }

  async #intervalMs(): Promise<number> {
    if (this.options.intervalMs !== undefined) return this.options.intervalMs;
    try {
      return (await readStoredBillingSettings(this.b.ctx.pool)).jobIntervalMinutes * 60_000;
    } catch {
      return FALLBACK_INTERVAL_MS;
    }
  }
}
