import type { InvoiceDetail, InvoicePage, InvoicePdf, JobAction } from '../../../src-shared/contract/billing-models';
import type { ChannelParsedInput } from '../../../src-shared/contract/channels';
import type { BillingContext } from '../billing-context';
import { notBuilt } from '../not-built';

export async function listInvoices(_b: BillingContext, _input: ChannelParsedInput<'invoices:list'>): Promise<InvoicePage> {
  return notBuilt('listInvoices');
}
export async function getInvoice(_b: BillingContext, _id: string): Promise<InvoiceDetail> {
  return notBuilt('getInvoice');
}
export async function createInvoice(_b: BillingContext, _input: ChannelParsedInput<'invoices:create'>): Promise<InvoiceDetail> {
  return notBuilt('createInvoice');
}
export async function finalizeInvoice(_b: BillingContext, _id: string): Promise<InvoiceDetail> {
  return notBuilt('finalizeInvoice');
}
export async function voidInvoice(_b: BillingContext, _id: string, _reason: string): Promise<InvoiceDetail> {
  return notBuilt('voidInvoice');
}
export async function recordPayment(_b: BillingContext, _input: ChannelParsedInput<'invoices:recordPayment'>): Promise<InvoiceDetail> {
  return notBuilt('recordPayment');
}
export async function writeInvoicePdf(_b: BillingContext, _id: string): Promise<InvoicePdf> {
  return notBuilt('writeInvoicePdf');
}
/** Manual mode: every paying tenant's invoice for each period that has ended (idempotent). */
export async function generateDueInvoices(_b: BillingContext): Promise<JobAction[]> {
  return notBuilt('generateDueInvoices');
}
/** What the tenant's next invoice will be, as far as is known now. */
export async function estimateNextInvoice(_b: BillingContext, _tenantId: string): Promise<{ date: string; estimatedCents: number; currency: string } | null> {
  return notBuilt('estimateNextInvoice');
}
