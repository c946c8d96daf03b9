import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { InvoiceDetail, InvoicePdf } from '../../../src-shared/contract/billing-models';
import { AppError } from '../../base/app-error';
import { createAtomicFile } from '../../backup/atomic-file';
import type { BillingContext } from '../billing-context';
import { readStoredBillingSettings } from '../billing-settings';
import { getInvoice } from './invoice-queries';
import { formatMoney } from './money';

export interface InvoiceParty {
  readonly name: string;
  readonly address: string;
}

export interface BillTo {
  readonly companyName: string;
  readonly adminEmail: string;
  readonly tenantCode: string;
}

export interface RenderOptions {
  /** false writes readable content streams (smaller PDFs are compressed; the text is the same). */
  readonly compress?: boolean;
}

const STAMPS: Partial<Record<InvoiceDetail['state'], { text: string; color: string }>> = {
  draft: { text: 'DRAFT', color: '#9aa0a6' },
  paid: { text: 'PAID', color: '#2f9e44' },
  void: { text: 'VOID', color: '#e03131' },
  uncollectible: { text: 'UNCOLLECTIBLE', color: '#e03131' },
};

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '—');

/** The file name of an invoice's PDF: its number, or draft-<id> while it has none. */
export function invoicePdfName(invoice: Pick<InvoiceDetail, 'number' | 'id'>): string {
  return `${invoice.number ?? `draft-${invoice.id}`}.pdf`;
}

/**
 * An A4 invoice with pdfkit's built-in Helvetica (no font files to ship): seller, bill-to,
 * number and dates, the lines, subtotal, tax, total, paid and due, and a stamp for
 * drafts, paid and void invoices.
 */
export async function renderInvoicePdf(invoice: InvoiceDetail, seller: InvoiceParty, billTo: BillTo, options: RenderOptions = {}): Promise<Buffer> {
  // Loaded on first use: pdfkit is large and most processes never write a PDF.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    compress: options.compress ?? true,
    // The stamp goes on the first page after the lines may have run onto more pages.
    bufferPages: true,
    info: {
      Title: invoice.number ? `Invoice ${invoice.number}` : 'Draft invoice',
      Author: seller.name,
      // Fixed to the invoice, so the same invoice renders the same document.
      CreationDate: new Date(invoice.issuedAt ?? invoice.createdAt),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = once(doc, 'end');

  const left = 50;
  const right = doc.page.width - 50;
  const width = right - left;
  const money = (cents: number) => formatMoney(cents, invoice.currency);

  // Header: seller on the left, the invoice's identity on the right.
  doc.font('Helvetica-Bold').fontSize(16).text(seller.name, left, 50, { width: width / 2 });
  doc.font('Helvetica').fontSize(9).fillColor('#444444');
  if (seller.address.trim()) doc.text(seller.address, { width: width / 2 });
  doc.fillColor('#000000');
  doc.font('Helvetica-Bold').fontSize(20).text(invoice.number ? 'INVOICE' : 'DRAFT INVOICE', left + width / 2, 50, { width: width / 2, align: 'right' });
  doc.font('Helvetica').fontSize(10);
  const facts: [string, string][] = [
    ['Number', invoice.number ?? '(not yet numbered)'],
    ['Issued', day(invoice.issuedAt)],
    ['Due', day(invoice.dueAt)],
  ];
  if (invoice.periodStart) facts.push(['Period', `${day(invoice.periodStart)} – ${day(invoice.periodEnd)}`]);
  facts.push(['Currency', invoice.currency]);
  for (const [name, value] of facts) doc.text(`${name}: ${value}`, left + width / 2, undefined, { width: width / 2, align: 'right' });

  // Bill to.
  let y = Math.max(doc.y, 150) + 20;
  doc.font('Helvetica-Bold').fontSize(10).text('Bill to', left, y);
  doc.font('Helvetica').text(billTo.companyName).text(billTo.adminEmail).text(`Tenant ${billTo.tenantCode}`);

  // Lines.
  y = doc.y + 25;
  const columns = { description: left, quantity: left + width * 0.55, unit: left + width * 0.68, amount: left + width * 0.84 };
  const tableHeader = () => {
    doc.font('Helvetica-Bold').fontSize(9);
    doc.text('Description', columns.description, y, { width: width * 0.53 });
    doc.text('Qty', columns.quantity, y, { width: width * 0.11, align: 'right' });
    doc.text('Unit', columns.unit, y, { width: width * 0.14, align: 'right' });
    doc.text('Amount', columns.amount, y, { width: width * 0.16, align: 'right' });
    y += 14;
    doc.moveTo(left, y).lineTo(right, y).strokeColor('#999999').stroke();
    y += 6;
    doc.font('Helvetica').fontSize(9);
  };
  tableHeader();
  for (const line of invoice.lines) {
    const height = Math.max(12, doc.heightOfString(line.description, { width: width * 0.53 }));
    if (y + height > doc.page.height - 60) {
      doc.addPage();
      y = 50;
      tableHeader();
    }
    doc.text(line.description, columns.description, y, { width: width * 0.53 });
    doc.text(line.quantity.toLocaleString('en-US'), columns.quantity, y, { width: width * 0.11, align: 'right' });
    doc.text(money(line.unitCents), columns.unit, y, { width: width * 0.14, align: 'right' });
    doc.text(money(line.amountCents), columns.amount, y, { width: width * 0.16, align: 'right' });
    y += height + 6;
  }
  doc.moveTo(left, y).lineTo(right, y).strokeColor('#999999').stroke();
  y += 10;

  // Totals (kept together: a new page when they would not fit).
  if (y + 100 > doc.page.height - 60) {
    doc.addPage();
    y = 50;
  }
  const totals: [string, string, boolean][] = [
    ['Subtotal', money(invoice.subtotalCents), false],
    [`Tax (${invoice.taxRatePercent}%)`, money(invoice.taxCents), false],
    ['Total', money(invoice.totalCents), true],
    ['Amount paid', money(invoice.amountPaidCents), false],
    ['Amount due', money(invoice.state === 'void' ? 0 : invoice.totalCents - invoice.amountPaidCents), true],
  ];
  for (const [name, value, bold] of totals) {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(10);
    doc.text(name, left + width * 0.5, y, { width: width * 0.3, align: 'right' });
    doc.text(value, left + width * 0.8, y, { width: width * 0.2, align: 'right' });
    y += 16;
  }
  if (invoice.payments.length > 0) {
    y += 10;
    doc.font('Helvetica-Bold').fontSize(9).text('Payments', left, y);
    doc.font('Helvetica');
    for (const payment of invoice.payments) {
      doc.text(`${day(payment.receivedAt)}  ${money(payment.amountCents)}  ${payment.method}${payment.reference ? ` (${payment.reference})` : ''}`);
    }
  }
  if (invoice.state === 'void' && invoice.voidReason) {
    doc.moveDown().font('Helvetica-Oblique').fontSize(9).text(`Voided ${day(invoice.voidedAt)}: ${invoice.voidReason}`, left);
  }

  // The state stamp, drawn last on the first page, across the header.
  const stamp = STAMPS[invoice.state];
  if (stamp) {
    doc.switchToPage(0);
    doc.save();
    doc.rotate(-20, { origin: [doc.page.width / 2, 260] });
    doc.font('Helvetica-Bold').fontSize(64).fillColor(stamp.color).opacity(0.35);
    doc.text(stamp.text, 0, 230, { width: doc.page.width, align: 'center', lineBreak: false });
    doc.restore();
  }
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

/** Writes the invoice's PDF atomically to <dataDir>/invoices/<number or draft-id>.pdf (replacing an older copy). */
export async function writeInvoicePdf(b: BillingContext, ref: string, options: RenderOptions = {}): Promise<InvoicePdf> {
  const invoice = await getInvoice(b, ref);
  const settings = await readStoredBillingSettings(b.ctx.pool);
  const { rows } = await b.ctx.pool.query<{ admin_email: string }>('SELECT admin_email FROM tenants WHERE tenant_code = $1', [invoice.tenantCode]);
  if (!rows[0]) throw new AppError('NOT_FOUND', `The tenant of ${invoice.number ?? invoice.id} is gone.`);
  const pdf = await renderInvoicePdf(invoice, settings.seller, { companyName: invoice.companyName, adminEmail: rows[0].admin_email, tenantCode: invoice.tenantCode }, options);
  const folder = join(b.dataDir, 'invoices');
  await mkdir(folder, { recursive: true });
  const path = join(folder, invoicePdfName(invoice));
  const file = await createAtomicFile(path, randomBytes(4).toString('hex'));
  try {
    file.stream.end(pdf);
    await file.commit();
  } catch (error) {
    await file.abort();
    throw error;
  }
  return { path, bytes: pdf.length, number: invoice.number };
}
