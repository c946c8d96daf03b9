import type { BillingContext } from '../src-main/billing/billing-context';
import { ManualClock } from '../src-main/billing/clock';
import { runBillingJobs } from '../src-main/billing/lifecycle/run-billing-jobs';
import type { ConsoleCore } from '../src-main/app/console-core';
import type { JobRunReport } from '../src-shared/contract/billing-models';
import { startSmtpCapture } from '../test/support/smtp-capture';
import { table, verdict } from './lib/markdown';
import { median, ms, ratio, summarize, type Summary } from './lib/stats';

/**
 * Benchmark 7: the billing lifecycle job over 10,000 tenants in mixed states (registry rows
 * only, like the usage benchmark's part (c): trials, paying, free, operator-suspended,
 * cancelled, grace periods running, open overdue invoices, 30 days of usage history each),
 * none with anything to do. (a) A run with nothing to do, median of several runs; (b) growth
 * with the work: runs where 0 … 800 tenants have notice-only work (trial ending, a limit
 * warning, a grace period starting on a past_due payment) sent to a loopback SMTP server.
 * No tenant whose action needs a real database (conversion, suspension) is in the fleet.
 */

export interface BillingBenchOptions {
  readonly tenants: number;
  readonly usageDays: number;
  readonly idleRuns: number;
  readonly workSteps: readonly number[];
  /** Tenants given work in an unmeasured round before the growth runs. */
  readonly warmupWork: number;
  readonly log: (line: string) => void;
}

export interface GrowthRow {
  readonly tenantsWithWork: number;
  readonly actions: number;
  readonly runMs: number;
}

export interface BillingBenchResult {
  readonly options: Omit<BillingBenchOptions, 'log'>;
  readonly seedMs: number;
  readonly idle: Summary;
  readonly idleErrors: string[];
  readonly idleActions: number;
  readonly growth: GrowthRow[];
  readonly fit: { slopeMs: number; interceptMs: number; r2: number };
  readonly messages: number;
}

export const BILLING_TARGETS = { idleMs: 5_000, idleAimMs: 1_000 } as const;

async function seedFleet(core: ConsoleCore, options: BillingBenchOptions, now: Date): Promise<void> {
  const pool = core.platform.pool;
  // Plans by i % 10: 0–1 trial, 2–5 starter, 6–8 professional, 9 enterprise; i % 20: 0 suspended (by an operator), 1 cancelled.
  await pool.query(
    `INSERT INTO tenants (tenant_code, company_name, subdomain, admin_email, plan_code, plan_version, status, trial_ends_at, server_id, database_name, db_role, created_at)
     SELECT code, 'Billing Bench ' || i, 'billing-bench-' || i, 'admin@billing-bench-' || i || '.example',
            (ARRAY['trial', 'trial', 'starter', 'starter', 'starter', 'starter', 'professional', 'professional', 'professional', 'enterprise'])[i % 10 + 1], 1,
            CASE i % 20 WHEN 0 THEN 'suspended' WHEN 1 THEN 'cancelled' ELSE 'active' END,
            CASE WHEN i % 10 < 2 THEN $2::timestamptz + interval '10 days' END,
            $3::uuid, 'tenant_' || lower(code), 'tenant_' || lower(code) || '_app', $2::timestamptz - interval '30 days'
       FROM (SELECT i, 'BL' || lpad(i::text, 5, '0') AS code FROM generate_series(0, $1::int - 1) AS i) AS g`,
    [options.tenants, now, core.platform.primary.id],
  );
  // Billing rows; i % 50 = 7: a payment-failed grace running (past_due), 13: an overdue-invoice grace running.
  await pool.query(
    `INSERT INTO tenant_billing (tenant_id, state, current_period_start, current_period_end, grace_reason, grace_started_at, grace_ends_at, payment_method_present)
     SELECT t.id,
            CASE WHEN g.i % 50 = 7 THEN 'past_due' WHEN g.i % 10 < 2 THEN 'trialing' WHEN g.i % 10 = 9 THEN 'none' ELSE 'active' END,
            $1::timestamptz - interval '10 days', CASE WHEN g.i % 10 BETWEEN 2 AND 8 THEN $1::timestamptz + interval '20 days' END,
            CASE g.i % 50 WHEN 7 THEN 'payment_failed' WHEN 13 THEN 'invoice_overdue' END,
            CASE WHEN g.i % 50 IN (7, 13) THEN $1::timestamptz - interval '2 days' END,
            CASE WHEN g.i % 50 IN (7, 13) THEN $1::timestamptz + interval '5 days' END,
            g.i % 3 = 0
       FROM tenants t JOIN (SELECT i, 'BL' || lpad(i::text, 5, '0') AS code FROM generate_series(0, $2::int - 1) AS i) g ON g.code = t.tenant_code
     ON CONFLICT (tenant_id) DO NOTHING`,
    [now, options.tenants],
  );
  await pool.query(`INSERT INTO invoice_sequences (series, next_number) VALUES ('BENCH', 1) ON CONFLICT DO NOTHING`);
  await pool.query(
    `INSERT INTO invoices (tenant_id, source, series, sequence_number, number, state, currency, subtotal_cents, total_cents, issued_at, due_at, created_by)
     SELECT t.id, 'manual', 'BENCH', row_number() OVER (), 'BENCH-' || t.tenant_code, 'open', 'USD', 4900, 4900,
            $1::timestamptz - interval '24 days', $1::timestamptz - interval '10 days', 'bench'
       FROM tenant_billing tb JOIN tenants t ON t.id = tb.tenant_id WHERE tb.grace_reason = 'invoice_overdue'`,
    [now],
  );
  // Usage history below every warning threshold (a company at 1 of 1 would be "at the limit").
  await pool.query(
    `INSERT INTO tenant_usage (tenant_id, usage_date, companies, users_total, largest_company_users, month_start, transactions_month, read_at, collected_at)
     SELECT t.id, d::date, CASE WHEN t.plan_code = 'professional' THEN 1 ELSE 0 END, 1, 1, date_trunc('month', d)::date, 10, d, d
       FROM tenants t CROSS JOIN generate_series(($1::timestamptz - make_interval(days => $2::int - 1))::date, $1::timestamptz::date, interval '1 day') AS d
      WHERE t.tenant_code LIKE 'BL%'`,
    [now, options.usageDays],
  );
  // The welcome notices of long ago: a notices table that is not empty.
  await pool.query(
    `INSERT INTO billing_notices (idempotency_key, tenant_id, kind, recipient, subject, state, attempts, sent_at, created_at)
     SELECT 'welcome:' || id, id, 'welcome', admin_email, 'Welcome', 'sent', 1, created_at, created_at FROM tenants WHERE tenant_code LIKE 'BL%'`,
  );
  await pool.query('ANALYZE');
}

/** Tenants (by code) that can be given one kind of notice-only work, in a stable order. */
async function workPools(core: ConsoleCore): Promise<{ trial: string[]; starter: string[]; professional: string[] }> {
  const { rows } = await core.platform.pool.query<{ id: string; plan_code: string }>(
    `SELECT t.id, t.plan_code FROM tenants t JOIN tenant_billing tb ON tb.tenant_id = t.id
      WHERE t.tenant_code LIKE 'BL%' AND t.status = 'active' AND tb.grace_reason IS NULL ORDER BY t.tenant_code`,
  );
  const of = (plan: string) => rows.filter((row) => row.plan_code === plan).map((row) => row.id);
  return { trial: of('trial'), starter: of('starter'), professional: of('professional') };
}

/** Gives `count` fresh tenants notice-only work, a third of each kind. */
async function addWork(core: ConsoleCore, pools: Awaited<ReturnType<typeof workPools>>, count: number, now: Date): Promise<void> {
  const take = (pool: string[], n: number) => pool.splice(0, n);
  const trial = take(pools.trial, Math.ceil(count / 3));
  const starter = take(pools.starter, Math.ceil((count - trial.length) / 2));
  const professional = take(pools.professional, count - trial.length - starter.length);
  const pool = core.platform.pool;
  await pool.query(`UPDATE tenants SET trial_ends_at = $2::timestamptz + interval '1 day' WHERE id = ANY($1::uuid[])`, [trial, now]);
  await pool.query(`UPDATE tenant_usage SET largest_company_users = 4 WHERE tenant_id = ANY($1::uuid[]) AND usage_date = $2::timestamptz::date`, [starter, now]);
  await pool.query(`UPDATE tenant_billing SET state = 'past_due' WHERE tenant_id = ANY($1::uuid[])`, [professional]);
}

/** The newest run's time per step (ms), from billing_job_runs.summary. */
async function lastStepTimes(core: ConsoleCore): Promise<string> {
  const { rows } = await core.platform.pool.query<{ step_ms: Record<string, number> | null }>(`SELECT summary -> 'stepMs' AS step_ms FROM billing_job_runs ORDER BY started_at DESC LIMIT 1`);
  return Object.entries(rows[0]?.step_ms ?? {}).map(([step, value]) => `${step} ${value}`).join(', ');
}

/** Least squares y = a + b·x and its R². */
export function linearFit(points: readonly { x: number; y: number }[]): { slopeMs: number; interceptMs: number; r2: number } {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const intercept = my - slope * mx;
  const ssTot = points.reduce((s, p) => s + (p.y - my) ** 2, 0);
  const ssRes = points.reduce((s, p) => s + (p.y - (intercept + slope * p.x)) ** 2, 0);
  return { slopeMs: slope, interceptMs: intercept, r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot };
}

/** A run's errors, as lines for the report (none expected). */
const unexpected = (report: JobRunReport) => report.errors.map((error) => `${error.step}: ${error.message}`);

export async function benchBillingLifecycle(core: ConsoleCore, options: BillingBenchOptions): Promise<BillingBenchResult> {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const billing: BillingContext = { ...core.billing, clock: new ManualClock(now) };
  const smtp = await startSmtpCapture();
  try {
    await core.dispatch('billing:updateSettings', { smtp: { host: '127.0.0.1', port: smtp.port, secure: false, username: null, from: 'Bench <billing@bench.test>' } }, { origin: 'test' });
    options.log(`  seeding ${options.tenants.toLocaleString('en-US')} registry tenants × ${options.usageDays} days of usage`);
    const seedStarted = performance.now();
    await seedFleet(core, options, now);
    const seedMs = performance.now() - seedStarted;

    // A first run settles anything the seed left (none expected), then the idle runs.
    const warm = await runBillingJobs(billing, 'test');
    const idleSamples: number[] = [];
    const idleErrors = new Set(unexpected(warm));
    let idleActions = warm.actions.length;
    for (let k = 0; k < options.idleRuns; k += 1) {
      const started = performance.now();
      const report = await runBillingJobs(billing, 'test');
      idleSamples.push(performance.now() - started);
      idleActions += report.actions.length;
      for (const error of unexpected(report)) idleErrors.add(error);
    }
    options.log(`  nothing to do: median ${ms(median(idleSamples))} ms over ${options.idleRuns} runs; last run by step: ${await lastStepTimes(core)}`);

    const pools = await workPools(core);
    // One unmeasured round with work first: the first sends pay for JIT, the SMTP pool's connections and cold caches.
    await addWork(core, pools, options.warmupWork, now);
    await runBillingJobs(billing, 'test');
    const growth: GrowthRow[] = [];
    for (const count of options.workSteps) {
      await addWork(core, pools, count, now);
      const started = performance.now();
      const report = await runBillingJobs(billing, 'test');
      const runMs = performance.now() - started;
      for (const error of unexpected(report)) idleErrors.add(error);
      growth.push({ tenantsWithWork: count, actions: report.actions.length, runMs });
      options.log(`  ${count} tenants with work: ${report.actions.length} actions in ${ms(runMs)} ms; by step: ${await lastStepTimes(core)}`);
    }
    return {
      options: { tenants: options.tenants, usageDays: options.usageDays, idleRuns: options.idleRuns, workSteps: options.workSteps, warmupWork: options.warmupWork },
      seedMs,
      idle: summarize(idleSamples),
      idleErrors: [...idleErrors],
      idleActions,
      growth,
      fit: linearFit(growth.map((row) => ({ x: row.tenantsWithWork, y: row.runMs }))),
      messages: smtp.messages.length,
    };
  } finally {
    await smtp.close();
  }
}

export function billingSummaryRows(result: BillingBenchResult): string[][] {
  return [
    [`Billing run, nothing to do (${result.options.tenants.toLocaleString('en-US')} tenants, median)`, `${ms(result.idle.median)} ms`, `≤ ${BILLING_TARGETS.idleMs} ms`, verdict(result.idle.median <= BILLING_TARGETS.idleMs)],
    ['Billing run growth with the work (linear fit R²)', result.fit.r2.toFixed(3), 'linear', verdict(result.fit.r2 >= 0.9)],
  ];
}

export function billingSection(title: string, result: BillingBenchResult): string {
  const base = result.idle.median;
  const growth = table(
    ['tenants with work', 'actions', 'run ms', 'ms per action', 'ratio to nothing-to-do run'],
    result.growth.map((row) => [
      String(row.tenantsWithWork),
      String(row.actions),
      ms(row.runMs),
      row.actions === 0 ? '—' : ms((row.runMs - base) / row.actions),
      ratio(row.runMs / base),
    ]),
    ['right', 'right', 'right', 'right', 'right'],
  );
  return [
    `## ${title}`,
    '',
    `${result.options.tenants.toLocaleString('en-US')} registry tenants in mixed states (trials, paying, free, operator-suspended, cancelled, ` +
      `grace periods running, open overdue invoices) with ${result.options.usageDays} days of usage each, seeded in ${(result.seedMs / 1000).toFixed(1)} s. ` +
      `Manual mode; SMTP on loopback (smtp-server). The growth runs follow one unmeasured run with ${result.options.warmupWork} tenants' work; ` +
      `"ms per action" is the run's time above the nothing-to-do median, per action.`,
    '',
    table(
      ['Run with nothing to do', 'median ms', 'p95 ms', 'min ms', 'max ms', 'runs', 'target'],
      [[`${result.options.tenants.toLocaleString('en-US')} tenants`, ms(result.idle.median), ms(result.idle.p95), ms(result.idle.min), ms(result.idle.max), String(result.idle.count), `≤ ${BILLING_TARGETS.idleMs} ms (aim < ${BILLING_TARGETS.idleAimMs} ms)`]],
      ['left', 'right', 'right', 'right', 'right', 'right', 'left'],
    ),
    '',
    `Actions in the nothing-to-do runs: ${result.idleActions} (expected 0).` + (result.idleErrors.length > 0 ? ` Errors: ${result.idleErrors.join('; ')}.` : ''),
    '',
    growth,
    '',
    `Linear fit: run ms ≈ ${ms(result.fit.interceptMs)} + ${ms(result.fit.slopeMs)} × tenants with work; R² = ${result.fit.r2.toFixed(3)}. ${result.messages} messages reached the SMTP server.`,
  ].join('\n');
}
