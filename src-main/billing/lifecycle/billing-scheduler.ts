import type { JobRunReport } from '../../../src-shared/contract/billing-models';
import type { BillingContext } from '../billing-context';
import { readStoredBillingSettings } from '../billing-settings';
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
  #timer: NodeJS.Timeout | null = null;
  #round: Promise<JobRunReport> | null = null;
  #stopped = true;

  constructor(
    private readonly b: BillingContext,
    private readonly options: BillingSchedulerOptions = {},
  ) {}

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(this.options.startDelayMs ?? START_DELAY_MS);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#round?.catch(() => undefined);
  }

  /** One run now (the loop, and tests); a run already going is shared, not doubled. */
  async runOnce(): Promise<JobRunReport> {
    if (this.#round) return this.#round;
    this.#round = this.#run();
    try {
      return await this.#round;
    } finally {
      this.#round = null;
    }
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

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.runOnce()
        .catch((error) => this.b.ctx.logger.error({ err: error }, 'billing run failed'))
        .then(() => this.#intervalMs())
        .then((interval) => this.#schedule(interval));
    }, delayMs);
    this.#timer.unref();
  }
}
