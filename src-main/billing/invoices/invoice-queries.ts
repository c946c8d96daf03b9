import type pg from 'pg';
import type { InvoiceDetail, InvoicePage } from '../../../src-shared/contract/billing-models';
import type { ChannelParsedInput } from '../../../src-shared/contract/channels';
import { AppError } from '../../base/app-error';
import { findTenantRow } from '../../tenants/tenant-queries';
import type { BillingContext } from '../billing-context';
import { findInvoiceRow, INVOICE_SELECT, loadInvoiceDetail, toInvoiceSummary, type InvoiceRow } from './invoice-rows';

type Queryable = Pick<pg.ClientBase, 'query'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An invoice's id from its id or its number (INV-000042, any case); NOT_FOUND otherwise. */
export async function resolveInvoiceId(db: Queryable, ref: string): Promise<string> {
  const { rows } = UUID.test(ref)
    ? await db.query<{ id: string }>('SELECT id FROM invoices WHERE id = $1', [ref])
    : await db.query<{ id: string }>('SELECT id FROM invoices WHERE number = upper($1)', [ref]);
  if (!rows[0]) throw new AppError('NOT_FOUND', `No invoice ${ref}.`);
  return rows[0].id;
}

/** The invoice row by id or number, locked for the caller's transaction. */
export async function lockInvoice(db: Queryable, ref: string): Promise<InvoiceRow> {
  const row = await findInvoiceRow(db, await resolveInvoiceId(db, ref), true);
  if (!row) throw new AppError('NOT_FOUND', `No invoice ${ref}.`);
  return row;
}

export async function getInvoice(b: BillingContext, ref: string): Promise<InvoiceDetail> {
  const row = await findInvoiceRow(b.ctx.pool, await resolveInvoiceId(b.ctx.pool, ref));
  if (!row) throw new AppError('NOT_FOUND', `No invoice ${ref}.`);
  return loadInvoiceDetail(b.ctx.pool, row, b.clock.now());
}

/** Invoices, newest first, filtered by tenant, state and overdue (open past its due date by the billing clock). */
export async function listInvoices(b: BillingContext, input: ChannelParsedInput<'invoices:list'>): Promise<InvoicePage> {
  const now = b.clock.now();
  const where: string[] = [];
  const params: unknown[] = [];
  if (input.ref) {
    const tenant = await findTenantRow(b.ctx.pool, input.ref);
    if (!tenant) throw new AppError('NOT_FOUND', `No tenant ${input.ref}.`);
    params.push(tenant.id);
    where.push(`i.tenant_id = $${params.length}`);
  }
  if (input.state && input.state.length > 0) {
    params.push(input.state);
    where.push(`i.state = ANY($${params.length}::text[])`);
  }
  if (input.overdueOnly) {
    params.push(now);
    where.push(`i.state = 'open' AND i.due_at < $${params.length}`);
  }
  const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const count = await b.ctx.pool.query<{ total: number }>(`SELECT count(*)::int AS total FROM invoices i ${filter}`, params);
  const { rows } = await b.ctx.pool.query<InvoiceRow>(
    `${INVOICE_SELECT} ${filter}
      ORDER BY i.created_at DESC, i.id DESC
      LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, input.limit, input.offset],
  );
  return { rows: rows.map((row) => toInvoiceSummary(row, now)), total: count.rows[0]?.total ?? 0 };
}
