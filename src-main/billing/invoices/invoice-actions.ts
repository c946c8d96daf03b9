import type { InvoiceDetail, InvoiceLine } from '../../../src-shared/contract/billing-models';
import type { ChannelParsedInput } from '../../../src-shared/contract/channels';
import { AppError } from '../../base/app-error';
import { inTransaction } from '../../postgres/pools';
import { getTenantRow } from '../../tenants/tenant-queries';
import type { BillingContext } from '../billing-context';
import { readStoredBillingSettings } from '../billing-settings';
import { finalizeLockedDraft, insertDraft } from './invoice-drafts';
import { takeInvoiceNumber } from './invoice-numbering';
import { lockInvoice } from './invoice-queries';
import { findInvoiceRow, loadInvoiceDetail, type InvoiceRow } from './invoice-rows';

const label = (row: Pick<InvoiceRow, 'number' | 'id'>) => row.number ?? `draft ${row.id}`;

/** A one-off manual invoice: a draft in the tenant plan's currency at today's tax rate; finalize it to number it. */
export async function createInvoice(b: BillingContext, input: ChannelParsedInput<'invoices:create'>): Promise<InvoiceDetail> {
  const now = b.clock.now();
  return inTransaction(b.ctx.pool, async (client) => {
    const tenant = await getTenantRow(client, input.ref);
    if (tenant.status === 'deleted') throw new AppError('INVALID_STATE', `Tenant ${tenant.tenant_code} is deleted: it cannot be invoiced.`);
    const settings = await readStoredBillingSettings(client);
    const plan = await client.query<{ currency: string | null }>('SELECT currency FROM plans WHERE code = $1 AND version = $2', [tenant.plan_code, tenant.plan_version]);
    const lines = input.lines.map(
      (line): InvoiceLine => ({ kind: 'adjustment', description: line.description, quantity: line.quantity, unitCents: line.unitCents, amountCents: line.quantity * line.unitCents }),
    );
    const id = await insertDraft(client, {
      tenantId: tenant.id,
      currency: plan.rows[0]?.currency ?? settings.currency,
      taxRatePercent: settings.taxRatePercent,
      lines,
      createdBy: b.ctx.operator,
    });
    return loadInvoiceDetail(client, (await findInvoiceRow(client, id!))!, now);
  });
}

/** Draft → open: numbered (gapless, in this transaction), issued now by the billing clock, due after the setting's days. */
export async function finalizeInvoice(b: BillingContext, ref: string): Promise<InvoiceDetail> {
  const now = b.clock.now();
  return inTransaction(b.ctx.pool, async (client) => {
    const row = await lockInvoice(client, ref);
    if (row.source !== 'manual') throw new AppError('INVALID_STATE', `${label(row)} is a Stripe invoice: Stripe finalizes it.`);
    if (row.state !== 'draft') throw new AppError('INVALID_STATE', `${label(row)} is ${row.state}: only a draft can be finalized.`);
    const settings = await readStoredBillingSettings(client);
    await finalizeLockedDraft(client, row.id, settings.invoiceSeries, now, settings.invoiceDueDays);
    return loadInvoiceDetail(client, (await findInvoiceRow(client, row.id))!, now);
  });
}

/**
 * Draft or open → void, with the reason. A void invoice keeps its number (numbers are never
 * reused). Only a draft is without a number (a CHECK in the schema), so a voided draft is
 * numbered in the same transaction: every void is on record in the gapless series. Pending
 * items (proration, adjustments) it carried go back to the tenant's next invoice, so voiding
 * never silently drops a charge or a credit.
 */
export async function voidInvoice(b: BillingContext, ref: string, reason: string): Promise<InvoiceDetail> {
  const now = b.clock.now();
  return inTransaction(b.ctx.pool, async (client) => {
    const row = await lockInvoice(client, ref);
    if (row.source !== 'manual') throw new AppError('INVALID_STATE', `${label(row)} is a Stripe invoice: void it in Stripe.`);
    if (row.state === 'paid') throw new AppError('INVALID_STATE', `${label(row)} is paid: a paid invoice cannot be voided (issue a credit instead).`);
    if (row.state !== 'draft' && row.state !== 'open') throw new AppError('INVALID_STATE', `${label(row)} is ${row.state}: only a draft or an open invoice can be voided.`);
    const number = row.state === 'draft' ? await takeInvoiceNumber(client, (await readStoredBillingSettings(client)).invoiceSeries) : null;
    await client.query(
      `UPDATE invoices
          SET state = 'void', voided_at = $2, void_reason = $3, updated_at = now(),
              series = coalesce($4, series), sequence_number = coalesce($5, sequence_number), number = coalesce($6, number)
        WHERE id = $1`,
      [row.id, now, reason, number?.series ?? null, number?.sequenceNumber ?? null, number?.number ?? null],
    );
    await client.query('UPDATE billing_pending_items SET invoice_id = NULL WHERE invoice_id = $1', [row.id]);
    return loadInvoiceDetail(client, (await findInvoiceRow(client, row.id))!, now);
  });
}
