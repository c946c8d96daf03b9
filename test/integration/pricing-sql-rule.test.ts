import { describe, expect, it } from 'vitest';
import { PRICING_MODELS, priceForUsage, type MeteredUsage, type PlanPricing, type PricingModel } from '../../src-shared/domain/pricing';
import { monthlyRevenueSql, MRR_TRANSACTION_DAYS, priceForUsageSql } from '../../src-main/platform/pricing-sql';
import { call } from '../support/core-calls';
import { embeddedTarget, useTestPlatform } from '../support/servers';

/**
 * The pricing rule has two copies: priceForUsage (TypeScript: invoices, estimates, previews)
 * and priceForUsageSql (SQL: MRR summed over the fleet). Random plans and usage go to both in
 * one statement and must give the same cents; then MRR on the Billing and Usage pages is
 * checked against priceForUsage on real registry tenants of every model.
 */

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

const SEED = 20261203;
const CASES = 500;

interface Case {
  readonly plan: PlanPricing;
  readonly usage: MeteredUsage;
}

function randomCase(random: () => number): Case {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (max: number) => Math.floor(random() * (max + 1));
  /** Mostly whole counts, sometimes 0, negative or fractional: the rule truncates and floors at 0. */
  const count = (max: number) => pick([0, int(max), int(max), int(max), -int(5), int(max) + 0.5, int(max) + 0.999]);
  const model: PricingModel = pick(PRICING_MODELS);
  const plan: PlanPricing = {
    pricingModel: model,
    priceCents: pick([null, 0, int(100_000), int(100_000)]),
    unitPriceCents: pick([null, 0, int(5_000), int(5_000)]),
    includedUnits: pick([0, int(10), int(1_000), int(1_000_000), -int(3)]),
    interval: pick(['month', 'year', 'none'] as const),
  };
  return { plan, usage: { peakUsers: count(500), peakCompanies: count(50), transactions: count(2_000_000) } };
}

describe('the pricing rule in SQL and in TypeScript', () => {
  const platform = useTestPlatform({ name: 'embedded PostgreSQL', target: embeddedTarget, skip: false }, 'pricingsql');

  it(`gives the same cents for ${CASES} random plans and usage (seed ${SEED})`, async () => {
    const random = prng(SEED);
    const cases = Array.from({ length: CASES }, () => randomCase(random));
    const expression = priceForUsageSql({
      model: 'c.model',
      priceCents: 'c.price',
      unitPriceCents: 'c.unit',
      includedUnits: 'c.included',
      users: 'c.users',
      companies: 'c.companies',
      transactions: 'c.transactions',
    });
    const { rows } = await platform.core.platform.pool.query<{ cents: string }>(
      `SELECT (${expression})::text AS cents
         FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::numeric[], $6::numeric[], $7::numeric[]) WITH ORDINALITY
              AS c (model, price, unit, included, users, companies, transactions, ord)
        ORDER BY c.ord`,
      [
        cases.map((c) => c.plan.pricingModel),
        cases.map((c) => c.plan.priceCents),
        cases.map((c) => c.plan.unitPriceCents),
        cases.map((c) => c.plan.includedUnits),
        cases.map((c) => c.usage.peakUsers),
        cases.map((c) => c.usage.peakCompanies),
        cases.map((c) => c.usage.transactions),
      ],
    );
    const mismatches = cases
      .map((c, index) => ({ ...c, sql: Number(rows[index]!.cents), ts: priceForUsage(c.plan, c.usage).totalCents }))
      .filter((c) => c.sql !== c.ts);
    expect(mismatches).toEqual([]);
    // Every model was drawn, with units billed above the included ones for each metered one.
    expect(new Set(cases.map((c) => c.plan.pricingModel))).toEqual(new Set(PRICING_MODELS));
    expect(cases.filter((c) => (priceForUsage(c.plan, c.usage).units?.billed ?? 0) > 0).length).toBeGreaterThan(CASES / 4);
  });

  it('is given identifiers only', () => {
    expect(() => monthlyRevenueSql('p; DROP TABLE plans', 't.id')).toThrow('Not an SQL identifier');
  });

  it('counts every pricing model in MRR, on the Billing page and the Usage page alike', async () => {
    const pool = platform.core.platform.pool;
    const plans: (PlanPricing & { code: string; currency: string })[] = [
      { code: 'mrr-seats', pricingModel: 'per_user', priceCents: 0, unitPriceCents: 1_200, includedUnits: 2, interval: 'month', currency: 'USD' },
      { code: 'mrr-companies', pricingModel: 'per_company', priceCents: 0, unitPriceCents: 5_000, includedUnits: 1, interval: 'year', currency: 'USD' },
      { code: 'mrr-tx', pricingModel: 'per_transaction', priceCents: 0, unitPriceCents: 3, includedUnits: 100, interval: 'month', currency: 'EUR' },
      { code: 'mrr-base', pricingModel: 'base_plus_usage', priceCents: 9_900, unitPriceCents: 2, includedUnits: 1_000, interval: 'month', currency: 'USD' },
      { code: 'mrr-flat', pricingModel: 'flat', priceCents: 4_900, unitPriceCents: null, includedUnits: 0, interval: 'month', currency: 'USD' },
    ];
    for (const [index, plan] of plans.entries()) {
      await pool.query(
        `INSERT INTO plans (code, version, name, price_cents, currency, billing_interval, max_companies, max_users_per_company, max_transactions_per_month,
                            support_level, sort_order, pricing_model, unit_price_cents, included_units)
         VALUES ($1, 1, $1, $2, $3, $4, NULL, NULL, NULL, 'email', $5, $6, $7, $8)`,
        [plan.code, plan.priceCents, plan.currency, plan.interval, 20 + index, plan.pricingModel, plan.unitPriceCents, plan.includedUnits],
      );
    }
    // Each tenant: an older row (a higher peak, no longer current), then its latest figures;
    // transactions collected inside the run-rate window and one row just outside it.
    const latestDay = '2027-03-01';
    const tenants = plans.map((plan, index) => ({ code: `MRR${String(index + 1).padStart(3, '0')}`, plan, users: 4 + index * 3, companies: 2 + index, inWindow: [700, 900 + index * 100] }));
    for (const tenant of tenants) {
      const { rows } = await pool.query<{ id: string }>(
        `INSERT INTO tenants (tenant_code, company_name, subdomain, admin_email, plan_code, plan_version, status, server_id, database_name, db_role)
         VALUES ($1, $1, lower($1), lower($1) || '@example.com', $2, 1, 'active', (SELECT id FROM servers WHERE is_primary), 'mrr_' || lower($1), 'mrr_' || lower($1) || '_app')
         RETURNING id`,
        [tenant.code, tenant.plan.code],
      );
      const id = rows[0]!.id;
      await pool.query(`INSERT INTO tenant_billing (tenant_id, state) VALUES ($1, 'active') ON CONFLICT (tenant_id) DO UPDATE SET state = 'active'`, [id]);
      await pool.query(
        `INSERT INTO tenant_usage (tenant_id, usage_date, companies, users_total, transactions_delta) VALUES
           ($1, $2::date - ${MRR_TRANSACTION_DAYS}, 99, 99, 50000),
           ($1, $2::date - 10, 99, 99, $3),
           ($1, $2::date, $4, $5, $6)`,
        [id, latestDay, tenant.inWindow[0], tenant.companies, tenant.users, tenant.inWindow[1]],
      );
    }
    const monthly = (tenant: (typeof tenants)[number]) => {
      const months = tenant.plan.interval === 'year' ? 12 : 1;
      const transactions = (tenant.inWindow[0]! + tenant.inWindow[1]!) * months;
      return priceForUsage(tenant.plan, { peakUsers: tenant.users, peakCompanies: tenant.companies, transactions }).totalCents / months;
    };
    const expectedBy = (currency: string) => Math.round(tenants.filter((tenant) => tenant.plan.currency === currency).reduce((sum, tenant) => sum + monthly(tenant), 0));
    // One hand check of the rule as documented: 4 users, 2 included, 12.00 each = 24.00.
    expect(monthly(tenants[0]!)).toBe(2_400);

    const overview = await call(platform.core, 'billing:overview', {});
    expect(overview.mrr).toEqual([
      { currency: 'EUR', cents: expectedBy('EUR') },
      { currency: 'USD', cents: expectedBy('USD') },
    ]);
    const fleet = await call(platform.core, 'usage:fleet', { days: 30 });
    for (const tenant of tenants) {
      expect(fleet.mrr.byPlan.find((row) => row.plan === tenant.plan.code)).toMatchObject({ tenants: 1, currency: tenant.plan.currency, monthlyCents: Math.round(monthly(tenant)) });
    }
    expect(fleet.mrr.totals).toEqual(expect.arrayContaining([{ currency: 'EUR', monthlyCents: expectedBy('EUR') }]));
  });
});
