import type pg from 'pg';
import type { InvoiceLine } from '../../../src-shared/contract/billing-models';
import { addDays } from '../clock';
import { takeInvoiceNumber, type InvoiceNumber } from './invoice-numbering';
import { taxCents } from './money';

type Queryable = Pick<pg.ClientBase, 'query'>;

export interface DraftInput {
  readonly tenantId: string;
  readonly currency: string;
  readonly taxRatePercent: number;
  readonly lines: readonly InvoiceLine[];
  readonly periodStart?: Date | null;
  readonly periodEnd?: Date | null;
  readonly planCode?: string | null;
  readonly planVersion?: number | null;
  readonly createdBy: string;
}

/** Subtotal, tax (half up, once per invoice) and total of a set of lines. */
export function invoiceTotals(lines: readonly Pick<InvoiceLine, 'amountCents'>[], taxRatePercent: number): { subtotal: number; tax: number; total: number } {
  const subtotal = lines.reduce((sum, line) => sum + line.amountCents, 0);
  const tax = taxCents(subtotal, taxRatePercent);
  return { subtotal, tax, total: subtotal + tax };
}

/**
 * Inserts a manual draft with its lines in the caller's transaction. Returns its id, or
 * null when the tenant already has a (non-void) invoice for that period — the unique
 * index that keeps periodic invoicing to one per tenant and period.
 */
export async function insertDraft(client: Queryable, draft: DraftInput): Promise<string | null> {
  const { subtotal, tax, total } = invoiceTotals(draft.lines, draft.taxRatePercent);
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO invoices (tenant_id, source, state, currency, period_start, period_end, plan_code, plan_version,
                           subtotal_cents, tax_rate_percent, tax_cents, total_cents, created_by)
     VALUES ($1, 'manual', 'draft', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (tenant_id, period_start) WHERE source = 'manual' AND state <> 'void' AND period_start IS NOT NULL DO NOTHING
     RETURNING id`,
    [draft.tenantId, draft.currency, draft.periodStart ?? null, draft.periodEnd ?? null, draft.planCode ?? null, draft.planVersion ?? null,
      subtotal, draft.taxRatePercent, tax, total, draft.createdBy],
  );
  const id = rows[0]?.id;
  if (!id) return null;
  if (draft.lines.length > 0) {
    await client.query(
      `INSERT INTO invoice_lines (invoice_id, position, kind, description, quantity, unit_cents, amount_cents)
       SELECT $1, line.position, line.kind, line.description, line.quantity, line.unit_cents, line.amount_cents
         FROM unnest($2::int[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[])
              AS line (position, kind, description, quantity, unit_cents, amount_cents)`,
      [
        id,
        draft.lines.map((_, index) => index + 1),
        draft.lines.map((line) => line.kind),
        draft.lines.map((line) => line.description),
        draft.lines.map((line) => line.quantity),
        draft.lines.map((line) => line.unitCents),
        draft.lines.map((line) => line.amountCents),
      ],
    );
  }
  return id;
}

/**
 * Draft → open: takes the next number of the series (the caller's transaction holds the
 * sequence row until it commits), issued now, due after `dueDays`. An invoice with nothing
 * to pay (a zero total or a credit) is paid as it is issued. The caller has locked the
 * draft row and checked its state.
 */
export async function finalizeLockedDraft(client: Queryable, id: string, series: string, now: Date, dueDays: number): Promise<InvoiceNumber> {
  const number = await takeInvoiceNumber(client, series);
  await client.query(
    `UPDATE invoices
        SET state = CASE WHEN total_cents <= 0 THEN 'paid' ELSE 'open' END,
            paid_at = CASE WHEN total_cents <= 0 THEN $5::timestamptz END,
            series = $2, sequence_number = $3, number = $4, issued_at = $5, due_at = $6, updated_at = now()
      WHERE id = $1 AND state = 'draft'`,
    [id, number.series, number.sequenceNumber, number.number, now, addDays(now, dueDays)],
  );
  return number;
}
