import { PeriodicTask } from '../jobs/periodic-task';
import { runOnboardingJobs, type OnboardingRunReport } from './run-onboarding-jobs';
import type { SignupContext } from './signup-context';

/** After start-up the first run waits this long (opening the console stays quick; a restart's pending sign-ups resume then). */
const START_DELAY_MS = 60_000;
const INTERVAL_MS = 15 * 60_000;

/**
 * Runs the onboarding job while a console runs, like the billing scheduler (cron drives
 * the CLI). Every console may run one; the job's platform lock keeps runs single.
 */
export class OnboardingScheduler {
  readonly #task: PeriodicTask<OnboardingRunReport>;

  constructor(
    private readonly b: SignupContext,
    options: { readonly intervalMs?: number; readonly startDelayMs?: number } = {},
  ) {
    this.#task = new PeriodicTask({
      run: () => this.#run(),
      intervalMs: () => options.intervalMs ?? INTERVAL_MS,
      startDelayMs: options.startDelayMs ?? START_DELAY_MS,
      onError: (error) => this.b.ctx.logger.error({ err: error }, 'onboarding run failed'),
    });
  }

  start(): void {
    this.#task.start();
  }

  stop(): Promise<void> {
    return this.#task.stop();
  }

  runOnce(): Promise<OnboardingRunReport> {
    return this.#task.runOnce();
  }

  async #run(): Promise<OnboardingRunReport> {
    const report = await runOnboardingJobs(this.b);
    if (report.ran && (report.nudged.length > 0 || report.signupsResumed > 0 || report.welcomesRetried > 0 || report.errors.length > 0)) {
      await this.b.audit
        .record({
          action: 'onboarding:runJobs',
          details: { trigger: 'schedule', nudged: report.nudged, signupsResumed: report.signupsResumed, welcomesRetried: report.welcomesRetried, errors: report.errors },
          outcome: report.errors.length > 0 ? 'INTERNAL' : 'ok',
        })
        .catch((error) => this.b.ctx.logger.error({ err: error }, 'auditing an onboarding run failed'));
    }
    return report;
  }
}
