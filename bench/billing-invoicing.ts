import type { BillingContext } from '../src-main/billing/billing-context';
import { ManualClock } from '../src-main/billing/clock';
import { generateDueInvoices, generateDueInvoicesPerTenant } from '../src-main/billing/invoices/invoice-generation';
import type { ConsoleCore } from '../src-main/app/console-core';
import { table, verdict } from './lib/markdown';
import { ms } from './lib/stats';

/**
 * Benchmark 9: manual invoicing of a fleet on per-user pricing — every tenant's period has
 * ended, so one run of generateDueInvoices reads each tenant's peak users over 30 days of
 * usage rows, writes and numbers its invoice and rolls its period. Registry rows only (no
 * tenant database is read to invoice). Scale: TENANT_CONSOLE_BENCH_INVOICE_TENANTS
 * (default 10,000; --quick 500). The baseline, in the same process and on the same server:
 * the per-tenant path (generateDueInvoicesPerTenant, one transaction per tenant) on a smaller
 * sample (baselineTenants), and the set-based path on a sample of that same size, so the
 * ratio compares like with like; then the set-based path on the full fleet, the figure.
 */

export interface InvoicingBenchOptions {
  readonly tenants: number;
  /** The per-tenant baseline's sample (its cost is linear: ~20 ms a tenant). */
  readonly baselineTenants: number;
  readonly usageDays: number;
  readonly log: (line: string) => void;
}

export type InvoicingPath = 'per-tenant' | 'set-based';

export interface InvoicingRun {
  readonly path: InvoicingPath;
  readonly tenants: number;
  readonly seedMs: number;
  readonly runMs: number;
  readonly invoices: number;
  readonly totalCents: number;
  readonly expectedTotalCents: number;
  readonly errors: number;
  /** The set-based transaction failed and the per-tenant path ran instead (the figure would be mislabelled). */
  readonly fellBack: boolean;
}

export interface InvoicingBenchResult {
  readonly options: Omit<InvoicingBenchOptions, 'log'>;
  /** Baseline (per-tenant, sample), set-based on the same sample, set-based on the fleet. */
  readonly baseline: InvoicingRun;
  readonly sample: InvoicingRun;
  readonly fleet: InvoicingRun;
}

export const INVOICING_TARGET_MS = 10_000;

/** Tenant i has 3 + (i mod 7) users at its peak (2 included, 12.00 each): hand-computable totals. */
const PEAK_SQL = '3 + (g.i % 7)';

async function seedPlan(core: ConsoleCore): Promise<void> {
  await core.platform.pool.query(
    `INSERT INTO plans (code, version, name, price_cents, billing_interval, max_companies, max_users_per_company, max_transactions_per_month,
                        support_level, sort_order, pricing_model, unit_price_cents, included_units)
     VALUES ('bench-seats', 1, 'Bench Seats', 0, 'month', 5, 100, NULL, 'email', 9, 'per_user', 1200, 2)`,
  );
}

/** `count` tenants coded <prefix>00000…, due an hour ago; returns the hand-computed total. */
async function seed(core: ConsoleCore, prefix: string, count: number, usageDays: number, now: Date): Promise<number> {
  const pool = core.platform.pool;
  const codes = `SELECT i, '${prefix}' || lpad(i::text, 5, '0') AS code FROM generate_series(0, $1::int - 1) AS i`;
  await pool.query(
    `INSERT INTO tenants (tenant_code, company_name, subdomain, admin_email, plan_code, plan_version, status, server_id, database_name, db_role, created_at)
     SELECT code, 'Invoicing Bench ' || code, 'invoicing-bench-' || lower(code), 'admin@invoicing-bench-' || lower(code) || '.example', 'bench-seats', 1, 'active',
            $2::uuid, 'tenant_' || lower(code), 'tenant_' || lower(code) || '_app', $3::timestamptz - interval '40 days'
       FROM (${codes}) AS g`,
    [count, core.platform.primary.id, now],
  );
  await pool.query(
    `INSERT INTO tenant_billing (tenant_id, state, current_period_start, current_period_end, payment_method_present)
     SELECT id, 'active', $1::timestamptz - interval '1 month' - interval '1 hour', $1::timestamptz - interval '1 hour', true
       FROM tenants WHERE tenant_code LIKE $2
     ON CONFLICT (tenant_id) DO UPDATE SET state = 'active', current_period_start = EXCLUDED.current_period_start, current_period_end = EXCLUDED.current_period_end`,
    [now, `${prefix}%`],
  );
  // Users ramp up to the peak on the period's middle day, then fall back: the peak is not the last figure.
  await pool.query(
    `INSERT INTO tenant_usage (tenant_id, usage_date, companies, users_total, largest_company_users, month_start, transactions_month, transactions_delta, read_at, collected_at)
     SELECT t.id, d::date, 1, CASE WHEN d::date = ($2::timestamptz - interval '15 days')::date THEN ${PEAK_SQL} ELSE 2 END, 2,
            date_trunc('month', d)::date, 10, 1, d, d
       FROM tenants t
       JOIN (${codes}) g ON g.code = t.tenant_code
      CROSS JOIN generate_series(($2::timestamptz - make_interval(days => $3::int))::date, ($2::timestamptz - interval '2 days')::date, interval '1 day') AS d`,
    [count, now, usageDays],
  );
  await pool.query('ANALYZE');
  // The hand-computed sum: (peak − 2 included) × 12.00 per tenant, no tax.
  const { rows } = await pool.query<{ cents: string }>(`SELECT sum(greatest(0, ${PEAK_SQL} - 2) * 1200)::bigint AS cents FROM generate_series(0, $1::int - 1) AS g(i)`, [count]);
  return Number(rows[0]!.cents);
}

async function measure(core: ConsoleCore, billing: BillingContext, path: InvoicingPath, prefix: string, count: number, options: InvoicingBenchOptions, now: Date): Promise<InvoicingRun> {
  options.log(`  seeding ${count.toLocaleString('en-US')} per-user tenants × ${options.usageDays} days of usage (${prefix}…), then the ${path} path`);
  const seedStarted = performance.now();
  const expectedTotalCents = await seed(core, prefix, count, options.usageDays, now);
  const seedMs = performance.now() - seedStarted;
  let errors = 0;
  let fellBack = false;
  const started = performance.now();
  const actions =
    path === 'per-tenant'
      ? await generateDueInvoicesPerTenant(billing, { onError: () => (errors += 1) })
      : await generateDueInvoices(billing, { onError: () => (errors += 1), onFallback: () => (fellBack = true) });
  const runMs = performance.now() - started;
  const { rows } = await core.platform.pool.query<{ invoices: number; cents: string }>(
    `SELECT count(*)::int AS invoices, coalesce(sum(i.total_cents), 0)::bigint AS cents
       FROM invoices i JOIN tenants t ON t.id = i.tenant_id WHERE t.tenant_code LIKE $1 AND i.state = 'open'`,
    [`${prefix}%`],
  );
  options.log(`  ${actions.length.toLocaleString('en-US')} invoices issued in ${ms(runMs)} ms (${errors} errors${fellBack ? ', FELL BACK to per-tenant' : ''})`);
  return { path, tenants: count, seedMs, runMs, invoices: rows[0]!.invoices, totalCents: Number(rows[0]!.cents), expectedTotalCents, errors, fellBack };
}

export async function benchBillingInvoicing(core: ConsoleCore, options: InvoicingBenchOptions): Promise<InvoicingBenchResult> {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const billing: BillingContext = { ...core.billing, clock: new ManualClock(now) };
  await core.dispatch('billing:updateSettings', { taxRatePercent: 0, invoiceSeries: 'BENCH' }, { origin: 'test' });
  await seedPlan(core);
  // Each run invoices (and rolls) every tenant due so far, so each seeds its own tenants just before it.
  const baseline = await measure(core, billing, 'per-tenant', 'IA', options.baselineTenants, options, now);
  const sample = await measure(core, billing, 'set-based', 'IC', options.baselineTenants, options, now);
  const fleet = await measure(core, billing, 'set-based', 'IB', options.tenants, options, now);
  return { options: { tenants: options.tenants, baselineTenants: options.baselineTenants, usageDays: options.usageDays }, baseline, sample, fleet };
}

const perInvoice = (run: InvoicingRun): number => run.runMs / Math.max(1, run.invoices);
const correct = (run: InvoicingRun): boolean => run.invoices === run.tenants && run.totalCents === run.expectedTotalCents && run.errors === 0 && !run.fellBack;

export function invoicingSummaryRows(result: InvoicingBenchResult): string[][] {
  const { fleet, baseline } = result;
  const n = fleet.tenants.toLocaleString('en-US');
  return [
    [`Invoicing ${n} per-user tenants (one run, set-based)`, `${ms(fleet.runMs)} ms`, `≤ ${INVOICING_TARGET_MS} ms at 10,000`, verdict(correct(fleet) && fleet.runMs <= INVOICING_TARGET_MS * (fleet.tenants / 10_000))],
    [`Per invoice: per-tenant path ÷ set-based (${baseline.tenants.toLocaleString('en-US')} vs ${n})`, `${(perInvoice(baseline) / perInvoice(fleet)).toFixed(1)}×`, '—', '—'],
  ];
}

export function invoicingSection(title: string, result: InvoicingBenchResult): string {
  const { baseline, sample, fleet } = result;
  const base = perInvoice(baseline);
  const row = (run: InvoicingRun): string[] => [
    run.path,
    run.tenants.toLocaleString('en-US'),
    run.invoices.toLocaleString('en-US'),
    ms(run.runMs),
    perInvoice(run).toFixed(3),
    `${(base / perInvoice(run)).toFixed(1)}×`,
    (run.totalCents / 100).toFixed(2),
    (run.expectedTotalCents / 100).toFixed(2),
    String(run.errors),
    correct(run) ? 'yes' : '**no**',
  ];
  const all = [baseline, sample, fleet];
  return [
    `## ${title}`,
    '',
    `Registry tenants on a per_user plan (12.00 per user, 2 included), each with a period ended an hour ago and ${result.options.usageDays} days of usage ` +
      `rows (the peak on one day; seeding took ${all.map((run) => (run.seedMs / 1000).toFixed(1)).join(' / ')} s). Three runs in this process, each on tenants ` +
      'seeded just before it: the per-tenant path (one transaction per tenant: lock, peak users, draft with lines, number, period rolled) on a sample as the ' +
      'baseline, the set-based path (one transaction, a fixed number of statements per period over all due tenants) on a sample of the same size, then on the fleet.',
    '',
    table(
      ['path', 'tenants', 'invoices', 'run ms', 'ms per invoice', 'speed-up per invoice vs per-tenant', 'invoiced total', 'hand-computed total', 'errors', 'correct'],
      all.map(row),
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
    ),
    '',
    `Target: ≤ ${INVOICING_TARGET_MS} ms per 10,000 tenants (set-based, fleet run).`,
    all.every(correct) ? 'Every tenant invoiced once in each run, totals equal to the hand-computed sums.' : '**A run does not match the expectation (count, total, errors or a fallback above).**',
  ].join('\n');
}
