import { hasBasePrice, PRICING_MODELS, PRICING_UNIT, type MeteredUnit } from '../../src-shared/domain/pricing';

/**
 * src-shared/domain/pricing.ts's priceForUsage as an SQL expression, for the figures summed
 * over a fleet in one statement (MRR on the Billing and Usage pages). Built from the same
 * tables as the TypeScript (PRICING_MODELS, PRICING_UNIT, hasBasePrice), so a model added
 * there appears here; test/integration/pricing-sql-rule.test.ts feeds random plans and usage
 * to both and requires the same cents. Invoices never use it: their lines come from
 * priceForUsage itself.
 */

/** SQL expressions (columns or parameters) for the rule's inputs. */
export interface PricingSqlInputs {
  readonly model: string;
  readonly priceCents: string;
  readonly unitPriceCents: string;
  readonly includedUnits: string;
  readonly users: string;
  readonly companies: string;
  readonly transactions: string;
}

const quoted = (values: readonly string[]): string => (values.length === 0 ? 'NULL' : values.map((value) => `'${value.replace(/'/g, "''")}'`).join(', '));

/** The period's total in cents (numeric): base price (null = 0) + whole units above the included ones × the unit price. */
export function priceForUsageSql(c: PricingSqlInputs): string {
  const measuredOf: Record<MeteredUnit, string> = { users: c.users, companies: c.companies, transactions: c.transactions };
  const withBase = PRICING_MODELS.filter(hasBasePrice);
  const perUnit = PRICING_MODELS.filter((model) => PRICING_UNIT[model] !== null);
  const measured = `CASE ${c.model} ${perUnit
    .map((model) => `WHEN '${model}' THEN greatest(0, trunc(coalesce((${measuredOf[PRICING_UNIT[model]!]})::numeric, 0)))`)
    .join(' ')} ELSE 0 END`;
  const billed = `greatest(0, ${measured} - greatest(0, coalesce((${c.includedUnits})::numeric, 0)))`;
  return `(CASE WHEN ${c.model} IN (${quoted(withBase)}) THEN coalesce((${c.priceCents})::numeric, 0) ELSE 0 END
         + CASE WHEN ${c.model} IN (${quoted(perUnit)}) THEN ${billed} * coalesce((${c.unitPriceCents})::numeric, 0) ELSE 0 END)`;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`Not an SQL identifier: ${JSON.stringify(name)}.`);
  return name;
}

/** Days of usage whose transactions make a month's run rate. */
export const MRR_TRANSACTION_DAYS = 30;

/**
 * A tenant's monthly recurring revenue — the one definition behind the Billing page's MRR and
 * the Usage page's MRR by plan: its plan version's price for its latest usage by the plan's
 * pricing model (priceForUsageSql), with
 * - seats (users, companies): the latest collected figures (tenant_usage's latest row);
 * - transactions: the run rate, the transactions collected in the MRR_TRANSACTION_DAYS days up
 *   to that row (the sum of transactions_delta, as invoices count them);
 * monthly plans as priced, yearly ones priced for a year (transactions × 12) and counted a
 * twelfth, others 0. A custom price (null) counts 0. Overage and one-off items are not
 * recurring and are left out. `join` adds the latest usage (read for metered models only:
 * flat plans cost no lookup) as `mrr_usage`; `monthlyCents` is the numeric figure.
 */
export function monthlyRevenueSql(planAlias: string, tenantId: string): { join: string; monthlyCents: string } {
  const p = identifier(planAlias);
  const join = `LEFT JOIN LATERAL (
      SELECT l.users_total, l.companies,
             (SELECT coalesce(sum(d.transactions_delta), 0) FROM tenant_usage d
               WHERE d.tenant_id = l.tenant_id AND d.usage_date > l.usage_date - ${MRR_TRANSACTION_DAYS} AND d.usage_date <= l.usage_date) AS transactions
        FROM tenant_usage l
       WHERE l.tenant_id = ${identifier(tenantId)} AND ${p}.pricing_model IN (${quoted(PRICING_MODELS.filter((model) => PRICING_UNIT[model] !== null))})
       ORDER BY l.usage_date DESC LIMIT 1) AS mrr_usage ON true`;
  const price = (transactions: string) =>
    priceForUsageSql({
      model: `${p}.pricing_model`,
      priceCents: `${p}.price_cents`,
      unitPriceCents: `${p}.unit_price_cents`,
      includedUnits: `${p}.included_units`,
      users: 'mrr_usage.users_total',
      companies: 'mrr_usage.companies',
      transactions,
    });
  const monthlyCents = `(CASE ${p}.billing_interval WHEN 'month' THEN ${price('mrr_usage.transactions')}
                          WHEN 'year' THEN ${price('mrr_usage.transactions * 12')} / 12.0 ELSE 0 END)`;
  return { join, monthlyCents };
}
