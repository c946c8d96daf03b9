import type Stripe from 'stripe';
import type { StripePriceLink } from '../../../src-shared/contract/billing-models';
import { isBilledEachPeriod, type PricingModel } from '../../../src-shared/domain/pricing';
import { AppError } from '../../base/app-error';
import type { BillingContext } from '../billing-context';
import { stripeCall, stripeClient } from './stripe-client';

interface PlanPriceRow {
  code: string;
  version: number;
  name: string;
  price_cents: number | null;
  currency: string;
  billing_interval: 'month' | 'year' | 'none';
  pricing_model: PricingModel;
  unit_price_cents: number | null;
}

interface StripePriceRow {
  plan_code: string;
  plan_version: number;
  stripe_product_id: string;
  stripe_price_id: string;
  linked: boolean;
}

const toLink = (row: StripePriceRow): StripePriceLink => ({
  planCode: row.plan_code,
  planVersion: row.plan_version,
  stripeProductId: row.stripe_product_id,
  stripePriceId: row.stripe_price_id,
  linked: row.linked,
});

/** The lookup key that names a plan version's price in Stripe, so a retry or a second console finds it. */
export const lookupKeyFor = (code: string, version: number): string => `tc_${code}_v${version}`;

async function planRow(b: BillingContext, code: string, version: number): Promise<PlanPriceRow> {
  const { rows } = await b.ctx.pool.query<PlanPriceRow>('SELECT code, version, name, price_cents, currency, billing_interval, pricing_model, unit_price_cents FROM plans WHERE code = $1 AND version = $2', [code, version]);
  if (!rows[0]) throw new AppError('NOT_FOUND', `Plan ${code} has no version ${version}.`);
  return rows[0];
}

/** Free plans (no price) and plans without an interval are not billed through Stripe; per-unit plans are billed (see perUnitRefusal). */
export function isStripeBillable(plan: { price_cents: number | null; unit_price_cents?: number | null; billing_interval: string }): boolean {
  return isBilledEachPeriod({ priceCents: plan.price_cents, unitPriceCents: plan.unit_price_cents ?? null, interval: plan.billing_interval as 'month' });
}

/**
 * Seat quantities and Billing Meters are not built on the Stripe side yet: a per-unit plan is
 * refused with this error (recorded on the tenant's billing row by enrolment), never billed
 * as a flat price of 0 nor silently left unbilled. Manual invoicing bills every model.
 */
function perUnitRefusal(plan: PlanPriceRow): AppError | null {
  if (plan.pricing_model === 'flat') return null;
  return new AppError(
    'INVALID_STATE',
    `Plan ${plan.code} v${plan.version} is priced ${plan.pricing_model}: per-unit pricing is not billed through Stripe yet (manual invoicing bills it). Keep such tenants on a flat plan while billing through Stripe.`,
  );
}

function mismatch(plan: PlanPriceRow, price: Stripe.Price): string | null {
  const problems: string[] = [];
  if (price.unit_amount !== plan.price_cents) problems.push(`amount ${price.unit_amount ?? 'none'} cents, the plan says ${plan.price_cents ?? 'none'}`);
  if (price.currency.toUpperCase() !== plan.currency) problems.push(`currency ${price.currency.toUpperCase()}, the plan says ${plan.currency}`);
  const interval = price.recurring?.interval ?? 'one-time';
  if (interval !== plan.billing_interval || (price.recurring?.interval_count ?? 1) !== 1) problems.push(`interval ${price.recurring?.interval_count ?? 1} ${interval}, the plan says 1 ${plan.billing_interval}`);
  if (!price.active) problems.push('the price is archived');
  return problems.length ? problems.join('; ') : null;
}

async function storeLink(b: BillingContext, plan: PlanPriceRow, price: Stripe.Price, linked: boolean, replace: boolean): Promise<StripePriceLink> {
  const product = typeof price.product === 'string' ? price.product : price.product.id;
  const { rows } = await b.ctx.pool.query<StripePriceRow>(
    `INSERT INTO stripe_prices (plan_code, plan_version, stripe_product_id, stripe_price_id, linked)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (plan_code, plan_version) DO ${replace ? 'UPDATE SET stripe_product_id = EXCLUDED.stripe_product_id, stripe_price_id = EXCLUDED.stripe_price_id, linked = EXCLUDED.linked' : 'NOTHING'}
     RETURNING plan_code, plan_version, stripe_product_id, stripe_price_id, linked`,
    [plan.code, plan.version, product, price.id, linked],
  );
  if (rows[0]) return toLink(rows[0]);
  const existing = await b.ctx.pool.query<StripePriceRow>('SELECT * FROM stripe_prices WHERE plan_code = $1 AND plan_version = $2', [plan.code, plan.version]);
  return toLink(existing.rows[0]!);
}

/**
 * The Stripe price of a plan version: the stored mapping, else a price found by its lookup key
 * (made earlier, or by the operator), else a new product and monthly/yearly price.
 */
export async function ensureStripePrice(b: BillingContext, code: string, version: number): Promise<StripePriceLink> {
  const stored = await b.ctx.pool.query<StripePriceRow>('SELECT * FROM stripe_prices WHERE plan_code = $1 AND plan_version = $2', [code, version]);
  if (stored.rows[0]) return toLink(stored.rows[0]);
  const plan = await planRow(b, code, version);
  if (!isStripeBillable(plan)) throw new AppError('INVALID_STATE', `Plan ${code} v${version} has no recurring price, so it is not billed through Stripe.`);
  const refusal = perUnitRefusal(plan);
  if (refusal) throw refusal;
  const stripe = await stripeClient(b);
  const lookupKey = lookupKeyFor(code, version);
  const found = await stripeCall('looking up a price', () => stripe.prices.list({ lookup_keys: [lookupKey], limit: 1 }));
  const existing = found.data[0];
  if (existing) {
    const problem = mismatch(plan, existing);
    if (problem) throw new AppError('INVALID_STATE', `Stripe price ${existing.id} (lookup key ${lookupKey}) does not match plan ${code} v${version}: ${problem}.`);
    return storeLink(b, plan, existing, existing.metadata.tenant_console !== 'true', false);
  }
  const product = await stripeCall('creating a product', () =>
    stripe.products.create(
      { name: `${plan.name} (v${version})`, metadata: { tenant_console: 'true', plan_code: code, plan_version: String(version) } },
      { idempotencyKey: `tc-product-${code}-v${version}` },
    ),
  );
  const price = await stripeCall('creating a price', () =>
    stripe.prices.create(
      {
        product: product.id,
        unit_amount: plan.price_cents!,
        currency: plan.currency.toLowerCase(),
        recurring: { interval: plan.billing_interval as 'month' | 'year' },
        lookup_key: lookupKey,
        metadata: { tenant_console: 'true', plan_code: code, plan_version: String(version) },
      },
      { idempotencyKey: `tc-price-${code}-v${version}` },
    ),
  );
  return storeLink(b, plan, price, false, false);
}

export async function listStripePrices(b: BillingContext): Promise<StripePriceLink[]> {
  const { rows } = await b.ctx.pool.query<StripePriceRow>('SELECT * FROM stripe_prices ORDER BY plan_code, plan_version');
  return rows.map(toLink);
}

/** Links a plan version to a price the operator made in Stripe, after checking it bills what the plan says. */
export async function linkStripePrice(b: BillingContext, input: { code: string; version: number; priceId: string }): Promise<StripePriceLink> {
  const plan = await planRow(b, input.code, input.version);
  if (!isStripeBillable(plan)) throw new AppError('INVALID_STATE', `Plan ${input.code} v${input.version} has no recurring price, so it is not billed through Stripe.`);
  const refusal = perUnitRefusal(plan);
  if (refusal) throw refusal;
  const stripe = await stripeClient(b);
  const price = await stripeCall(`reading price ${input.priceId}`, () => stripe.prices.retrieve(input.priceId));
  const problem = mismatch(plan, price);
  if (problem) throw new AppError('VALIDATION', `Stripe price ${price.id} does not match plan ${input.code} v${input.version}: ${problem}.`);
  return storeLink(b, plan, price, true, true);
}
