import type { InvoiceLine } from '../../../src-shared/contract/billing-models';
import type { BillingContext } from '../billing-context';
import { readStoredBillingSettings } from '../billing-settings';
import { invoiceTotals } from './invoice-drafts';
import { periodChargeLines, type PlanChargeRow } from './period-charges';

export interface NextInvoiceEstimate {
  readonly date: string;
  readonly estimatedCents: number;
  readonly currency: string;
  readonly lines: InvoiceLine[];
}

/**
 * Manual mode: the tenant's next periodic invoice as far as is known now — dated at the end
 * of the current period, with the lines the invoice would have if the period ended now: the
 * plan's charge by its pricing model (seats at the peak so far, transactions so far), the
 * overage of the months started so far, the pending items, plus tax. null for a tenant that
 * is not billed each period, and in Stripe mode (Stripe's upcoming invoice is the estimate
 * there).
 */
export async function estimateNextInvoice(b: BillingContext, tenantId: string): Promise<NextInvoiceEstimate | null> {
  const settings = await readStoredBillingSettings(b.ctx.pool);
  if (settings.mode !== 'manual') return null;
  const now = b.clock.now();
  const { rows } = await b.ctx.pool.query<
    PlanChargeRow & { state: string; period_start: Date | null; period_end: Date | null; currency: string | null; billed_each_period: boolean }
  >(
    `SELECT tb.state, tb.current_period_start AS period_start, tb.current_period_end AS period_end,
            p.name AS plan_name, p.price_cents, p.currency, p.billing_interval, p.max_transactions_per_month, p.overage_price_cents,
            p.pricing_model, p.unit_price_cents, p.included_units, p.billed_each_period
       FROM tenant_billing tb
       JOIN tenants t ON t.id = tb.tenant_id
       JOIN plans p ON p.code = t.plan_code AND p.version = t.plan_version
      WHERE tb.tenant_id = $1`,
    [tenantId],
  );
  const row = rows[0];
  if (!row || !['active', 'past_due'].includes(row.state) || !row.billed_each_period || !row.period_end) return null;
  const pending = await b.ctx.pool.query<{ kind: 'proration' | 'adjustment'; description: string; amount_cents: string }>(
    'SELECT kind, description, amount_cents FROM billing_pending_items WHERE tenant_id = $1 AND invoice_id IS NULL ORDER BY created_at, id',
    [tenantId],
  );
  // Seats and transactions so far, today's row included; overage of the months started so
  // far (all of the period's once it has ended).
  const tomorrow = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  const seatsUntil = new Date(Math.min(tomorrow, row.period_end.getTime()));
  const start = row.period_start ?? now;
  const lines: InvoiceLine[] = [
    ...(await periodChargeLines(b.ctx.pool, tenantId, row, start, row.period_end, seatsUntil)),
    ...pending.rows.map((item): InvoiceLine => ({ kind: item.kind, description: item.description, quantity: 1, unitCents: Number(item.amount_cents), amountCents: Number(item.amount_cents) })),
  ];
  return {
    date: row.period_end.toISOString(),
    estimatedCents: invoiceTotals(lines, settings.taxRatePercent).total,
    currency: row.currency ?? settings.currency,
    lines,
  };
}
