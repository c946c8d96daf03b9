import type pg from 'pg';
import { iso } from '../billing-rows';
import type { InvoiceDetail, InvoiceLine, InvoicePayment, InvoiceState, InvoiceSummary } from '../../../src-shared/contract/billing-models';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** An invoice row with its tenant's code and company (what lists and details show). */
export interface InvoiceRow {
  id: string;
  tenant_id: string;
  tenant_code: string;
  company_name: string;
  source: 'manual' | 'stripe';
  series: string | null;
  sequence_number: number | null;
  number: string | null;
  state: InvoiceState;
  currency: string;
  period_start: Date | null;
  period_end: Date | null;
  plan_code: string | null;
  plan_version: number | null;
  subtotal_cents: number;
  tax_rate_percent: string;
  tax_cents: number;
  total_cents: number;
  amount_paid_cents: number;
  issued_at: Date | null;
  due_at: Date | null;
  paid_at: Date | null;
  voided_at: Date | null;
  void_reason: string | null;
  hosted_invoice_url: string | null;
  created_by: string;
  created_at: Date;
}

/** Select list for InvoiceRow over `invoices i JOIN tenants t`. */
export const INVOICE_SELECT = `
  SELECT i.id, i.tenant_id, t.tenant_code, t.company_name, i.source, i.series, i.sequence_number, i.number, i.state,
         i.currency, i.period_start, i.period_end, i.plan_code, i.plan_version, i.subtotal_cents, i.tax_rate_percent,
         i.tax_cents, i.total_cents, i.amount_paid_cents, i.issued_at, i.due_at, i.paid_at, i.voided_at, i.void_reason,
         i.hosted_invoice_url, i.created_by, i.created_at
    FROM invoices i
    JOIN tenants t ON t.id = i.tenant_id`;


/** Open and past its due date by the billing clock. */
export function isOverdue(row: Pick<InvoiceRow, 'state' | 'due_at'>, now: Date): boolean {
  return row.state === 'open' && row.due_at !== null && row.due_at.getTime() < now.getTime();
}

export function toInvoiceSummary(row: InvoiceRow, now: Date): InvoiceSummary {
  return {
    id: row.id,
    tenantCode: row.tenant_code,
    companyName: row.company_name,
    source: row.source,
    number: row.number,
    state: row.state,
    currency: row.currency,
    periodStart: iso(row.period_start),
    periodEnd: iso(row.period_end),
    subtotalCents: Number(row.subtotal_cents),
    taxCents: Number(row.tax_cents),
    totalCents: Number(row.total_cents),
    amountPaidCents: Number(row.amount_paid_cents),
    issuedAt: iso(row.issued_at),
    dueAt: iso(row.due_at),
    paidAt: iso(row.paid_at),
    overdue: isOverdue(row, now),
    hostedInvoiceUrl: row.hosted_invoice_url,
  };
}

/** The invoice row (optionally locked), or null. */
export async function findInvoiceRow(db: Queryable, id: string, forUpdate = false): Promise<InvoiceRow | null> {
  const { rows } = await db.query<InvoiceRow>(`${INVOICE_SELECT} WHERE i.id = $1 ${forUpdate ? 'FOR UPDATE OF i' : ''}`, [id]);
  return rows[0] ?? null;
}

export async function loadInvoiceDetail(db: Queryable, row: InvoiceRow, now: Date): Promise<InvoiceDetail> {
  const [lines, payments] = await Promise.all([
    db.query<{ kind: InvoiceLine['kind']; description: string; quantity: number; unit_cents: number; amount_cents: number }>(
      'SELECT kind, description, quantity, unit_cents, amount_cents FROM invoice_lines WHERE invoice_id = $1 ORDER BY position',
      [row.id],
    ),
    db.query<{ id: string; amount_cents: number; method: string; reference: string | null; received_at: Date; recorded_by: string }>(
      'SELECT id, amount_cents, method, reference, received_at, recorded_by FROM invoice_payments WHERE invoice_id = $1 ORDER BY received_at, created_at',
      [row.id],
    ),
  ]);
  return {
    ...toInvoiceSummary(row, now),
    taxRatePercent: Number(row.tax_rate_percent),
    planCode: row.plan_code,
    planVersion: row.plan_version,
    lines: lines.rows.map(
      (line): InvoiceLine => ({
        kind: line.kind,
        description: line.description,
        quantity: Number(line.quantity),
        unitCents: Number(line.unit_cents),
        amountCents: Number(line.amount_cents),
      }),
    ),
    payments: payments.rows.map(
      (payment): InvoicePayment => ({
        id: payment.id,
        amountCents: Number(payment.amount_cents),
        method: payment.method,
        reference: payment.reference,
        receivedAt: payment.received_at.toISOString(),
        recordedBy: payment.recorded_by,
      }),
    ),
    voidedAt: iso(row.voided_at),
    voidReason: row.void_reason,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
}
