import type pg from 'pg';
import type Stripe from 'stripe';
import type { InvoiceState } from '../../../src-shared/contract/billing-models';
import { fromUnix } from './stripe-client';

type Queryable = Pick<pg.ClientBase, 'query'>;

const STATES: Record<string, InvoiceState> = { draft: 'draft', open: 'open', paid: 'paid', void: 'void', uncollectible: 'uncollectible' };

const isProration = (line: Stripe.InvoiceLineItem): boolean =>
  line.parent?.subscription_item_details?.proration === true || line.parent?.invoice_item_details?.proration === true;

/** The sum of an invoice's (or preview's) proration lines. */
export function prorationTotal(invoice: Stripe.Invoice): { cents: number; lines: { description: string; amountCents: number }[] } {
  const lines = invoice.lines.data.filter(isProration).map((line) => ({ description: (line.description ?? 'Proration').slice(0, 300), amountCents: line.amount }));
  return { cents: lines.reduce((sum, line) => sum + line.amountCents, 0), lines };
}

/**
 * Mirrors a Stripe invoice into invoices (source 'stripe', keyed by stripe_invoice_id) with its
 * lines, in the caller's transaction. Stripe numbers its own invoices, so no series is used.
 */
export async function upsertStripeInvoice(db: Queryable, tenantId: string, invoice: Stripe.Invoice): Promise<string> {
  const state = STATES[invoice.status ?? 'draft'] ?? 'open';
  const tax = (invoice.total_taxes ?? []).reduce((sum, t) => sum + t.amount, 0);
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO invoices (tenant_id, source, number, state, currency, period_start, period_end, subtotal_cents, tax_cents,
                           total_cents, amount_paid_cents, issued_at, due_at, paid_at, voided_at, stripe_invoice_id, hosted_invoice_url, created_by)
     VALUES ($1, 'stripe', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 'stripe')
     ON CONFLICT (stripe_invoice_id) DO UPDATE
        SET number = EXCLUDED.number, state = EXCLUDED.state, subtotal_cents = EXCLUDED.subtotal_cents, tax_cents = EXCLUDED.tax_cents,
            total_cents = EXCLUDED.total_cents, amount_paid_cents = EXCLUDED.amount_paid_cents, issued_at = EXCLUDED.issued_at,
            due_at = EXCLUDED.due_at, paid_at = EXCLUDED.paid_at, voided_at = EXCLUDED.voided_at,
            hosted_invoice_url = EXCLUDED.hosted_invoice_url, updated_at = now()
     RETURNING id`,
    [
      tenantId,
      invoice.number,
      state,
      invoice.currency.toUpperCase(),
      fromUnix(invoice.period_start),
      fromUnix(invoice.period_end),
      invoice.subtotal,
      tax,
      invoice.total,
      invoice.amount_paid,
      fromUnix(invoice.status_transitions.finalized_at),
      fromUnix(invoice.due_date),
      fromUnix(invoice.status_transitions.paid_at),
      fromUnix(invoice.status_transitions.voided_at),
      invoice.id,
      invoice.hosted_invoice_url ?? null,
    ],
  );
  const id = rows[0]!.id;
  await db.query('DELETE FROM invoice_lines WHERE invoice_id = $1', [id]);
  let position = 0;
  for (const line of invoice.lines.data) {
    position += 1;
    await db.query(
      `INSERT INTO invoice_lines (invoice_id, position, kind, description, quantity, unit_cents, amount_cents) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, position, isProration(line) ? 'proration' : 'plan', (line.description || 'Subscription').slice(0, 300), line.quantity ?? 1, line.quantity ? Math.round(line.amount / line.quantity) : line.amount, line.amount],
    );
  }
  return id;
}
