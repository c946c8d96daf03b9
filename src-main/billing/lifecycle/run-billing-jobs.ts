import { hostname } from 'node:os';
import type { JobAction, JobRunReport, JobRunSummary } from '../../../src-shared/contract/billing-models';
import { LOCK_BILLING_JOBS, LOCK_NAMESPACE } from '../../base/advisory-locks';
import type { BillingContext } from '../billing-context';
import { readStoredBillingSettings } from '../billing-settings';
import { generateDueInvoices } from '../invoices/invoice-service';
import { MailerSession } from '../notices/send-notice';
import { applyDuePendingDowngradesDetailed } from '../pending-downgrades';
import { priceChanges } from '../price-changes/price-change-step';
import { syncStripeEvents } from '../stripe/stripe-billing';
import { enrollStripeTenantsDetailed } from '../stripe/stripe-enroll';
import { enrolOrRepair } from './enrol-or-repair';
import { endedSubscriptions } from './ended-subscriptions';
import { graceExpiry } from './grace-expiry';
import { JobRecorder } from './job-recorder';
import { limitNotices } from './limit-notices';
import { paymentFailures } from './payment-failures';
import { reactivation } from './reactivation';
import { retryNotices } from './retry-notices';
import type { StepContext } from './step-context';
import { trialExpiry } from './trial-expiry';
import { welcomeNotices } from './welcome-notices';

export type JobTrigger = 'schedule' | 'cli' | 'operator' | 'test';

interface Step {
  readonly name: string;
  run(sc: StepContext): Promise<void>;
}

/** Actions another part of billing did (and audited itself) and its per-tenant failures: recorded as this run's. */
async function record(sc: StepContext, step: string, result: { actions: readonly JobAction[]; errors: readonly { tenantCode: string; message: string }[] }): Promise<void> {
  sc.run.actions.push(...result.actions);
  for (const error of result.errors) await sc.run.fail(step, error.tenantCode, new Error(error.message));
}

/** The lifecycle, in order. Each step selects its work with one set-based query and acts per tenant. */
const STEPS: readonly Step[] = [
  {
    name: 'stripe',
    async run(sc) {
      if (sc.settings.mode !== 'stripe') return;
      const sync = await syncStripeEvents(sc.b);
      for (const tenantCode of sync.tenantsUpdated) sc.run.actions.push({ kind: 'stripe_event_applied', tenantCode, detail: `${sync.eventsApplied} event(s) applied this run` });
      await record(sc, 'stripe', await enrollStripeTenantsDetailed(sc.b));
    },
  },
  { name: 'enrol-or-repair', run: enrolOrRepair },
  // Announced price changes: due notices, then due moves. Before invoicing, like downgrades:
  // a manual-mode move leaves the old price's share of its period for that invoice.
  { name: 'price-changes', run: priceChanges },
  // Before invoicing: a downgrade due now invoices its ended period itself (at the old plan);
  // invoicing first would roll the period forward and hide that it ended.
  { name: 'pending-downgrades', run: async (sc) => record(sc, 'pending-downgrades', await applyDuePendingDowngradesDetailed(sc.b)) },
  {
    name: 'invoicing',
    async run(sc) {
      if (sc.settings.mode !== 'manual') return;
      // A tenant whose invoicing failed is that tenant's error (its transaction rolled back; the next run retries it).
      const errors: { tenantCode: string; message: string }[] = [];
      const actions = await generateDueInvoices(sc.b, { onError: (tenantCode, error) => errors.push({ tenantCode, message: (error as Error).message }) });
      await record(sc, 'invoicing', { actions, errors });
    },
  },
  { name: 'trial-expiry', run: trialExpiry },
  { name: 'payment-failures', run: paymentFailures },
  { name: 'grace-expiry', run: graceExpiry },
  { name: 'reactivation', run: reactivation },
  { name: 'ended-subscriptions', run: endedSubscriptions },
  { name: 'limit-notices', run: limitNotices },
  { name: 'welcome-notices', run: welcomeNotices },
  { name: 'retry-notices', run: retryNotices },
];

export const BILLING_JOB_STEPS: readonly string[] = STEPS.map((step) => step.name);

const runnerName = () => `${hostname()}:${process.pid}`;

/**
 * One lifecycle run under the platform lock (LOCK_BILLING_JOBS), taken with
 * pg_try_advisory_lock on a connection of its own and never waited for: a second runner
 * returns { ran: false, outcome: 'locked' } at once and does nothing. The clock is read
 * once; every step decides by that time. Each failure stays with its step and tenant
 * (outcome 'partial'); the run is recorded in billing_job_runs.
 */
export async function runBillingJobs(b: BillingContext, trigger: JobTrigger): Promise<JobRunReport> {
  const now = b.clock.now();
  const startedAt = new Date();
  const started = performance.now();
  const lockSession = await b.ctx.pool.connect();
  let broken: Error | undefined;
  try {
    const { rows } = await lockSession.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [LOCK_NAMESPACE, LOCK_BILLING_JOBS]);
    if (!rows[0]?.locked) {
      return { ran: false, runId: null, clockAt: now.toISOString(), startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), durationMs: Math.round(performance.now() - started), outcome: 'locked', counts: {}, actions: [], errors: [] };
    }
    try {
      return await runLocked(b, trigger, now, startedAt, started);
    } finally {
      await lockSession.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, LOCK_BILLING_JOBS]).catch((error: Error) => (broken = error));
    }
  } finally {
    lockSession.release(broken);
  }
}

async function runLocked(b: BillingContext, trigger: JobTrigger, now: Date, startedAt: Date, started: number): Promise<JobRunReport> {
  const pool = b.ctx.pool;
  const { rows } = await pool.query<{ id: string }>(`INSERT INTO billing_job_runs (trigger, runner, clock_at) VALUES ($1, $2, $3) RETURNING id`, [trigger, runnerName(), now]);
  const runId = rows[0]!.id;
  const run = new JobRecorder(b);
  const mail = new MailerSession(b);
  let outcome: JobRunReport['outcome'] = 'ok';
  // Where a run's time goes, kept in billing_job_runs.summary (not part of the contract's report).
  const stepMs: Record<string, number> = {};
  try {
    const settings = await readStoredBillingSettings(pool);
    const sc: StepContext = { b, now, settings, run, mail, claimedKeys: new Set() };
    for (const step of STEPS) {
      const stepStarted = performance.now();
      try {
        await step.run(sc);
      } catch (error) {
        await run.fail(step.name, null, error);
      }
      stepMs[step.name] = Math.round(performance.now() - stepStarted);
    }
    if (run.errors.length > 0) outcome = 'partial';
  } catch (error) {
    // Only what every step needs (the settings) can fail the whole run.
    outcome = 'failed';
    await run.fail('run', null, error);
  } finally {
    await mail.close();
  }
  const finishedAt = new Date();
  const counts = run.counts();
  await pool.query(`UPDATE billing_job_runs SET finished_at = $2, outcome = $3, summary = $4 WHERE id = $1`, [
    runId,
    finishedAt,
    outcome,
    JSON.stringify({ counts, stepMs, actionCount: run.actions.length, errorCount: run.errors.length, actions: run.actions.slice(0, 1000), errors: run.errors.slice(0, 200) }),
  ]);
  return {
    ran: true,
    runId,
    clockAt: now.toISOString(),
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    outcome,
    counts,
    actions: run.actions,
    errors: run.errors,
  };
}

interface JobRunRow {
  id: string;
  trigger: JobRunSummary['trigger'];
  runner: string;
  clock_at: Date;
  started_at: Date;
  finished_at: Date | null;
  outcome: JobRunSummary['outcome'];
  action_count: number | null;
  error_count: number | null;
}

/** The newest runs first. */
export async function listJobRuns(b: BillingContext, limit: number): Promise<JobRunSummary[]> {
  const { rows } = await b.ctx.pool.query<JobRunRow>(
    `SELECT id, trigger, runner, clock_at, started_at, finished_at, outcome,
            (summary ->> 'actionCount')::int AS action_count, (summary ->> 'errorCount')::int AS error_count
       FROM billing_job_runs ORDER BY started_at DESC, id LIMIT $1`,
    [limit],
  );
  return rows.map((row) => ({
    id: row.id,
    trigger: row.trigger,
    runner: row.runner,
    clockAt: row.clock_at.toISOString(),
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    outcome: row.outcome,
    actionCount: row.action_count ?? 0,
    errorCount: row.error_count ?? 0,
  }));
}
