import type { BillingContext } from '../billing-context';
import { readStoredBillingSettings } from '../billing-settings';
import { invoiceTotals } from './invoice-drafts';
import { overageLines } from './overage';

export interface NextInvoiceEstimate {
  readonly date: string;
  readonly estimatedCents: number;
  readonly currency: string;
}

/**
 * Manual mode: the tenant's next periodic invoice as far as is known now — dated at the end
 * of the current period: the plan's price, the pending items, the overage of the months
 * started so far, plus tax. null for a tenant that is not billed each period, and in Stripe
 * mode (Stripe's upcoming invoice is the estimate there).
 */
export async function estimateNextInvoice(b: BillingContext, tenantId: string): Promise<NextInvoiceEstimate | null> {
  const settings = await readStoredBillingSettings(b.ctx.pool);
  if (settings.mode !== 'manual') return null;
  const now = b.clock.now();
  const { rows } = await b.ctx.pool.query<{
    state: string;
    period_start: Date | null;
    period_end: Date | null;
    price_cents: number | null;
    currency: string | null;
    billing_interval: string;
    max_transactions_per_month: number | null;
    overage_price_cents: number | null;
    pending_cents: number;
  }>(
    `SELECT tb.state, tb.current_period_start AS period_start, tb.current_period_end AS period_end,
            p.price_cents, p.currency, p.billing_interval, p.max_transactions_per_month, p.overage_price_cents,
            (SELECT coalesce(sum(amount_cents), 0) FROM billing_pending_items i WHERE i.tenant_id = tb.tenant_id AND i.invoice_id IS NULL)::bigint AS pending_cents
       FROM tenant_billing tb
       JOIN tenants t ON t.id = tb.tenant_id
       JOIN plans p ON p.code = t.plan_code AND p.version = t.plan_version
      WHERE tb.tenant_id = $1`,
    [tenantId],
  );
  const row = rows[0];
  if (!row || !['active', 'past_due'].includes(row.state) || (row.price_cents ?? 0) <= 0 || !['month', 'year'].includes(row.billing_interval) || !row.period_end) {
    return null;
  }
  const price = Number(row.price_cents);
  const overage = row.period_start
    ? await overageLines(
        b.ctx.pool,
        tenantId,
        { maxTransactionsPerMonth: row.max_transactions_per_month, overagePriceCents: row.overage_price_cents },
        row.period_start,
        // The months started so far (all of the period's once it has ended).
        new Date(Math.min(now.getTime() + 1, row.period_end.getTime())),
      )
    : [];
  const amounts = [{ amountCents: price }, { amountCents: Number(row.pending_cents) }, ...overage];
  return { date: row.period_end.toISOString(), estimatedCents: invoiceTotals(amounts, settings.taxRatePercent).total, currency: row.currency ?? settings.currency };
}
