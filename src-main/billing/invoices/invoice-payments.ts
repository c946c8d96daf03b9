import type { InvoiceDetail } from '../../../src-shared/contract/billing-models';
import type { ChannelParsedInput } from '../../../src-shared/contract/channels';
import { AppError } from '../../base/app-error';
import { inTransaction } from '../../postgres/pools';
import type { BillingContext } from '../billing-context';
import { lockInvoice } from './invoice-queries';
import { findInvoiceRow, loadInvoiceDetail } from './invoice-rows';
import { formatMoney } from './money';

/**
 * Records a payment on an open invoice. Partial payments add up; the one that reaches the
 * total marks it paid, paid_at = that payment's receivedAt. More than is still due is
 * refused. Only the invoice changes: the lifecycle job sees the paid invoice and reactivates
 * the tenant if billing had suspended it.
 */
export async function recordPayment(b: BillingContext, input: ChannelParsedInput<'invoices:recordPayment'>): Promise<InvoiceDetail> {
  const now = b.clock.now();
  const receivedAt = input.receivedAt ? new Date(input.receivedAt) : now;
  return inTransaction(b.ctx.pool, async (client) => {
    const row = await lockInvoice(client, input.id);
    const name = row.number ?? `draft ${row.id}`;
    if (row.state === 'draft') throw new AppError('INVALID_STATE', `${name} is a draft: finalize it before recording a payment.`);
    if (row.state !== 'open') throw new AppError('INVALID_STATE', `${name} is ${row.state}: payments are recorded only on open invoices.`);
    const total = Number(row.total_cents);
    const paidBefore = Number(row.amount_paid_cents);
    const due = total - paidBefore;
    if (input.amountCents > due) {
      throw new AppError(
        'VALIDATION',
        `A payment of ${formatMoney(input.amountCents, row.currency)} is more than the ${formatMoney(due, row.currency)} still due on ${name} ` +
          `(total ${formatMoney(total, row.currency)}, paid ${formatMoney(paidBefore, row.currency)}).`,
      );
    }
    await client.query(
      `INSERT INTO invoice_payments (invoice_id, amount_cents, method, reference, received_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)`,
      [row.id, input.amountCents, input.method, input.reference ?? null, receivedAt, b.ctx.operator],
    );
    const paidAfter = paidBefore + input.amountCents;
    await client.query(
      `UPDATE invoices
          SET amount_paid_cents = $2,
              state = CASE WHEN $2 >= total_cents THEN 'paid' ELSE state END,
              paid_at = CASE WHEN $2 >= total_cents THEN $3::timestamptz ELSE paid_at END,
              updated_at = now()
        WHERE id = $1`,
      [row.id, paidAfter, receivedAt],
    );
    return loadInvoiceDetail(client, (await findInvoiceRow(client, row.id))!, now);
  });
}
