import type { PlanChangeQuote, ProrationBehavior, TenantBilling } from '../../src-shared/contract/billing-models';
import type { ChannelParsedInput } from '../../src-shared/contract/channels';
import { AppError } from '../base/app-error';
import { changeTenantPlan, previewPlanChange } from '../plans/plan-change';
import type { BillingContext } from './billing-context';
import { getTenantBilling } from './billing-queries';
import { changeDirection, isBillable, loadBillingTenant, manualProration, onTrial, planPrice, type BillingTenant, type PlanPrice } from './billing-tenant';
import { cancelStripeNow, changeStripePrice, previewStripeProration, scheduleStripeDowngrade, setStripeCancelAtPeriodEnd, takeBackStripeDowngrade, type StripeTarget } from './stripe/stripe-subscriptions';
import { staleVersionError } from '../tenants/stale-version';

export { applyDuePendingDowngrades, applyDuePendingDowngradesDetailed } from './pending-downgrades';

const stripeTarget = (t: BillingTenant): StripeTarget => ({
  tenantId: t.tenant.id,
  tenantCode: t.tenant.tenant_code,
  customerId: t.billing.stripe_customer_id,
  subscriptionId: t.billing.stripe_subscription_id,
});

const iso = (at: Date): string => at.toISOString();

/** Limits the tenant would be over on the target plan, read from its database. */
async function violationsFor(b: BillingContext, t: BillingTenant, to: PlanPrice): Promise<PlanChangeQuote['violations']> {
  if (to.code === t.plan.code && to.version === t.plan.version) return [];
  const preview = await previewPlanChange(b.ctx, t.tenant, { code: to.code, version: to.version });
  if (preview.problem) throw new AppError('DATABASE_UNAVAILABLE', preview.problem);
  return preview.violations.map((v) => ({ resource: v.resource, companyName: /in company (.+?):/.exec(v.message)?.[1] ?? null, current: v.current, limit: v.newLimit }));
}

/**
 * The line on the next (in-arrears) invoice: the part of the period before the change, at the
 * old price instead of the new one the period is charged at (the amount is its own column).
 */
function describeProration(from: PlanPrice, to: PlanPrice, elapsedFraction: number): string {
  return `Proration: ${from.name} → ${to.name}, ${from.name} price for the ${(elapsedFraction * 100).toFixed(1)}% of the period before the change`.slice(0, 300);
}

/** What a change would do and cost: the same numbers the change then applies. */
async function buildQuote(b: BillingContext, t: BillingTenant, to: PlanPrice, behaviorAsked: ProrationBehavior | undefined, at: Date): Promise<PlanChangeQuote> {
  const behavior = behaviorAsked ?? t.defaultProration;
  const direction = changeDirection(t.plan, to);
  const base = {
    tenantCode: t.tenant.tenant_code,
    from: { code: t.plan.code, version: t.plan.version, priceCents: t.plan.price_cents },
    to: { code: to.code, version: to.version, priceCents: to.price_cents },
    direction,
    prorationBehavior: behavior,
    currency: to.currency,
    violations: await violationsFor(b, t, to),
  };
  if (onTrial(t)) {
    // During a trial, choosing a plan chooses what the trial converts to: nothing is charged now.
    return { ...base, effective: 'period_end', effectiveAt: iso(t.tenant.trial_ends_at!), prorationCents: 0, lines: [] };
  }
  if (direction === 'downgrade' && t.billing.current_period_end && t.billing.current_period_end.getTime() > at.getTime()) {
    return { ...base, effective: 'period_end', effectiveAt: iso(t.billing.current_period_end), prorationCents: 0, lines: [] };
  }
  if (direction !== 'upgrade' || behavior === 'none') return { ...base, effective: 'now', effectiveAt: iso(at), prorationCents: 0, lines: [] };
  if (t.mode === 'stripe') {
    // Not enrolled yet (or not billable in Stripe): enrolment bills the new plan from the start.
    if (!t.billing.stripe_subscription_id || !isBillable(to)) return { ...base, effective: 'now', effectiveAt: iso(at), prorationCents: 0, lines: [] };
    const preview = await previewStripeProration(b, stripeTarget(t), to, behavior, at);
    return { ...base, effective: 'now', effectiveAt: iso(at), prorationCents: preview.cents, lines: preview.lines };
  }
  const { cents, elapsedFraction } = manualProration(t, to, at);
  return { ...base, effective: 'now', effectiveAt: iso(at), prorationCents: cents, lines: cents === 0 ? [] : [{ description: describeProration(t.plan, to, elapsedFraction), amountCents: cents }] };
}

export async function quotePlanChange(b: BillingContext, input: ChannelParsedInput<'billing:quotePlanChange'>): Promise<PlanChangeQuote> {
  const t = await loadBillingTenant(b, input.ref);
  const to = await planPrice(b, input.plan, input.version);
  return buildQuote(b, t, to, input.prorationBehavior, b.clock.now());
}

/**
 * The change itself (without reading the result back): an upgrade now with its proration, a
 * downgrade recorded for the end of the period (Stripe bills the lower price from the next
 * renewal), a trial's choice as its conversion plan. Everything that can refuse is checked
 * before Stripe is called; local state is written only after Stripe answered.
 */
export async function applyPlanChange(b: BillingContext, input: ChannelParsedInput<'billing:changePlan'>): Promise<PlanChangeQuote> {
  const t = await loadBillingTenant(b, input.ref);
  if (t.tenant.version !== input.expectedVersion) {
    throw staleVersionError(t.tenant.tenant_code, t.tenant.version, input.expectedVersion);
  }
  const to = await planPrice(b, input.plan, input.version);
  const at = b.clock.now();
  const quote = await buildQuote(b, t, to, input.prorationBehavior, at);
  if (quote.direction === 'same') {
    if (t.billing.pending_plan_code === null) throw new AppError('INVALID_STATE', `${t.tenant.tenant_code} is already on ${to.code} v${to.version}.`);
    // Staying on the current plan takes back a downgrade waiting for the period end.
    if (t.mode === 'stripe' && t.billing.stripe_subscription_id && isBillable(to)) await takeBackStripeDowngrade(b, stripeTarget(t), to, at);
    await b.ctx.pool.query('UPDATE tenant_billing SET pending_plan_code = NULL, pending_plan_version = NULL, updated_at = now() WHERE tenant_id = $1', [t.tenant.id]);
    return quote;
  }
  if (quote.violations.length > 0 && !input.force) {
    throw new AppError(
      'INVALID_STATE',
      `Refused: ${t.tenant.tenant_code} is over the limits of ${to.code} v${to.version} — ${quote.violations.map((v) => `${v.resource}${v.companyName ? ` in company ${v.companyName}` : ''}: ${v.current}, new limit ${v.limit}`).join('; ')}. Force the change to apply it anyway.`,
    );
  }
  if (onTrial(t)) {
    await chooseConversionPlan(b, t, to);
    return quote;
  }
  const inStripe = t.mode === 'stripe' && t.billing.stripe_subscription_id !== null;
  if (quote.effective === 'period_end') {
    // Stripe bills the lower price from the renewal; a change of interval is scheduled so it does not bill early.
    if (inStripe && isBillable(to)) await scheduleStripeDowngrade(b, stripeTarget(t), to, at);
    await b.ctx.pool.query('UPDATE tenant_billing SET pending_plan_code = $2, pending_plan_version = $3, updated_at = now() WHERE tenant_id = $1', [t.tenant.id, to.code, to.version]);
    return quote;
  }
  const billedInStripe = inStripe && isBillable(to);
  if (billedInStripe) await changeStripePrice(b, stripeTarget(t), to, quote.prorationBehavior, at);
  try {
    await changeTenantPlan(b.ctx, { ref: t.tenant.tenant_code, plan: to.code, version: to.version, force: input.force, expectedVersion: input.expectedVersion, reason: input.reason });
  } catch (error) {
    // Stripe already bills the new price: say so where the operator looks. Running the change
    // again finishes it (the price is already set, so Stripe is not charged twice).
    if (billedInStripe) {
      const note = `Stripe bills ${to.code} v${to.version} but the plan change failed: ${(error as Error).message} — run the change again to finish it.`;
      await b.ctx.pool.query('UPDATE tenant_billing SET last_error = $2, updated_at = now() WHERE tenant_id = $1', [t.tenant.id, note.slice(0, 1000)]).catch(() => undefined);
    }
    throw error;
  }
  await b.ctx.pool.query('UPDATE tenant_billing SET pending_plan_code = NULL, pending_plan_version = NULL, last_error = NULL, updated_at = now() WHERE tenant_id = $1', [t.tenant.id]);
  if (t.mode === 'manual' && quote.prorationCents !== 0 && quote.prorationBehavior !== 'none') {
    // Manual mode: both create_prorations and always_invoice put the line on the next invoice
    // (the invoicing run picks pending items up; always_invoice bills on that next run).
    await b.ctx.pool.query(`INSERT INTO billing_pending_items (tenant_id, kind, description, amount_cents, created_by) VALUES ($1, 'proration', $2, $3, $4)`, [
      t.tenant.id,
      quote.lines[0]?.description ?? `Proration ${t.plan.code} → ${to.code}`,
      quote.prorationCents,
      b.ctx.operator,
    ]);
  }
  return quote;
}

async function chooseConversionPlan(b: BillingContext, t: BillingTenant, to: PlanPrice): Promise<void> {
  if (!isBillable(to)) throw new AppError('INVALID_STATE', `A trial converts to a plan with a recurring price; ${to.code} has none.`);
  if (t.mode === 'stripe' && t.billing.stripe_subscription_id) {
    await changeStripePrice(b, stripeTarget(t), to, 'none', b.clock.now());
  }
  await b.ctx.pool.query('UPDATE tenant_billing SET conversion_plan_code = $2, updated_at = now() WHERE tenant_id = $1', [t.tenant.id, to.code]);
}

export async function changePlanWithBilling(b: BillingContext, input: ChannelParsedInput<'billing:changePlan'>): Promise<TenantBilling> {
  await applyPlanChange(b, input);
  return getTenantBilling(b, input.ref);
}

/** Cancels at the period end (undone by resume) or now; the lifecycle job cancels the tenant once the state is canceled. */
export async function applyCancellation(b: BillingContext, input: ChannelParsedInput<'billing:cancelSubscription'>): Promise<void> {
  const t = await loadBillingTenant(b, input.ref);
  if (t.billing.state === 'canceled') throw new AppError('INVALID_STATE', `${t.tenant.tenant_code}'s subscription is already canceled.`);
  const inStripe = t.mode === 'stripe' && t.billing.stripe_subscription_id !== null;
  if (input.when === 'period_end') {
    if (inStripe) await setStripeCancelAtPeriodEnd(b, stripeTarget(t), true);
    else await b.ctx.pool.query('UPDATE tenant_billing SET cancel_at_period_end = true, updated_at = now() WHERE tenant_id = $1', [t.tenant.id]);
    return;
  }
  if (inStripe) await cancelStripeNow(b, stripeTarget(t));
  else await b.ctx.pool.query(`UPDATE tenant_billing SET state = 'canceled', cancel_at_period_end = false, updated_at = now() WHERE tenant_id = $1`, [t.tenant.id]);
}

export async function cancelSubscription(b: BillingContext, input: ChannelParsedInput<'billing:cancelSubscription'>): Promise<TenantBilling> {
  await applyCancellation(b, input);
  return getTenantBilling(b, input.ref);
}

export async function applyResume(b: BillingContext, ref: string): Promise<void> {
  const t = await loadBillingTenant(b, ref);
  if (t.billing.state === 'canceled') throw new AppError('INVALID_STATE', `${t.tenant.tenant_code}'s subscription has ended: it cannot be resumed (enrol it again instead).`);
  if (!t.billing.cancel_at_period_end) throw new AppError('INVALID_STATE', `${t.tenant.tenant_code} has no cancellation to take back.`);
  if (t.mode === 'stripe' && t.billing.stripe_subscription_id) {
    await setStripeCancelAtPeriodEnd(b, stripeTarget(t), false);
  } else {
    await b.ctx.pool.query('UPDATE tenant_billing SET cancel_at_period_end = false, updated_at = now() WHERE tenant_id = $1', [t.tenant.id]);
  }
}

export async function resumeSubscription(b: BillingContext, input: ChannelParsedInput<'billing:resumeSubscription'>): Promise<TenantBilling> {
  await applyResume(b, input.ref);
  return getTenantBilling(b, input.ref);
}

/** Manual mode only: in Stripe mode the payment method comes from Stripe (customer's default or attached). */
export async function applyPaymentMethod(b: BillingContext, input: ChannelParsedInput<'billing:setPaymentMethod'>): Promise<void> {
  const t = await loadBillingTenant(b, input.ref);
  if (t.mode === 'stripe') throw new AppError('INVALID_STATE', 'In Stripe mode the payment method comes from Stripe (the customer adds it there); it cannot be set here.');
  await b.ctx.pool.query('UPDATE tenant_billing SET payment_method_present = $2, payment_method_label = $3, updated_at = now() WHERE tenant_id = $1', [
    t.tenant.id,
    input.present,
    input.present ? (input.label ?? null) : null,
  ]);
}

export async function setPaymentMethod(b: BillingContext, input: ChannelParsedInput<'billing:setPaymentMethod'>): Promise<TenantBilling> {
  await applyPaymentMethod(b, input);
  return getTenantBilling(b, input.ref);
}

export async function applyConversionPlan(b: BillingContext, input: ChannelParsedInput<'billing:setConversionPlan'>): Promise<void> {
  const t = await loadBillingTenant(b, input.ref);
  if (!onTrial(t)) throw new AppError('INVALID_STATE', `${t.tenant.tenant_code} is not on a trial: change its plan instead.`);
  await chooseConversionPlan(b, t, await planPrice(b, input.plan));
}

export async function setConversionPlan(b: BillingContext, input: ChannelParsedInput<'billing:setConversionPlan'>): Promise<TenantBilling> {
  await applyConversionPlan(b, input);
  return getTenantBilling(b, input.ref);
}
