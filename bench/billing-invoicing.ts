import type { BillingContext } from '../src-main/billing/billing-context';
import { ManualClock } from '../src-main/billing/clock';
import { generateDueInvoices } from '../src-main/billing/invoices/invoice-generation';
import type { ConsoleCore } from '../src-main/app/console-core';
import { table, verdict } from './lib/markdown';
import { ms } from './lib/stats';

/**
 * Benchmark 9: manual invoicing of a fleet on per-user pricing — every tenant's period has
 * ended, so one run of generateDueInvoices reads each tenant's peak users over 30 days of
 * usage rows, writes and numbers its invoice and rolls its period. Registry rows only (no
 * tenant database is read to invoice). Scale: TENANT_CONSOLE_BENCH_INVOICE_TENANTS
 * (default 10,000; --quick 500).
 */

export interface InvoicingBenchOptions {
  readonly tenants: number;
  readonly usageDays: number;
  readonly log: (line: string) => void;
}

export interface InvoicingBenchResult {
  readonly options: Omit<InvoicingBenchOptions, 'log'>;
  readonly seedMs: number;
  readonly runMs: number;
  readonly invoices: number;
  readonly totalCents: number;
  readonly expectedTotalCents: number;
  readonly errors: number;
}

export const INVOICING_TARGET_MS = 10_000;

/** Tenant i has 3 + (i mod 7) users at its peak (2 included, 12.00 each): hand-computable totals. */
const PEAK_SQL = '3 + (g.i % 7)';

async function seed(core: ConsoleCore, options: InvoicingBenchOptions, now: Date): Promise<number> {
  const pool = core.platform.pool;
  await pool.query(
    `INSERT INTO plans (code, version, name, price_cents, billing_interval, max_companies, max_users_per_company, max_transactions_per_month,
                        support_level, sort_order, pricing_model, unit_price_cents, included_units)
     VALUES ('bench-seats', 1, 'Bench Seats', 0, 'month', 5, 100, NULL, 'email', 9, 'per_user', 1200, 2)`,
  );
  await pool.query(
    `INSERT INTO tenants (tenant_code, company_name, subdomain, admin_email, plan_code, plan_version, status, server_id, database_name, db_role, created_at)
     SELECT code, 'Invoicing Bench ' || i, 'invoicing-bench-' || i, 'admin@invoicing-bench-' || i || '.example', 'bench-seats', 1, 'active',
            $2::uuid, 'tenant_' || lower(code), 'tenant_' || lower(code) || '_app', $3::timestamptz - interval '40 days'
       FROM (SELECT i, 'IB' || lpad(i::text, 5, '0') AS code FROM generate_series(0, $1::int - 1) AS i) AS g`,
    [options.tenants, core.platform.primary.id, now],
  );
  await pool.query(
    `INSERT INTO tenant_billing (tenant_id, state, current_period_start, current_period_end, payment_method_present)
     SELECT id, 'active', $1::timestamptz - interval '1 month' - interval '1 hour', $1::timestamptz - interval '1 hour', true
       FROM tenants WHERE tenant_code LIKE 'IB%'
     ON CONFLICT (tenant_id) DO UPDATE SET state = 'active', current_period_start = EXCLUDED.current_period_start, current_period_end = EXCLUDED.current_period_end`,
    [now],
  );
  // Users ramp up to the peak on the period's middle day, then fall back: the peak is not the last figure.
  await pool.query(
    `INSERT INTO tenant_usage (tenant_id, usage_date, companies, users_total, largest_company_users, month_start, transactions_month, transactions_delta, read_at, collected_at)
     SELECT t.id, d::date, 1, CASE WHEN d::date = ($1::timestamptz - interval '15 days')::date THEN ${PEAK_SQL} ELSE 2 END, 2,
            date_trunc('month', d)::date, 10, 1, d, d
       FROM tenants t
       JOIN (SELECT i, 'IB' || lpad(i::text, 5, '0') AS code FROM generate_series(0, $3::int - 1) AS i) g ON g.code = t.tenant_code
      CROSS JOIN generate_series(($1::timestamptz - make_interval(days => $2::int))::date, ($1::timestamptz - interval '2 days')::date, interval '1 day') AS d`,
    [now, options.usageDays, options.tenants],
  );
  await pool.query('ANALYZE');
  // The hand-computed sum: (peak − 2 included) × 12.00 per tenant, no tax.
  const { rows } = await pool.query<{ cents: string }>(
    `SELECT sum(greatest(0, ${PEAK_SQL} - 2) * 1200)::bigint AS cents FROM generate_series(0, $1::int - 1) AS g(i)`,
    [options.tenants],
  );
  return Number(rows[0]!.cents);
}

export async function benchBillingInvoicing(core: ConsoleCore, options: InvoicingBenchOptions): Promise<InvoicingBenchResult> {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const billing: BillingContext = { ...core.billing, clock: new ManualClock(now) };
  await core.dispatch('billing:updateSettings', { taxRatePercent: 0, invoiceSeries: 'BENCH' }, { origin: 'test' });
  options.log(`  seeding ${options.tenants.toLocaleString('en-US')} per-user tenants × ${options.usageDays} days of usage`);
  const seedStarted = performance.now();
  const expectedTotalCents = await seed(core, options, now);
  const seedMs = performance.now() - seedStarted;
  let errors = 0;
  const started = performance.now();
  const actions = await generateDueInvoices(billing, { onError: () => (errors += 1) });
  const runMs = performance.now() - started;
  const { rows } = await core.platform.pool.query<{ invoices: number; cents: string }>(
    `SELECT count(*)::int AS invoices, coalesce(sum(i.total_cents), 0)::bigint AS cents
       FROM invoices i JOIN tenants t ON t.id = i.tenant_id WHERE t.tenant_code LIKE 'IB%' AND i.state = 'open'`,
  );
  options.log(`  ${actions.length.toLocaleString('en-US')} invoices issued in ${ms(runMs)} ms (${errors} errors)`);
  return {
    options: { tenants: options.tenants, usageDays: options.usageDays },
    seedMs,
    runMs,
    invoices: rows[0]!.invoices,
    totalCents: Number(rows[0]!.cents),
    expectedTotalCents,
    errors,
  };
}

export function invoicingSummaryRows(result: InvoicingBenchResult): string[][] {
  const n = result.options.tenants.toLocaleString('en-US');
  return [[`Invoicing ${n} per-user tenants (one run)`, `${ms(result.runMs)} ms`, `≤ ${INVOICING_TARGET_MS} ms at 10,000`, verdict(result.runMs <= INVOICING_TARGET_MS * (result.options.tenants / 10_000))]];
}

export function invoicingSection(title: string, result: InvoicingBenchResult): string {
  const n = result.options.tenants;
  const correct = result.invoices === n && result.totalCents === result.expectedTotalCents && result.errors === 0;
  return [
    `## ${title}`,
    '',
    `${n.toLocaleString('en-US')} registry tenants on a per_user plan (12.00 per user, 2 included), each with a period ended an hour ago and ` +
      `${result.options.usageDays} days of usage rows (the peak on one day), seeded in ${(result.seedMs / 1000).toFixed(1)} s. ` +
      'One generateDueInvoices run: per tenant one transaction (lock, peak users, draft with lines, number, period rolled).',
    '',
    table(
      ['tenants', 'invoices', 'run ms', 'ms per invoice', 'invoiced total', 'hand-computed total', 'errors', 'target'],
      [[
        n.toLocaleString('en-US'),
        result.invoices.toLocaleString('en-US'),
        ms(result.runMs),
        (result.runMs / Math.max(1, result.invoices)).toFixed(2),
        (result.totalCents / 100).toFixed(2),
        (result.expectedTotalCents / 100).toFixed(2),
        String(result.errors),
        `≤ ${INVOICING_TARGET_MS} ms per 10,000`,
      ]],
      ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
    ),
    '',
    correct ? 'Every tenant invoiced once, totals equal to the hand-computed sum.' : '**The invoices do not match the expectation (count, total or errors above).**',
  ].join('\n');
}
