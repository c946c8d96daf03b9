import { describe, expect, it } from 'vitest';
import type { JobAction } from '../../src-shared/contract/billing-models';
import type { BillingContext } from '../../src-main/billing/billing-context';
import { readStoredBillingSettings } from '../../src-main/billing/billing-settings';
import { ManualClock } from '../../src-main/billing/clock';
import { invoiceDuePeriodsInBulk } from '../../src-main/billing/invoices/bulk-period-invoicing';
import { generateDueInvoices, generateDueInvoicesPerTenant } from '../../src-main/billing/invoices/invoice-generation';
import { call } from '../support/core-calls';
import { embeddedTarget, useTestPlatform } from '../support/servers';

/**
 * The set-based invoicing run against the per-tenant one on the same random fleet: every
 * pricing model (monthly and yearly), overage, tenants several periods behind or without a
 * period start, pending charges and credits, a period already invoiced by hand, tax rounding
 * — the invoices, their lines and numbers, the rolled periods, the attached items, the
 * actions and the audit events must be the same. Then a failure inside the set-based
 * transaction: nothing of it stays, and the fallback invoices everyone else.
 */

/** A pseudo-random 0 … below-1 per usage row (g) and tenant ($2), in SQL. */
const hash = (factor: number, below: number) => `mod(abs(hashint4((s.g * ${factor} + $2::int)::int)::bigint), ${below})`;

/** mulberry32: a small seeded PRNG, so a failure replays. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 4242;
const TENANTS = 60;
const NOW = '2027-06-10T08:00:00.000Z';

const PLANS = [
  { code: 'bk-seats', model: 'per_user', price: 0, unit: 1_250, included: 2, interval: 'month', limit: 500, overage: 3 },
  { code: 'bk-comp', model: 'per_company', price: 0, unit: 40_000, included: 1, interval: 'year', limit: null, overage: null },
  { code: 'bk-tx', model: 'per_transaction', price: 0, unit: 2, included: 300, interval: 'month', limit: null, overage: null },
  { code: 'bk-base', model: 'base_plus_usage', price: 9_900, unit: 1, included: 1_000, interval: 'month', limit: null, overage: null },
  { code: 'bk-flat', model: 'flat', price: 4_900, unit: null, included: 0, interval: 'month', limit: 400, overage: 5 },
] as const;

describe('set-based periodic invoicing', () => {
  const platform = useTestPlatform({ name: 'embedded PostgreSQL', target: embeddedTarget, skip: false }, 'invbulk');
  const clock = new ManualClock(NOW);
  const billing = (): BillingContext => ({ ...platform.core.billing, clock });
  const sql = <R extends object = Record<string, unknown>>(text: string, params: unknown[] = []) => platform.core.platform.pool.query<R>(text, params);

  /** Registry tenants with random plans, periods, usage and pending items; returns their codes. */
  async function seedFleet(prefix: string, seed: number): Promise<string[]> {
    const random = prng(seed);
    const int = (max: number) => Math.floor(random() * (max + 1));
    const codes: string[] = [];
    for (let index = 0; index < TENANTS; index += 1) {
      const code = `${prefix}${String(index).padStart(4, '0')}`;
      const plan = PLANS[index % PLANS.length]!;
      codes.push(code);
      const { rows } = await sql<{ id: string }>(
        `INSERT INTO tenants (tenant_code, company_name, subdomain, admin_email, plan_code, plan_version, status, server_id, database_name, db_role)
         VALUES ($1, $1, lower($1), lower($1) || '@example.com', $2, 1, 'active', (SELECT id FROM servers WHERE is_primary), 'bk_' || lower($1), 'bk_' || lower($1) || '_app')
         RETURNING id`,
        [code, plan.code],
      );
      const id = rows[0]!.id;
      // Periods ending 1–3 intervals ago (some on the 31st, some without a start), or not yet due.
      const behind = int(3);
      const endDay = ['2027-06-01T00:00:00Z', '2027-05-31T06:00:00Z', '2027-06-09T00:00:00Z'][int(2)]!;
      const end = `(timestamptz '${endDay}' AT TIME ZONE 'UTC' - interval '${plan.interval === 'year' ? Math.min(behind, 1) : behind} ${plan.interval}') AT TIME ZONE 'UTC'`;
      const start = random() < 0.2 ? 'NULL' : `(${end} AT TIME ZONE 'UTC' - interval '1 ${plan.interval}') AT TIME ZONE 'UTC'`;
      await sql(
        `INSERT INTO tenant_billing (tenant_id, state, current_period_start, current_period_end) VALUES ($1, $2, ${start}, ${end})
         ON CONFLICT (tenant_id) DO UPDATE SET state = EXCLUDED.state, current_period_start = EXCLUDED.current_period_start, current_period_end = EXCLUDED.current_period_end`,
        [id, random() < 0.85 ? 'active' : 'past_due'],
      );
      // Daily usage over the last ~16 months, every few days; some tenants have none.
      if (random() < 0.9) {
        await sql(
          `INSERT INTO tenant_usage (tenant_id, usage_date, companies, users_total, month_start, transactions_month, transactions_delta)
           SELECT $1, d::date, 1 + ${hash(1, 4)}, ${hash(7, 25)}, date_trunc('month', d)::date, ${hash(13, 900)}, ${hash(3, 120)}
             FROM generate_series(timestamptz '2026-02-01', timestamptz '2027-06-09', interval '${1 + int(4)} days') WITH ORDINALITY AS s(d, g)`,
          [id, seed + index],
        );
      }
      for (let item = int(2); item > 0; item -= 1) {
        await sql(`INSERT INTO billing_pending_items (tenant_id, kind, description, amount_cents, created_by, created_at) VALUES ($1, $2, $3, $4, 'test', now() - $5 * interval '1 minute')`, [
          id,
          random() < 0.5 ? 'proration' : 'adjustment',
          `Item ${item} of ${code}`,
          random() < 0.3 ? -int(20_000) : int(5_000),
          int(100),
        ]);
      }
      // A period invoiced already (by hand): no second invoice for it, its items wait for the next one.
      if (random() < 0.1) {
        await sql(
          `INSERT INTO invoices (tenant_id, source, state, currency, period_start, period_end, created_by)
           SELECT $1, 'manual', 'draft', 'USD', coalesce(current_period_start, (current_period_end AT TIME ZONE 'UTC' - interval '1 ${plan.interval}') AT TIME ZONE 'UTC'), current_period_end, 'by-hand'
             FROM tenant_billing WHERE tenant_id = $1`,
          [id],
        );
      }
    }
    await sql('ANALYZE tenant_usage');
    return codes;
  }

  /** Everything a run leaves behind, in a form that does not depend on ids or wall-clock time. */
  async function snapshot(prefix: string): Promise<unknown> {
    const invoices = await sql(
      `SELECT t.tenant_code, i.number, i.series, i.sequence_number, i.state, i.currency, i.period_start, i.period_end, i.plan_code, i.plan_version,
              i.subtotal_cents, i.tax_rate_percent, i.tax_cents, i.total_cents, i.issued_at, i.due_at, i.paid_at, i.created_by,
              (SELECT json_agg(json_build_array(l.position, l.kind, l.description, l.quantity, l.unit_cents, l.amount_cents) ORDER BY l.position)
                 FROM invoice_lines l WHERE l.invoice_id = i.id) AS lines,
              (SELECT json_agg(p.description ORDER BY p.description) FROM billing_pending_items p WHERE p.invoice_id = i.id) AS items
         FROM invoices i JOIN tenants t ON t.id = i.tenant_id
        WHERE t.tenant_code LIKE $1
        ORDER BY t.tenant_code, i.period_start, i.created_by`,
      [`${prefix}%`],
    );
    const periods = await sql(
      `SELECT t.tenant_code, tb.current_period_start, tb.current_period_end FROM tenant_billing tb JOIN tenants t ON t.id = tb.tenant_id
        WHERE t.tenant_code LIKE $1 ORDER BY t.tenant_code`,
      [`${prefix}%`],
    );
    const waiting = await sql(
      `SELECT p.description FROM billing_pending_items p JOIN tenants t ON t.id = p.tenant_id WHERE t.tenant_code LIKE $1 AND p.invoice_id IS NULL ORDER BY 1`,
      [`${prefix}%`],
    );
    return { invoices: invoices.rows, periods: periods.rows, waiting: waiting.rows };
  }

  async function auditedInvoices(codes: string[]): Promise<string[]> {
    const details: string[] = [];
    for (const code of codes) {
      const page = await call(platform.core, 'audit:list', { source: 'local', action: 'invoices:generate', tenant: code });
      details.push(...page.rows.map((event) => `${event.outcome} ${(JSON.parse(event.details) as { invoice: string }).invoice}`));
    }
    return details.sort();
  }

  /** Both paths on two identical fleets (same seed), each numbered from 1 in a series of its own. */
  async function compareOn(autoFinalize: boolean, label: string): Promise<void> {
    const run = async (prefix: string, series: string, path: 'per-tenant' | 'set-based') => {
      await call(platform.core, 'billing:updateSettings', { invoiceSeries: series, taxRatePercent: 12.5, invoiceDueDays: 21, autoFinalize });
      const codes = await seedFleet(prefix, SEED);
      let fellBack = false;
      const actions: JobAction[] =
        path === 'per-tenant' ? await generateDueInvoicesPerTenant(billing()) : await generateDueInvoices(billing(), { onFallback: () => (fellBack = true) });
      expect(fellBack).toBe(false);
      // Numbers differ only by the series' name.
      const plain = (text: string) => text.replaceAll(`${series}-`, 'N-');
      const state = JSON.parse(plain(JSON.stringify(await snapshot(prefix))).replaceAll(`"${prefix}`, '"X').replaceAll(`of ${prefix}`, 'of X')) as unknown;
      return { actions: actions.map((action) => plain(`${action.kind} ${(action.tenantCode ?? "").slice(prefix.length)} ${action.detail}`)), state, audit: (await auditedInvoices(codes)).map(plain) };
    };
    const perTenant = await run(`${label}A`, `${label}A`, 'per-tenant');
    const setBased = await run(`${label}B`, `${label}B`, 'set-based');
    expect(perTenant.actions.length).toBeGreaterThan(TENANTS / 2);
    // The fleet covers what the comparison is about: every line kind, tenants several periods
    // behind, a period already invoiced by hand, and (finalized) invoices paid as issued.
    const invoices = (perTenant.state as { invoices: { tenant_code: string; state: string; created_by: string; lines: [number, string][] | null }[] }).invoices;
    expect(new Set(invoices.flatMap((invoice) => (invoice.lines ?? []).map((line) => line[1])))).toEqual(new Set(['plan', 'usage', 'overage', 'proration', 'adjustment']));
    expect(invoices.length).toBeGreaterThan(new Set(invoices.map((invoice) => invoice.tenant_code)).size);
    expect(invoices.some((invoice) => invoice.created_by === 'by-hand')).toBe(true);
    if (autoFinalize) expect(invoices.some((invoice) => invoice.state === 'paid')).toBe(true);
    expect(setBased.actions).toEqual(perTenant.actions);
    expect(setBased.state).toEqual(perTenant.state);
    expect(setBased.audit).toEqual(perTenant.audit);
    // And a rerun makes nothing new.
    expect(await generateDueInvoices(billing())).toEqual([]);
  }

  it('makes the same invoices, lines, numbers, periods, actions and audit events as the per-tenant path', async () => {
    for (const [index, plan] of PLANS.entries()) {
      await sql(
        `INSERT INTO plans (code, version, name, price_cents, billing_interval, max_companies, max_users_per_company, max_transactions_per_month,
                            overage_price_cents, support_level, sort_order, pricing_model, unit_price_cents, included_units)
         VALUES ($1, 1, $1, $2, $3, NULL, NULL, $4, $5, 'email', $6, $7, $8, $9)`,
        [plan.code, plan.price, plan.interval, plan.limit, plan.overage, 30 + index, plan.model, plan.unit, plan.included],
      );
    }
    await compareOn(true, 'BF');
    await compareOn(false, 'BD');
  });

  it('leaves nothing half-made when the set-based transaction fails, then invoices all but the failing tenant', async () => {
    await call(platform.core, 'billing:updateSettings', { invoiceSeries: 'BXF', taxRatePercent: 0, autoFinalize: true });
    const codes = await seedFleet('BX', SEED + 1);
    const poisoned = codes[7]!;
    const before = await snapshot('BX');
    const sequence = async () => (await sql<{ next: string }>(`SELECT next_number::text AS next FROM invoice_sequences WHERE series = 'BXF'`)).rows[0]?.next ?? null;
    const sequenceBefore = await sequence();
    await sql(`
      CREATE FUNCTION test_refuse_invoice() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.tenant_id = (SELECT id FROM tenants WHERE tenant_code = '${poisoned}') THEN RAISE EXCEPTION 'injected failure for ${poisoned}'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_refuse_invoice BEFORE INSERT ON invoices FOR EACH ROW EXECUTE FUNCTION test_refuse_invoice();`);
    try {
      const settings = await readStoredBillingSettings(platform.core.platform.pool);
      await expect(invoiceDuePeriodsInBulk(platform.core.platform.pool, settings, clock.now())).rejects.toThrow(`injected failure for ${poisoned}`);
      expect(await snapshot('BX')).toEqual(before);
      expect(await sequence()).toBe(sequenceBefore);

      const failed: string[] = [];
      let fellBack = false;
      const actions = await generateDueInvoices(billing(), { onError: (code) => failed.push(code), onFallback: () => (fellBack = true) });
      expect(fellBack).toBe(true);
      expect(failed).toEqual([poisoned]);
      expect(actions.length).toBeGreaterThan(0);
      expect(actions.some((action) => action.tenantCode === poisoned)).toBe(false);
      // Gapless: exactly as many numbers as issued invoices.
      const { rows } = await sql<{ n: number; max: number }>(`SELECT count(*)::int AS n, max(sequence_number)::int AS max FROM invoices WHERE series = 'BXF'`);
      expect(rows[0]).toEqual({ n: actions.length, max: actions.length });
      // The poisoned tenant: no invoice, period not rolled, items still waiting.
      const poisonedAfter = (await snapshot(poisoned)) as { invoices: unknown[]; periods: unknown[] };
      const poisonedBefore = (before as { invoices: { tenant_code: string }[]; periods: { tenant_code: string }[] });
      expect(poisonedAfter.invoices).toEqual(poisonedBefore.invoices.filter((row) => row.tenant_code === poisoned));
      expect(poisonedAfter.periods).toEqual(poisonedBefore.periods.filter((row) => row.tenant_code === poisoned));
    } finally {
      await sql('DROP TRIGGER test_refuse_invoice ON invoices; DROP FUNCTION test_refuse_invoice()');
    }
  });
});
