import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { JobRunReport } from '../../src-shared/contract/billing-models';
import type { Clock } from '../../src-main/billing/clock';
import { openConsoleCore, type ConsoleCore } from '../../src-main/app/console-core';
import { createSilentLogger } from '../../src-main/logging/logger';
import { call } from '../support/core-calls';

/** A console core like openTestCore's, with billing's clock injected (a ManualClock in the tests). */
export function openClockCore(url: string, platformDatabase: string, clock: Clock, cacheLabel = 'a'): Promise<ConsoleCore> {
  return openConsoleCore({
    platformDatabase,
    mode: 'cli',
    databaseUrl: url,
    dataDir: inject('embeddedDataDir'),
    cacheFile: `${inject('embeddedDataDir')}/cache-${platformDatabase}-${cacheLabel}.sqlite`,
    logger: createSilentLogger(),
    reconcileOnStart: false,
    clock,
  });
}

export async function useSmtp(core: ConsoleCore, port: number | null): Promise<void> {
  await call(core, 'billing:updateSettings', {
    smtp: { host: port === null ? null : '127.0.0.1', port: port ?? 587, secure: false, username: null, from: port === null ? null : 'Your ERP Billing <billing@yourerp.test>' },
  });
}

/** A run's errors (every step is built now: none is expected in these scenarios). */
export function realErrors(report: JobRunReport): JobRunReport['errors'] {
  return report.errors;
}

export const actionsFor = (report: JobRunReport, tenantCode: string) => report.actions.filter((action) => action.tenantCode === tenantCode).map((action) => action.kind);

export interface BillingRow {
  id: string;
  status: string;
  version: number;
  plan_code: string;
  state: string;
  grace_reason: string | null;
  grace_ends_at: Date | null;
  suspended_by_billing: boolean;
  current_period_start: Date | null;
  payment_method_present: boolean;
}

export async function billingRow(core: ConsoleCore, tenantCode: string): Promise<BillingRow> {
  const { rows } = await core.platform.pool.query<BillingRow>(
    `SELECT t.id, t.status, t.version, t.plan_code, tb.state, tb.grace_reason, tb.grace_ends_at, tb.suspended_by_billing, tb.current_period_start, tb.payment_method_present
       FROM tenants t JOIN tenant_billing tb ON tb.tenant_id = t.id WHERE t.tenant_code = $1`,
    [tenantCode],
  );
  if (!rows[0]) throw new Error(`no billing row for ${tenantCode}`);
  return rows[0];
}

/**
 * An open manual invoice, straight in with SQL: the invoicing helper's code is not on this
 * branch. Numbered in a series of its own so it never takes a number from the real one.
 */
export async function insertOpenInvoice(core: ConsoleCore, tenantId: string, dueAt: Date, totalCents = 4900): Promise<string> {
  await core.platform.pool.query(`INSERT INTO invoice_sequences (series, next_number) VALUES ('TEST', 1) ON CONFLICT DO NOTHING`);
  const number = `TEST-${randomBytes(4).toString('hex').toUpperCase()}`;
  const { rows } = await core.platform.pool.query<{ id: string }>(
    `INSERT INTO invoices (tenant_id, source, series, sequence_number, number, state, currency, subtotal_cents, total_cents, issued_at, due_at, created_by)
     VALUES ($1, 'manual', 'TEST', (SELECT next_number FROM invoice_sequences WHERE series = 'TEST'), $2, 'open', 'USD', $3, $3, $4::timestamptz - interval '14 days', $4, 'test')
     RETURNING id`,
    [tenantId, number, totalCents, dueAt],
  );
  await core.platform.pool.query(`UPDATE invoice_sequences SET next_number = next_number + 1 WHERE series = 'TEST'`);
  return rows[0]!.id;
}

export async function markInvoicePaid(core: ConsoleCore, invoiceId: string, paidAt: Date): Promise<void> {
  await core.platform.pool.query(`UPDATE invoices SET state = 'paid', amount_paid_cents = total_cents, paid_at = $2 WHERE id = $1`, [invoiceId, paidAt]);
}
