/**
 * Pricing models of a plan version, and the one rule that turns a period's metered usage
 * into money. Manual invoices, the next-invoice estimate, the Plans editor's preview and
 * the create form all call priceForUsage, so what an operator previews is what is billed.
 *
 * - flat: the plan's price each period (transactions above the monthly limit are billed as
 *   overage, as before).
 * - per_user: unit price × users across all companies (the period's peak), less the
 *   included (free) users.
 * - per_company: unit price × companies (the period's peak), less the included companies.
 * - per_transaction: unit price × transactions in the period above the included quantity.
 * - base_plus_usage: the plan's price, which includes N transactions, then the unit price
 *   for each transaction above N.
 */

export const PRICING_MODELS = ['flat', 'per_user', 'per_company', 'per_transaction', 'base_plus_usage'] as const;
export type PricingModel = (typeof PRICING_MODELS)[number];

export type MeteredUnit = 'users' | 'companies' | 'transactions';

/** What a model counts (null: flat counts nothing). */
export const PRICING_UNIT: Readonly<Record<PricingModel, MeteredUnit | null>> = {
  flat: null,
  per_user: 'users',
  per_company: 'companies',
  per_transaction: 'transactions',
  base_plus_usage: 'transactions',
};

export const PRICING_MODEL_LABEL: Readonly<Record<PricingModel, string>> = {
  flat: 'Flat price',
  per_user: 'Per user (seats)',
  per_company: 'Per company',
  per_transaction: 'Per transaction',
  base_plus_usage: 'Base + usage',
};

/** Models whose base price is the plan's price (the others charge per unit only). */
const HAS_BASE_PRICE: Readonly<Record<PricingModel, boolean>> = {
  flat: true,
  per_user: false,
  per_company: false,
  per_transaction: false,
  base_plus_usage: true,
};

/** Whether a model charges the plan's price as a base (flat, base_plus_usage) or per unit only. */
export const hasBasePrice = (model: PricingModel): boolean => HAS_BASE_PRICE[model];
/** Models whose usage is metered transactions (reported to Stripe as meter events). */
export const isUsageModel = (model: PricingModel): boolean => PRICING_UNIT[model] === 'transactions';
/** Models billed by a quantity of seats (pushed to Stripe as the subscription quantity). */
export const isSeatModel = (model: PricingModel): boolean => model === 'per_user' || model === 'per_company';
/** Flat and seat models keep the transaction overage; usage models price every transaction already. */
export const billsOverage = (model: PricingModel): boolean => !isUsageModel(model);

export interface PlanPricing {
  readonly pricingModel: PricingModel;
  /** The base price per period; null = priced by contract (flat only). */
  readonly priceCents: number | null;
  readonly unitPriceCents: number | null;
  readonly includedUnits: number;
  readonly interval: 'month' | 'year' | 'none';
}

/**
 * Why a combination cannot be stored, or null. The database checks the same rule
 * (migration 014's plans_pricing_rule); test/integration/billing-pricing-manual.test.ts compares them.
 */
export function pricingRuleError(p: PlanPricing): string | null {
  if (p.pricingModel === 'flat') {
    if (p.unitPriceCents !== null) return 'A flat price has no unit price (choose per_user, per_company, per_transaction or base_plus_usage).';
    if (p.includedUnits !== 0) return 'A flat price has no included units.';
    return null;
  }
  if (p.interval === 'none') return `A ${p.pricingModel} plan is billed each period: give it a month or year interval.`;
  if (p.unitPriceCents === null || p.unitPriceCents <= 0) return `A ${p.pricingModel} plan needs a unit price above 0.`;
  if (HAS_BASE_PRICE[p.pricingModel]) {
    if (p.priceCents === null || p.priceCents <= 0) return 'A base_plus_usage plan needs a base price above 0.';
  } else if (p.priceCents !== 0) {
    return `A ${p.pricingModel} plan charges per unit only: its base price is 0.`;
  }
  return null;
}

/** Billed each period (by manual invoices or Stripe): a recurring interval and something to charge. */
export const isBilledEachPeriod = (p: Pick<PlanPricing, 'priceCents' | 'unitPriceCents' | 'interval'>): boolean =>
  p.interval !== 'none' && ((p.priceCents ?? 0) > 0 || (p.unitPriceCents ?? 0) > 0);

/** A period's metered figures (see docs/billing-invoices.md, "Pricing models", for how each is read). */
export interface MeteredUsage {
  readonly peakUsers: number;
  readonly peakCompanies: number;
  readonly transactions: number;
}

export interface UnitCharge {
  readonly unit: MeteredUnit;
  /** What was measured (peak users or companies, or transactions). */
  readonly measured: number;
  readonly included: number;
  /** measured − included, never below 0: the invoice line's quantity. */
  readonly billed: number;
  readonly unitCents: number;
  readonly amountCents: number;
}

export interface PriceBreakdown {
  /** The base price (0 for per-unit models; null = priced by contract). */
  readonly baseCents: number | null;
  readonly units: UnitCharge | null;
  /** Before overage, pending items and tax. */
  readonly totalCents: number;
}

const measuredOf = (unit: MeteredUnit, usage: MeteredUsage): number =>
  Math.max(0, Math.trunc(unit === 'users' ? usage.peakUsers : unit === 'companies' ? usage.peakCompanies : usage.transactions));

/** The period's price for its usage: integer cents, no rounding anywhere (unit × whole units). */
export function priceForUsage(p: PlanPricing, usage: MeteredUsage): PriceBreakdown {
  const unit = PRICING_UNIT[p.pricingModel];
  const baseCents = HAS_BASE_PRICE[p.pricingModel] ? p.priceCents : 0;
  if (unit === null) return { baseCents, units: null, totalCents: baseCents ?? 0 };
  const measured = measuredOf(unit, usage);
  const included = Math.max(0, p.includedUnits);
  const billed = Math.max(0, measured - included);
  const unitCents = p.unitPriceCents ?? 0;
  const units: UnitCharge = { unit, measured, included, billed, unitCents, amountCents: billed * unitCents };
  return { baseCents, units, totalCents: (baseCents ?? 0) + units.amountCents };
}

/** "49.00 USD per month", "10.00 USD per user per month, 3 included" … for forms, drawers and the CLI. */
export function describePricing(
  p: PlanPricing & { currency: string },
  money: (cents: number) => string = (cents) => `${(cents / 100).toFixed(2)} ${p.currency}`,
): string {
  const per = p.interval === 'none' ? '' : ` per ${p.interval}`;
  const unit = PRICING_UNIT[p.pricingModel];
  if (unit === null) return p.priceCents === null ? 'priced by contract' : p.interval === 'none' || p.priceCents === 0 ? 'free' : `${money(p.priceCents)}${per}`;
  const singular = unit === 'users' ? 'user' : unit === 'companies' ? 'company' : 'transaction';
  const included = p.includedUnits > 0 ? `, ${p.includedUnits.toLocaleString('en-US')} ${unit} included` : '';
  const perUnit = `${money(p.unitPriceCents ?? 0)} per ${singular}`;
  if (p.pricingModel === 'base_plus_usage') return `${money(p.priceCents ?? 0)}${per}${included}, then ${perUnit}`;
  return `${perUnit}${per}${included}`;
}
