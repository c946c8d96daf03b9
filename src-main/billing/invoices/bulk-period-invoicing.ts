import type pg from 'pg';
import type { InvoiceLine, JobAction } from '../../../src-shared/contract/billing-models';
import { inTransaction } from '../../postgres/pools';
import { addDays } from '../clock';
import type { readStoredBillingSettings } from '../billing-settings';
import { invoiceTotals } from './invoice-drafts';
import { formatInvoiceNumber } from './invoice-numbering';
import { formatMoney } from './money';
import { periodChargeLinesMany, type PlanChargeRow } from './period-charges';

type StoredSettings = Awaited<ReturnType<typeof readStoredBillingSettings>>;

/** Billing states that are billed each period (a trial, a free plan or a cancelled subscription are not). */
export const BILLED_STATES = ['active', 'past_due'];
/** Who made the periodic invoices (invoices.created_by). */
export const PERIODIC_INVOICE_CREATOR = 'billing-job';
/** A tenant decades behind stops after this many periods and continues on the next run. */
export const MAX_PERIODS_PER_RUN = 240;

interface DueRow extends PlanChargeRow {
  tenant_id: string;
  tenant_code: string;
  period_start: Date;
  period_end: Date;
  plan_code: string;
  plan_version: number;
  currency: string | null;
}

/**
 * The due tenants' billing rows, locked, each with the period to invoice ($1 = now, $2 = the
 * billed states, $3 = null or the tenants still in the run). A second runner waits on the
 * locks, then re-checks the conditions on the committed rows and finds their periods rolled
 * past now. A period without a start begins one interval before its end (UTC calendar).
 */
const LOCK_DUE_SQL = /* sql */ `
  SELECT tb.tenant_id, t.tenant_code, tb.current_period_end AS period_end,
         coalesce(tb.current_period_start,
                  ((tb.current_period_end AT TIME ZONE 'UTC') - CASE p.billing_interval WHEN 'year' THEN interval '1 year' ELSE interval '1 month' END) AT TIME ZONE 'UTC')
           AS period_start,
         t.plan_code, t.plan_version, p.name AS plan_name, p.price_cents, p.currency, p.billing_interval,
         p.max_transactions_per_month, p.overage_price_cents, p.pricing_model, p.unit_price_cents, p.included_units
    FROM tenant_billing tb
    JOIN tenants t ON t.id = tb.tenant_id
    JOIN plans p ON p.code = t.plan_code AND p.version = t.plan_version
   WHERE tb.current_period_end <= $1
     AND tb.state = ANY($2::text[])
     AND p.billed_each_period
     AND t.status <> 'deleted'
     AND ($3::uuid[] IS NULL OR tb.tenant_id = ANY($3::uuid[]))
   ORDER BY tb.current_period_end, t.tenant_code
     FOR UPDATE OF tb`;

/** A periodic invoice made in this run, before it is numbered. */
interface Made {
  readonly invoiceId: string;
  readonly tenantCode: string;
  /** The tenant's place in the run (due order), then the period's: the old per-tenant numbering order. */
  readonly tenantOrder: number;
  readonly round: number;
  readonly periodStart: Date;
  readonly periodEnd: Date;
  readonly totalCents: number;
  readonly currency: string;
}

export interface BulkInvoiced {
  readonly tenantCode: string;
  readonly action: JobAction;
}

/**
 * Manual mode's periodic invoicing for every due tenant at once, in ONE transaction: a failure
 * anywhere rolls all of it back (no invoice, line, rolled period, attached item or number
 * stays). Each round takes the current period of every tenant still due, in a fixed number
 * of statements whatever the fleet's size — lock the billing rows, read metered usage and
 * overage months, lock the pending items, insert the drafts (ON CONFLICT DO NOTHING on the
 * unique (tenant, period_start): a period already invoiced gets nothing new), insert their
 * lines, attach the items, roll the periods — and rounds repeat while periods remain
 * (MAX_PERIODS_PER_RUN). The lines come from the same code as a single invoice
 * (periodChargeLinesMany → planChargeLines → priceForUsage), so the rule is written once.
 * With autoFinalize, the drafts are numbered last, from one bulk allocation of the series,
 * in the order the per-tenant path used (tenants by period end and code, then each one's
 * periods in order), so the sequence row is locked only for the last two statements.
 * Returns the actions in that same order.
 */
export async function invoiceDuePeriodsInBulk(pool: pg.Pool, settings: StoredSettings, now: Date): Promise<BulkInvoiced[]> {
  return inTransaction(pool, async (client) => {
    const made: Made[] = [];
    const tenantOrder = new Map<string, number>();
    let still: string[] | null = null;
    for (let round = 0; round < MAX_PERIODS_PER_RUN; round += 1) {
      const { rows }: { rows: DueRow[] } = await client.query<DueRow>(LOCK_DUE_SQL, [now, BILLED_STATES, still]);
      if (rows.length === 0) break;
      if (round === 0) rows.forEach((row, index) => tenantOrder.set(row.tenant_id, index));
      made.push(...(await invoiceOneRound(client, rows, settings, round, tenantOrder)));
      await client.query(
        `UPDATE tenant_billing tb
            SET current_period_start = tb.current_period_end,
                current_period_end = ((tb.current_period_end AT TIME ZONE 'UTC') + x.step::interval) AT TIME ZONE 'UTC',
                updated_at = now()
           FROM unnest($1::uuid[], $2::text[]) AS x (tenant_id, step)
          WHERE tb.tenant_id = x.tenant_id`,
        [rows.map((row) => row.tenant_id), rows.map((row) => (row.billing_interval === 'year' ? '1 year' : '1 month'))],
      );
      still = rows.map((row) => row.tenant_id);
    }
    made.sort((a, b) => a.tenantOrder - b.tenantOrder || a.round - b.round);
    const numbers = settings.autoFinalize ? await numberInBulk(client, made, settings, now) : null;
    return made.map((invoice, index): BulkInvoiced => {
      const amount = formatMoney(invoice.totalCents, invoice.currency);
      const action: JobAction = numbers
        ? { kind: 'invoice_issued', tenantCode: invoice.tenantCode, detail: `${numbers[index]} ${amount}` }
        : { kind: 'invoice_drafted', tenantCode: invoice.tenantCode, detail: `draft ${day(invoice.periodStart)} – ${day(invoice.periodEnd)} ${amount}` };
      return { tenantCode: invoice.tenantCode, action };
    });
  });
}

/** One period of each locked tenant: drafts with their lines, pending items attached. */
async function invoiceOneRound(client: pg.PoolClient, rows: readonly DueRow[], settings: StoredSettings, round: number, tenantOrder: Map<string, number>): Promise<Made[]> {
  const tenantIds = rows.map((row) => row.tenant_id);
  const pending = await client.query<{ id: string; tenant_id: string; kind: 'proration' | 'adjustment'; description: string; amount_cents: string }>(
    `SELECT id, tenant_id, kind, description, amount_cents FROM billing_pending_items
      WHERE tenant_id = ANY($1::uuid[]) AND invoice_id IS NULL ORDER BY tenant_id, created_at, id FOR UPDATE`,
    [tenantIds],
  );
  const pendingOf = new Map<string, typeof pending.rows>();
  for (const item of pending.rows) pendingOf.set(item.tenant_id, [...(pendingOf.get(item.tenant_id) ?? []), item]);

  const charges = await periodChargeLinesMany(client, rows.map((row) => ({ tenantId: row.tenant_id, row, periodStart: row.period_start, periodEnd: row.period_end })));
  const drafts = rows.map((row, index) => {
    const items = pendingOf.get(row.tenant_id) ?? [];
    const lines: InvoiceLine[] = [
      ...charges[index]!,
      ...items.map((item): InvoiceLine => ({ kind: item.kind, description: item.description, quantity: 1, unitCents: Number(item.amount_cents), amountCents: Number(item.amount_cents) })),
    ];
    return { row, lines, items, totals: invoiceTotals(lines, settings.taxRatePercent), currency: row.currency ?? settings.currency };
  });

  // A tenant with a (non-void) invoice for the period already gets none: its row is skipped, its items wait.
  const inserted = await client.query<{ id: string; tenant_id: string }>(
    `INSERT INTO invoices (tenant_id, source, state, currency, period_start, period_end, plan_code, plan_version,
                           subtotal_cents, tax_rate_percent, tax_cents, total_cents, created_by)
     SELECT x.tenant_id, 'manual', 'draft', x.currency, x.period_start, x.period_end, x.plan_code, x.plan_version,
            x.subtotal, $1::numeric, x.tax, x.total, $2::text
       FROM unnest($3::uuid[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::text[], $8::int[], $9::bigint[], $10::bigint[], $11::bigint[])
            AS x (tenant_id, currency, period_start, period_end, plan_code, plan_version, subtotal, tax, total)
     ON CONFLICT (tenant_id, period_start) WHERE source = 'manual' AND state <> 'void' AND period_start IS NOT NULL DO NOTHING
     RETURNING id, tenant_id`,
    [
      settings.taxRatePercent,
      PERIODIC_INVOICE_CREATOR,
      drafts.map((d) => d.row.tenant_id),
      drafts.map((d) => d.currency),
      drafts.map((d) => d.row.period_start),
      drafts.map((d) => d.row.period_end),
      drafts.map((d) => d.row.plan_code),
      drafts.map((d) => d.row.plan_version),
      drafts.map((d) => d.totals.subtotal),
      drafts.map((d) => d.totals.tax),
      drafts.map((d) => d.totals.total),
    ],
  );
  const invoiceOf = new Map(inserted.rows.map((row) => [row.tenant_id, row.id]));
  const madeDrafts = drafts.filter((d) => invoiceOf.has(d.row.tenant_id));

  const lineRows = madeDrafts.flatMap((d) => d.lines.map((line, index) => ({ invoiceId: invoiceOf.get(d.row.tenant_id)!, position: index + 1, line })));
  if (lineRows.length > 0) {
    await client.query(
      `INSERT INTO invoice_lines (invoice_id, position, kind, description, quantity, unit_cents, amount_cents)
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[])`,
      [
        lineRows.map((r) => r.invoiceId),
        lineRows.map((r) => r.position),
        lineRows.map((r) => r.line.kind),
        lineRows.map((r) => r.line.description),
        lineRows.map((r) => r.line.quantity),
        lineRows.map((r) => r.line.unitCents),
        lineRows.map((r) => r.line.amountCents),
      ],
    );
  }
  const attached = madeDrafts.flatMap((d) => d.items.map((item) => ({ itemId: item.id, invoiceId: invoiceOf.get(d.row.tenant_id)! })));
  if (attached.length > 0) {
    await client.query(
      `UPDATE billing_pending_items i SET invoice_id = x.invoice_id
         FROM unnest($1::uuid[], $2::uuid[]) AS x (id, invoice_id) WHERE i.id = x.id`,
      [attached.map((a) => a.itemId), attached.map((a) => a.invoiceId)],
    );
  }
  return madeDrafts.map((d): Made => ({
    invoiceId: invoiceOf.get(d.row.tenant_id)!,
    tenantCode: d.row.tenant_code,
    tenantOrder: tenantOrder.get(d.row.tenant_id) ?? Number.MAX_SAFE_INTEGER,
    round,
    periodStart: d.row.period_start,
    periodEnd: d.row.period_end,
    totalCents: d.totals.total,
    currency: d.currency,
  }));
}

/**
 * Draft → open for all of them: one block of the series (the sequence row locked from here to
 * the commit, as takeInvoiceNumber does for one), then one UPDATE. Gapless: a rollback gives
 * the whole block back. Nothing to pay (zero or a credit) is paid as it is issued.
 */
async function numberInBulk(client: pg.PoolClient, made: readonly Made[], settings: StoredSettings, now: Date): Promise<string[]> {
  if (made.length === 0) return [];
  const series = settings.invoiceSeries;
  await client.query('INSERT INTO invoice_sequences (series) VALUES ($1) ON CONFLICT (series) DO NOTHING', [series]);
  const { rows } = await client.query<{ first: string }>(
    'UPDATE invoice_sequences SET next_number = next_number + $2 WHERE series = $1 RETURNING next_number - $2 AS first',
    [series, made.length],
  );
  const first = Number(rows[0]!.first);
  const numbers = made.map((_, index) => formatInvoiceNumber(series, first + index));
  await client.query(
    `UPDATE invoices i
        SET state = CASE WHEN i.total_cents <= 0 THEN 'paid' ELSE 'open' END,
            paid_at = CASE WHEN i.total_cents <= 0 THEN $3::timestamptz END,
            series = $2, sequence_number = x.sequence_number, number = x.number, issued_at = $3, due_at = $4, updated_at = now()
       FROM unnest($1::uuid[], $5::bigint[], $6::text[]) AS x (id, sequence_number, number)
      WHERE i.id = x.id AND i.state = 'draft'`,
    [made.map((m) => m.invoiceId), series, now, addDays(now, settings.invoiceDueDays), made.map((_, index) => first + index), numbers],
  );
  return numbers;
}

const day = (at: Date): string => at.toISOString().slice(0, 10);
