import type pg from 'pg';
import type { InvoiceLine, JobAction } from '../../../src-shared/contract/billing-models';
import type { PricingModel } from '../../../src-shared/domain/pricing';
import type { AuditEntry } from '../../audit/audit-log';
import { isAppError } from '../../base/app-error';
import { inTransaction } from '../../postgres/pools';
import type { BillingContext } from '../billing-context';
import { readStoredBillingSettings } from '../billing-settings';
import { finalizeLockedDraft, insertDraft, invoiceTotals } from './invoice-drafts';
import { formatMoney } from './money';
import { BILLED_STATES, invoiceDuePeriodsInBulk, MAX_PERIODS_PER_RUN, PERIODIC_INVOICE_CREATOR } from './bulk-period-invoicing';
import { periodChargeLines } from './period-charges';

type Queryable = Pick<pg.ClientBase, 'query'>;
type StoredSettings = Awaited<ReturnType<typeof readStoredBillingSettings>>;

export { BILLED_STATES, PERIODIC_INVOICE_CREATOR };

interface DueTenant {
  readonly tenantId: string;
  readonly tenantCode: string;
}

/** The due-tenant query ($1 = the clock's now, $2 = the billed states); exported so a test can EXPLAIN it. */
export const DUE_TENANTS_SQL = `
  SELECT tb.tenant_id, t.tenant_code
    FROM tenant_billing tb
    JOIN tenants t ON t.id = tb.tenant_id
    JOIN plans p ON p.code = t.plan_code AND p.version = t.plan_version
   WHERE tb.current_period_end <= $1
     AND tb.state = ANY($2::text[])
     AND p.billed_each_period
     AND t.status <> 'deleted'
   ORDER BY tb.current_period_end, t.tenant_code`;

/**
 * The tenants with a paid period that has ended by `now`: one query on the
 * tenant_billing_period_end index, so a run over a large fleet with nothing due costs one
 * index probe.
 */
export async function selectDueTenants(db: Queryable, now: Date): Promise<DueTenant[]> {
  const { rows } = await db.query<{ tenant_id: string; tenant_code: string }>(DUE_TENANTS_SQL, [now, BILLED_STATES]);
  return rows.map((row) => ({ tenantId: row.tenant_id, tenantCode: row.tenant_code }));
}

export interface GenerateOptions {
  /**
   * A tenant whose invoicing failed (its transaction rolled back; the next run retries it).
   * Without it, the other tenants are still invoiced and the first error is thrown at the end.
   */
  readonly onError?: (tenantCode: string, error: unknown) => void;
  /** The set-based transaction failed and was rolled back; the per-tenant path runs instead. */
  readonly onFallback?: (error: unknown) => void;
}

/**
 * Manual mode: for every tenant whose paid period has ended, the invoice for that period
 * (in arrears), then the period rolled forward — repeated while periods remain. Set-based
 * first (invoiceDuePeriodsInBulk: the whole fleet in one transaction and a fixed number of
 * statements per period); if that transaction fails, nothing of it stays and the run falls
 * back to the per-tenant path, which isolates the failing tenant (onError) and invoices the
 * others. Idempotent either way: the billing rows are locked and the periods rolled in the
 * invoices' transaction, and (tenant, period_start) is unique, so two runners at once never
 * make two invoices. Stripe mode: Stripe invoices, nothing to do here.
 */
export async function generateDueInvoices(b: BillingContext, options: GenerateOptions = {}): Promise<JobAction[]> {
  const settings = await readStoredBillingSettings(b.ctx.pool);
  if (settings.mode !== 'manual') return [];
  const now = b.clock.now();
  let invoiced: Awaited<ReturnType<typeof invoiceDuePeriodsInBulk>>;
  try {
    invoiced = await invoiceDuePeriodsInBulk(b.ctx.pool, settings, now);
  } catch (error) {
    b.ctx.logger.warn({ err: error }, 'set-based periodic invoicing failed (rolled back): invoicing tenant by tenant');
    options.onFallback?.(error);
    return generateDueInvoicesPerTenant(b, options);
  }
  // The invoices are committed: one audit event each, appended together (one group commit).
  await Promise.all(
    invoiced.map(({ tenantCode, action }) =>
      auditQuietly(b, { action: 'invoices:generate', tenant: tenantCode, details: { kind: action.kind, invoice: action.detail, clockAt: now.toISOString() }, outcome: 'ok' }),
    ),
  );
  return invoiced.map(({ action }) => action);
}

/**
 * The per-tenant path: one transaction per tenant and period (lock, usage, draft, number,
 * roll). The fallback of generateDueInvoices, and the benchmark's baseline.
 */
export async function generateDueInvoicesPerTenant(b: BillingContext, options: GenerateOptions = {}): Promise<JobAction[]> {
  const settings = await readStoredBillingSettings(b.ctx.pool);
  if (settings.mode !== 'manual') return [];
  const now = b.clock.now();
  const actions: JobAction[] = [];
  let firstError: unknown = null;
  for (const tenant of await selectDueTenants(b.ctx.pool, now)) {
    try {
      // Bounded: a tenant decades behind stops here and continues on the next run.
      for (let period = 0; period < MAX_PERIODS_PER_RUN; period += 1) {
        const outcome = await invoiceOnePeriod(b.ctx.pool, tenant.tenantId, settings, now);
        if (outcome === 'nothing-due') break;
        if (outcome) {
          actions.push(outcome);
          await auditQuietly(b, { action: 'invoices:generate', tenant: tenant.tenantCode, details: { kind: outcome.kind, invoice: outcome.detail, clockAt: now.toISOString() }, outcome: 'ok' });
        }
      }
    } catch (error) {
      b.ctx.logger.error({ err: error, tenantCode: tenant.tenantCode }, 'periodic invoice failed');
      await auditQuietly(b, { action: 'invoices:generate', tenant: tenant.tenantCode, details: { message: (error as Error).message }, outcome: isAppError(error) ? error.code : 'INTERNAL' });
      if (options.onError) options.onError(tenant.tenantCode, error);
      else firstError ??= error;
    }
  }
  if (firstError) throw firstError;
  return actions;
}

interface BillingRow {
  state: string;
  tenant_code: string;
  tenant_status: string;
  period_start: Date | null;
  period_end: Date | null;
  plan_code: string;
  plan_version: number;
  plan_name: string;
  price_cents: number | null;
  currency: string | null;
  billing_interval: string;
  max_transactions_per_month: number | null;
  overage_price_cents: number | null;
  pricing_model: PricingModel;
  unit_price_cents: number | null;
  included_units: number;
  billed_each_period: boolean;
}

/**
 * One period of one tenant, in one transaction: the action taken, null when the period was
 * already invoiced (only rolled), or 'nothing-due'.
 */
async function invoiceOnePeriod(pool: pg.Pool, tenantId: string, settings: StoredSettings, now: Date): Promise<JobAction | null | 'nothing-due'> {
  return inTransaction(pool, async (client) => {
    // The lock: a second runner waits here, then sees the period already rolled.
    const { rows } = await client.query<BillingRow>(
      `SELECT tb.state, t.tenant_code, t.status AS tenant_status, tb.current_period_start AS period_start, tb.current_period_end AS period_end,
              t.plan_code, t.plan_version, p.name AS plan_name, p.price_cents, p.currency, p.billing_interval,
              p.max_transactions_per_month, p.overage_price_cents, p.pricing_model, p.unit_price_cents, p.included_units,
              p.billed_each_period
         FROM tenant_billing tb
         JOIN tenants t ON t.id = tb.tenant_id
         JOIN plans p ON p.code = t.plan_code AND p.version = t.plan_version
        WHERE tb.tenant_id = $1
          FOR UPDATE OF tb`,
      [tenantId],
    );
    const row = rows[0];
    const due =
      row &&
      BILLED_STATES.includes(row.state) &&
      row.tenant_status !== 'deleted' &&
      row.billed_each_period &&
      row.period_end !== null &&
      row.period_end.getTime() <= now.getTime();
    if (!due || !row.period_end) return 'nothing-due';

    const interval = row.billing_interval === 'year' ? '1 year' : '1 month';
    const periodEnd = row.period_end;
    const periodStart = row.period_start ?? (await shiftByInterval(client, periodEnd, interval, -1));
    const currency = row.currency ?? settings.currency;

    const pending = await client.query<{ id: string; kind: 'proration' | 'adjustment'; description: string; amount_cents: number }>(
      `SELECT id, kind, description, amount_cents FROM billing_pending_items
        WHERE tenant_id = $1 AND invoice_id IS NULL ORDER BY created_at, id FOR UPDATE`,
      [tenantId],
    );
    const lines: InvoiceLine[] = [
      ...(await periodChargeLines(client, tenantId, row, periodStart, periodEnd)),
      ...pending.rows.map((item): InvoiceLine => ({ kind: item.kind, description: item.description, quantity: 1, unitCents: Number(item.amount_cents), amountCents: Number(item.amount_cents) })),
    ];

    const invoiceId = await insertDraft(client, {
      tenantId,
      currency,
      taxRatePercent: settings.taxRatePercent,
      lines,
      periodStart,
      periodEnd,
      planCode: row.plan_code,
      planVersion: row.plan_version,
      createdBy: PERIODIC_INVOICE_CREATOR,
    });
    // The period rolls forward either way, in this same transaction: never invoiced twice.
    await client.query(
      `UPDATE tenant_billing
          SET current_period_start = current_period_end,
              current_period_end = ((current_period_end AT TIME ZONE 'UTC') + $2::interval) AT TIME ZONE 'UTC',
              updated_at = now()
        WHERE tenant_id = $1`,
      [tenantId, interval],
    );
    // Already invoiced (e.g. the period was set back by hand): nothing new, the pending items wait.
    if (!invoiceId) return null;
    if (pending.rows.length > 0) {
      await client.query('UPDATE billing_pending_items SET invoice_id = $1 WHERE id = ANY($2::uuid[])', [invoiceId, pending.rows.map((item) => item.id)]);
    }

    const amount = formatMoney(invoiceTotals(lines, settings.taxRatePercent).total, currency);
    if (!settings.autoFinalize) {
      return { kind: 'invoice_drafted', tenantCode: row.tenant_code, detail: `draft ${day(periodStart)} – ${day(periodEnd)} ${amount}` };
    }
    // Last in the transaction: the sequence row stays locked only until the commit just after.
    const number = await finalizeLockedDraft(client, invoiceId, settings.invoiceSeries, now, settings.invoiceDueDays);
    return { kind: 'invoice_issued', tenantCode: row.tenant_code, detail: `${number.number} ${amount}` };
  });
}

/** The invoice is committed whatever the audit log says: a refused audit is logged, not thrown. */
async function auditQuietly(b: BillingContext, entry: AuditEntry): Promise<void> {
  try {
    await b.audit.record(entry);
  } catch (error) {
    b.ctx.logger.warn({ err: error, action: entry.action }, 'periodic invoice not audited');
  }
}

async function shiftByInterval(db: Queryable, at: Date, interval: string, direction: 1 | -1): Promise<Date> {
  const { rows } = await db.query<{ at: Date }>(
    `SELECT ((($1::timestamptz) AT TIME ZONE 'UTC') + $2::int * $3::interval) AT TIME ZONE 'UTC' AS at`,
    [at, direction, interval],
  );
  return rows[0]!.at;
}

const day = (at: Date): string => at.toISOString().slice(0, 10);
