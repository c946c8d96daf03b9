/**
 * Manual invoicing, as the handlers and the lifecycle job use it. The work lives in one
 * file per concern: numbering, drafts, periodic generation, queries, actions, payments,
 * PDF, estimate.
 */
export { createInvoice, finalizeInvoice, voidInvoice } from './invoice-actions';
export { estimateNextInvoice, type NextInvoiceEstimate } from './invoice-estimate';
export { generateDueInvoices, selectDueTenants, type GenerateOptions } from './invoice-generation';
export { takeInvoiceNumber, formatInvoiceNumber } from './invoice-numbering';
export { recordPayment } from './invoice-payments';
export { renderInvoicePdf, writeInvoicePdf } from './invoice-pdf';
export { getInvoice, listInvoices } from './invoice-queries';
