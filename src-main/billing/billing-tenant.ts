import { isBilledEachPeriod, type PricingModel } from '../../src-shared/domain/pricing';
import type { BillingMode, BillingState, ProrationBehavior } from '../../src-shared/contract/billing-models';
import { AppError } from '../base/app-error';
import { getTenantRow } from '../tenants/tenant-queries';
import type { TenantRow } from '../tenants/tenant-rows';
import type { BillingContext } from './billing-context';
import { readStoredBillingSettings } from './billing-settings';

export interface PlanPrice {
  code: string;
  version: number;
  name: string;
  price_cents: number | null;
  currency: string;
  billing_interval: 'month' | 'year' | 'none';
  trial_days: number | null;
  sort_order: number;
  pricing_model: PricingModel;
  unit_price_cents: number | null;
}

export interface BillingRow {
  state: BillingState;
  conversion_plan_code: string | null;
  payment_method_present: boolean;
  stripe_customer_id: string | null;
  stripe_subscription_id: string | null;
  current_period_start: Date | null;
  current_period_end: Date | null;
  cancel_at_period_end: boolean;
  pending_plan_code: string | null;
  pending_plan_version: number | null;
}

/** A tenant with its billing row, its plan's price and the billing mode and defaults. */
export interface BillingTenant {
  readonly tenant: TenantRow;
  readonly billing: BillingRow;
  readonly plan: PlanPrice;
  readonly mode: BillingMode;
  readonly currency: string;
  readonly defaultProration: ProrationBehavior;
}

const PLAN_COLUMNS = 'code, version, name, price_cents, currency, billing_interval, trial_days, sort_order, pricing_model, unit_price_cents';

export async function planPrice(b: BillingContext, code: string, version?: number): Promise<PlanPrice> {
  const { rows } = await b.ctx.pool.query<PlanPrice>(
    `SELECT ${PLAN_COLUMNS} FROM plans WHERE code = $1 AND ${version === undefined ? 'is_current' : 'version = $2'}`,
    version === undefined ? [code] : [code, version],
  );
  if (!rows[0]) throw new AppError('NOT_FOUND', version === undefined ? `Unknown plan "${code}".` : `Plan ${code} has no version ${version}.`);
  return rows[0];
}

export async function loadBillingTenant(b: BillingContext, ref: string): Promise<BillingTenant> {
  const tenant = await getTenantRow(b.ctx.pool, ref);
  const [billing, plan, settings] = await Promise.all([
    b.ctx.pool.query<BillingRow>(
      `SELECT state, conversion_plan_code, payment_method_present, stripe_customer_id, stripe_subscription_id, current_period_start,
              current_period_end, cancel_at_period_end, pending_plan_code, pending_plan_version
         FROM tenant_billing WHERE tenant_id = $1`,
      [tenant.id],
    ),
    planPrice(b, tenant.plan_code, tenant.plan_version),
    readStoredBillingSettings(b.ctx.pool),
  ]);
  if (!billing.rows[0]) throw new AppError('INVALID_STATE', `${tenant.tenant_code} has no billing record.`);
  return { tenant, billing: billing.rows[0], plan, mode: settings.mode, currency: settings.currency, defaultProration: settings.prorationBehavior };
}

/** Yearly prices compare as their twelfth. */
export const monthlyEquivalent = (plan: PlanPrice): number | null =>
  plan.price_cents === null ? null : plan.billing_interval === 'year' ? plan.price_cents / 12 : plan.billing_interval === 'none' ? 0 : plan.price_cents;

/**
 * Upgrade or downgrade, from the monthly-equivalent prices; a plan without a price (priced
 * by contract, like enterprise) compares by the catalog's order instead.
 */
export function changeDirection(from: PlanPrice, to: PlanPrice): 'upgrade' | 'downgrade' | 'same' {
  if (from.code === to.code && from.version === to.version) return 'same';
  const a = monthlyEquivalent(from);
  const c = monthlyEquivalent(to);
  if (a === null || c === null || a === c) return to.sort_order >= from.sort_order ? 'upgrade' : 'downgrade';
  return c > a ? 'upgrade' : 'downgrade';
}

/** Is the tenant on a trial (a trial plan with an end date)? */
export const onTrial = (t: BillingTenant): boolean => t.tenant.trial_ends_at !== null && t.plan.trial_days !== null;

/**
 * Manual mode's proration. Manual invoices are made in arrears: at the period's end the
 * whole period is charged at the plan the tenant is on then (period-charges.ts). A change
 * mid-period therefore carries the difference for the part already elapsed at the old price:
 * (old − new) × the elapsed fraction, by the billing clock — a credit on an upgrade, so the
 * period costs old × elapsed + new × remaining. (Stripe bills in advance and prorates the
 * remaining part instead; plan-billing.ts asks Stripe for that.) Nothing without a running period.
 */
export function manualProration(t: BillingTenant, to: PlanPrice, at: Date): { cents: number; elapsedFraction: number } {
  const start = t.billing.current_period_start;
  const end = t.billing.current_period_end;
  if (!start || !end || end.getTime() <= start.getTime()) return { cents: 0, elapsedFraction: 0 };
  const elapsed = Math.min(Math.max(0, at.getTime() - start.getTime()), end.getTime() - start.getTime());
  const elapsedFraction = elapsed / (end.getTime() - start.getTime());
  const from = monthlyEquivalent(t.plan) ?? 0;
  const target = monthlyEquivalent(to) ?? 0;
  // Per month-equivalent: a yearly plan's period is a year, so scale back to its own interval.
  const periodScale = t.plan.billing_interval === 'year' ? 12 : 1;
  // `|| 0`: a change in the period's first instant rounds to −0, which would print as "−$0".
  return { cents: Math.round((from - target) * periodScale * elapsedFraction) || 0, elapsedFraction };
}

/** Plans with a recurring price (a base or a unit price) are billed (in Stripe, or by manual invoices); free and contract plans are not. */
export const isBillable = (plan: { price_cents: number | null; unit_price_cents?: number | null; billing_interval: string }): boolean =>
  isBilledEachPeriod({ priceCents: plan.price_cents, unitPriceCents: plan.unit_price_cents ?? null, interval: plan.billing_interval as 'month' });
