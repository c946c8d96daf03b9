import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pricingRuleError, type PricingModel } from '../../src-shared/domain/pricing';
import { ManualClock } from '../../src-main/billing/clock';
import { runBillingJobs } from '../../src-main/billing/lifecycle/run-billing-jobs';
import { loadNoticeFacts } from '../../src-main/billing/notices/notice-facts';
import { renderNotice } from '../../src-main/billing/notices/notice-templates';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { call, callError, uniqueTenantInput } from '../support/core-calls';
import { dropTestPlatform, embeddedTarget, uniquePlatformDatabase } from '../support/servers';
import { openClockCore } from './billing-lifecycle-fixtures';

/**
 * Every pricing model billed by the console's own invoicing (manual mode), on a clock: a
 * January period, usage rows as the collector writes them (one per tenant per UTC day), and
 * each invoice checked to the cent against figures computed by hand below (tax 8.5 %,
 * rounded half up once per invoice). A platform of its own: the clock moves past the period.
 */
describe('pricing models, manual invoicing', () => {
  const platformDatabase = uniquePlatformDatabase('pricingman');
  const clock = new ManualClock('2027-01-21T12:00:00Z');
  const periodStart = new Date('2027-01-01T00:00:00Z');
  const periodEnd = new Date('2027-02-01T00:00:00Z');
  let url: string;
  let core: ConsoleCore;
  const tenants = new Map<string, { id: string; code: string }>();

  interface UsageRow {
    day: string;
    users?: number;
    companies?: number;
    delta?: number;
    month?: number;
  }

  async function addUsage(tenantId: string, rows: readonly UsageRow[]): Promise<void> {
    for (const row of rows) {
      await core.platform.pool.query(
        `INSERT INTO tenant_usage (tenant_id, usage_date, companies, users_total, month_start, transactions_month, transactions_delta)
         VALUES ($1, $2::date, $3, $4, date_trunc('month', $2::date)::date, $5, $6)`,
        [tenantId, row.day, row.companies ?? 1, row.users ?? 1, row.month ?? 0, row.delta ?? 0],
      );
    }
  }

  /** A plan made flat (v1, by SQL: there is no "create plan" channel), then edited to its model through plans:update (v2). */
  async function planWith(code: string, edit: Omit<Parameters<typeof call<'plans:update'>>[2], 'code'>) {
    await core.platform.pool.query(
      `INSERT INTO plans (code, version, name, price_cents, billing_interval, max_companies, max_users_per_company, max_transactions_per_month, support_level, sort_order)
       VALUES ($1, 1, $2, 1000, 'month', 10, 50, 100000, 'email', 5)`,
      [code, code.toUpperCase()],
    );
    return call(core, 'plans:update', { code, ...edit });
  }

  async function tenantOn(plan: string): Promise<{ id: string; code: string }> {
    const created = (await call(core, 'tenants:create', uniqueTenantInput(plan, `Pricing ${plan}`))).tenant;
    // The January period, by hand: provisioning dated it from the database's own clock.
    await core.platform.pool.query(
      `UPDATE tenant_billing SET state = 'active', current_period_start = $2, current_period_end = $3 WHERE tenant_id = $1`,
      [created.id, periodStart, periodEnd],
    );
    const tenant = { id: created.id, code: created.tenantCode };
    tenants.set(plan, tenant);
    return tenant;
  }

  beforeAll(async () => {
    url = embeddedTarget().url;
    core = await openClockCore(url, platformDatabase, clock);
    await call(core, 'billing:updateSettings', { taxRatePercent: 8.5 });

    // flat: 49.00, 1,000 transactions a month, then 0.02 each (overage, as before).
    await call(core, 'plans:update', { code: 'starter', overagePriceCents: 2 });
    const flat = await tenantOn('starter');
    await addUsage(flat.id, [
      { day: '2027-01-10', month: 600, delta: 600 },
      { day: '2027-01-20', month: 1250, delta: 650 },
    ]);

    const perUser = await planWith('seats', { pricingModel: 'per_user', priceCents: 0, unitPriceCents: 1000, includedUnits: 2 });
    expect(perUser).toMatchObject({ version: 2, pricingModel: 'per_user', unitPriceCents: 1000, includedUnits: 2, priceCents: 0 });
    const seats = await tenantOn('seats');
    await addUsage(seats.id, [
      { day: '2026-12-31', users: 12 }, // the previous period's peak
      { day: '2027-01-03', users: 4 },
      { day: '2027-01-10', users: 7 },
      { day: '2027-01-20', users: 5 },
      { day: '2027-02-01', users: 9 }, // the next period's first day
    ]);

    await planWith('companies', { pricingModel: 'per_company', priceCents: 0, unitPriceCents: 2500 });
    const companies = await tenantOn('companies');
    await addUsage(companies.id, [
      { day: '2027-01-02', companies: 1 },
      { day: '2027-01-15', companies: 3 },
      { day: '2027-01-30', companies: 2 },
    ]);

    await planWith('metered', { pricingModel: 'per_transaction', priceCents: 0, unitPriceCents: 3, includedUnits: 1000 });
    const metered = await tenantOn('metered');
    await addUsage(metered.id, [
      { day: '2026-12-31', delta: 999 },
      { day: '2027-01-05', delta: 400 },
      { day: '2027-01-15', delta: 900 },
      { day: '2027-01-31', delta: 350 },
      { day: '2027-02-01', delta: 50 },
    ]);

    await planWith('hybrid', { pricingModel: 'base_plus_usage', priceCents: 9900, unitPriceCents: 2, includedUnits: 2000 });
    const hybrid = await tenantOn('hybrid');
    await addUsage(hybrid.id, [
      { day: '2027-01-08', delta: 1500 },
      { day: '2027-01-22', delta: 1200 },
    ]);
  }, 120_000);

  afterAll(async () => {
    await core?.close();
    await dropTestPlatform(url, platformDatabase);
  });

  it('refuses a pricing combination the rule does not allow, changing nothing', async () => {
    const before = await call(core, 'plans:versions', { code: 'seats' });
    for (const edit of [
      { pricingModel: 'per_user' as const, unitPriceCents: null },
      { pricingModel: 'per_user' as const, priceCents: 500 },
      { pricingModel: 'base_plus_usage' as const, priceCents: 0 },
      { interval: 'none' as const },
      { pricingModel: 'flat' as const, unitPriceCents: 10 },
    ]) {
      const error = await callError(core, 'plans:update', { code: 'seats', ...edit });
      expect(error.code, JSON.stringify(edit)).toBe('VALIDATION');
    }
    expect(await call(core, 'plans:versions', { code: 'seats' })).toEqual(before);
  });

  it('the database checks the same rule as src-shared/domain/pricing.ts', async () => {
    const models: PricingModel[] = ['flat', 'per_user', 'per_company', 'per_transaction', 'base_plus_usage'];
    let version = 100;
    // One transaction, a savepoint per attempt, rolled back at the end: 180 attempts, one commit's cost.
    const client = await core.platform.pool.connect();
    await client.query('BEGIN');
    try {
    for (const pricingModel of models) {
      for (const priceCents of [null, 0, 500]) {
        for (const unitPriceCents of [null, 0, 7]) {
          for (const includedUnits of [0, 5]) {
            for (const interval of ['month', 'none'] as const) {
              const shared = pricingRuleError({ pricingModel, priceCents, unitPriceCents, includedUnits, interval }) === null;
              version += 1;
              await client.query('SAVEPOINT attempt');
              const stored = await client
                .query(
                  `INSERT INTO plans (code, version, name, price_cents, billing_interval, support_level, is_current, pricing_model, unit_price_cents, included_units)
                   VALUES ('rulecheck', $1, 'Rule', $2, $3, 'email', false, $4, $5, $6)`,
                  [version, priceCents, interval, pricingModel, unitPriceCents, includedUnits],
                )
                .then(() => true, (error: { code?: string }) => (error.code === '23514' ? false : Promise.reject(error)));
              await client.query(stored ? 'RELEASE SAVEPOINT attempt' : 'ROLLBACK TO SAVEPOINT attempt');
              expect(stored, JSON.stringify({ pricingModel, priceCents, unitPriceCents, includedUnits, interval })).toBe(shared);
            }
          }
        }
      }
    }
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('estimates the next invoice mid-period with the usage so far', async () => {
    const seats = await call(core, 'billing:tenant', { ref: tenants.get('seats')!.code });
    expect(seats.plan).toMatchObject({ pricingModel: 'per_user', pricing: '10.00 USD per user per month, 2 users included' });
    // The welcome e-mail says the same, not "0.00 USD per month".
    const welcome = renderNotice('welcome', await loadNoticeFacts(core.platform.pool, tenants.get('seats')!.id));
    expect(welcome.text).toContain('on the SEATS plan (10.00 USD per user per month, 2 users included).');
    // Peak so far 7 (Jan 10), 2 included: 5 × 10.00 = 50.00, tax 4.25.
    expect(seats.nextInvoice).toMatchObject({ date: periodEnd.toISOString(), estimatedCents: 5425 });
    expect(seats.nextInvoice!.lines).toEqual([
      expect.objectContaining({ kind: 'plan', quantity: 5, unitCents: 1000, amountCents: 5000 }),
    ]);
    const metered = await call(core, 'billing:tenant', { ref: tenants.get('metered')!.code });
    // 400 + 900 so far, 1,000 included: 300 × 0.03 = 9.00, tax 0.765 → 0.77.
    expect(metered.nextInvoice).toMatchObject({ estimatedCents: 977 });
    expect(metered.nextInvoice!.lines).toEqual([expect.objectContaining({ kind: 'usage', quantity: 300, unitCents: 3, amountCents: 900 })]);
  });

  it('invoices January for every model, to the cent', async () => {
    clock.set('2027-02-01T02:00:00Z');
    const report = await runBillingJobs(core.billing, 'test');
    expect(report.errors).toEqual([]);

    const invoiceOf = async (plan: string) => {
      const list = await call(core, 'invoices:list', { ref: tenants.get(plan)!.code });
      expect(list.rows).toHaveLength(1);
      return call(core, 'invoices:get', { id: list.rows[0]!.id });
    };
    const shape = (lines: readonly { kind: string; quantity: number; unitCents: number; amountCents: number }[]) =>
      lines.map(({ kind, quantity, unitCents, amountCents }) => ({ kind, quantity, unitCents, amountCents }));

    // flat: 49.00 + (1,250 − 1,000) × 0.02 = 54.00; tax 4.59; 58.59.
    const flat = await invoiceOf('starter');
    expect(shape(flat.lines)).toEqual([
      { kind: 'plan', quantity: 1, unitCents: 4900, amountCents: 4900 },
      { kind: 'overage', quantity: 250, unitCents: 2, amountCents: 500 },
    ]);
    expect([flat.subtotalCents, flat.taxCents, flat.totalCents]).toEqual([5400, 459, 5859]);

    // per_user: peak 7 in January (12 was December's, 9 is February's), 2 included: 5 × 10.00; tax 4.25.
    const seats = await invoiceOf('seats');
    expect(shape(seats.lines)).toEqual([{ kind: 'plan', quantity: 5, unitCents: 1000, amountCents: 5000 }]);
    expect(seats.lines[0]!.description).toBe('SEATS plan, 2027-01-01 – 2027-02-01: 5 users (peak across companies 7, 2 included)');
    expect([seats.subtotalCents, seats.taxCents, seats.totalCents]).toEqual([5000, 425, 5425]);

    // per_company: peak 3 × 25.00 = 75.00; tax 6.375 → 6.38.
    const companies = await invoiceOf('companies');
    expect(shape(companies.lines)).toEqual([{ kind: 'plan', quantity: 3, unitCents: 2500, amountCents: 7500 }]);
    expect([companies.subtotalCents, companies.taxCents, companies.totalCents]).toEqual([7500, 638, 8138]);

    // per_transaction: 400 + 900 + 350 = 1,650 (Dec 31 and Feb 1 belong elsewhere), 1,000 included: 650 × 0.03 = 19.50; tax 1.6575 → 1.66.
    const metered = await invoiceOf('metered');
    expect(shape(metered.lines)).toEqual([{ kind: 'usage', quantity: 650, unitCents: 3, amountCents: 1950 }]);
    expect(metered.lines[0]!.description).toBe('Transactions 2027-01-01 – 2027-02-01: 1,650 counted, 1,000 included');
    expect([metered.subtotalCents, metered.taxCents, metered.totalCents]).toEqual([1950, 166, 2116]);

    // base_plus_usage: 99.00 including 2,000; 2,700 counted: 700 × 0.02 = 14.00; 113.00; tax 9.605 → 9.61.
    const hybrid = await invoiceOf('hybrid');
    expect(shape(hybrid.lines)).toEqual([
      { kind: 'plan', quantity: 1, unitCents: 9900, amountCents: 9900 },
      { kind: 'usage', quantity: 700, unitCents: 2, amountCents: 1400 },
    ]);
    expect([hybrid.subtotalCents, hybrid.taxCents, hybrid.totalCents]).toEqual([11300, 961, 12261]);

    // The next period is February, and its usage so far (Feb 1) is what the estimate shows.
    const next = await call(core, 'billing:tenant', { ref: tenants.get('seats')!.code });
    expect(next.currentPeriodStart).toBe(periodEnd.toISOString());
    expect(next.nextInvoice!.lines).toEqual([expect.objectContaining({ kind: 'plan', quantity: 7, amountCents: 7000 })]);
  });
});
