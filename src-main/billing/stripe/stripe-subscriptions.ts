import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import type { ProrationBehavior } from '../../../src-shared/contract/billing-models';
import { AppError } from '../../base/app-error';
import type { BillingContext } from '../billing-context';
import { ensureStripePrice } from './stripe-catalog';
import { isStripeError, stripeCall, stripeClient, toAppError, unixSeconds } from './stripe-client';
import { prorationTotal } from './stripe-invoices';
import { SUBSCRIPTION_UPDATE_SQL, subscriptionParams } from './stripe-status';

export interface StripeTarget {
  readonly tenantId: string;
  readonly tenantCode: string;
  readonly customerId: string | null;
  readonly subscriptionId: string | null;
}

function requireSubscription(target: StripeTarget): { customerId: string; subscriptionId: string } {
  if (!target.customerId || !target.subscriptionId) {
    throw new AppError('INVALID_STATE', `${target.tenantCode} has no Stripe subscription yet: run the billing jobs (they enrol tenants in Stripe) first.`);
  }
  return { customerId: target.customerId, subscriptionId: target.subscriptionId };
}

async function subscriptionItem(stripe: Stripe, subscriptionId: string): Promise<Stripe.Subscription> {
  const subscription = await stripeCall('reading the subscription', () => stripe.subscriptions.retrieve(subscriptionId));
  if (!subscription.items.data[0]) throw new AppError('INVALID_STATE', `Stripe subscription ${subscriptionId} has no item to change.`);
  return subscription;
}

/**
 * Stripe refuses changes to a subscription that is not running: an `incomplete` one "can only
 * have metadata and default_source updated" until its first invoice is paid (or, 23 hours
 * on, it expires), and a canceled or expired one only takes metadata. Said here in the
 * operator's words, before anything is sent.
 */
function assertChangeable(target: StripeTarget, subscription: Stripe.Subscription, what: string): void {
  if (subscription.status === 'incomplete') {
    throw new AppError(
      'INVALID_STATE',
      `${target.tenantCode}'s first Stripe invoice is not paid yet (subscription ${subscription.id} is incomplete): Stripe accepts no ${what} until it is paid. Wait for the payment (or the replacement the billing jobs make if it stays unpaid), or cancel now.`,
    );
  }
  if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') {
    throw new AppError('INVALID_STATE', `${target.tenantCode}'s Stripe subscription ${subscription.id} has ended (${subscription.status}): run the billing jobs, which replace a subscription that ended unpaid.`);
  }
}

/** A price's interval (month, year). */
const intervalOf = (price: Stripe.Price): string => price.recurring?.interval ?? 'none';

/**
 * What Stripe would bill for moving to the plan's price now: the proration lines of a
 * preview invoice — or, when the billing interval changes (monthly ↔ yearly), the whole
 * invoice Stripe makes at once (the unused time's credit and the new period: Stripe resets
 * the billing date and bills immediately).
 */
export async function previewStripeProration(
  b: BillingContext,
  target: StripeTarget,
  plan: { code: string; version: number },
  behavior: ProrationBehavior,
  at: Date,
): Promise<{ cents: number; lines: { description: string; amountCents: number }[] }> {
  const { customerId, subscriptionId } = requireSubscription(target);
  const stripe = await stripeClient(b);
  const link = await ensureStripePrice(b, plan.code, plan.version);
  const subscription = await subscriptionItem(stripe, subscriptionId);
  assertChangeable(target, subscription, 'plan change');
  const item = subscription.items.data[0]!;
  const newPrice = await stripeCall('reading a price', () => stripe.prices.retrieve(link.stripePriceId));
  const intervalChange = intervalOf(item.price) !== intervalOf(newPrice) && subscription.status !== 'trialing';
  if (behavior === 'none' && !intervalChange) return { cents: 0, lines: [] };
  const preview = await stripeCall('previewing the proration', () =>
    stripe.invoices.createPreview({
      customer: customerId,
      subscription: subscriptionId,
      subscription_details: { items: [{ id: item.id, price: link.stripePriceId }], proration_behavior: behavior, ...prorationDate(behavior, at) },
    }),
  );
  if (!intervalChange) return prorationTotal(preview);
  const lines = preview.lines.data.map((line) => ({ description: (line.description ?? 'Subscription').slice(0, 300), amountCents: line.amount }));
  return { cents: lines.reduce((sum, line) => sum + line.amountCents, 0), lines };
}

/**
 * `proration_date` says when prorations are computed; with proration_behavior none there are
 * none, and Stripe refuses the pair — so it is sent only with a behaviour that prorates.
 */
const prorationDate = (behavior: ProrationBehavior, at: Date): { proration_date?: number } => (behavior === 'none' ? {} : { proration_date: unixSeconds(at) });

/**
 * A fresh key per intent: the SDK's own retries of this request reuse it (so a lost answer
 * is not applied twice), while a later, different request of the same shape (cancel, resume,
 * cancel again) is not mistaken for a replay. Creates use deterministic keys instead.
 */
const intentKey = (what: string): string => `tc-${what}-${randomUUID()}`;

/**
 * Moves the subscription to the plan's price (nothing to do when it is already there, so a
 * retry after a crash is safe); the billing row is written only after Stripe answered.
 */
export async function changeStripePrice(
  b: BillingContext,
  target: StripeTarget,
  plan: { code: string; version: number },
  behavior: ProrationBehavior,
  at: Date,
): Promise<Stripe.Subscription> {
  const { subscriptionId } = requireSubscription(target);
  const stripe = await stripeClient(b);
  const link = await ensureStripePrice(b, plan.code, plan.version);
  const current = await subscriptionItem(stripe, subscriptionId);
  const item = current.items.data[0]!;
  if (item.price.id !== link.stripePriceId) assertChangeable(target, current, 'plan change');
  const updated =
    item.price.id === link.stripePriceId
      ? current
      : await stripeCall('changing the subscription price', () =>
          stripe.subscriptions.update(
            subscriptionId,
            {
              items: [{ id: item.id, price: link.stripePriceId }],
              proration_behavior: behavior,
              ...prorationDate(behavior, at),
              metadata: { plan_code: plan.code, plan_version: String(plan.version) },
            },
            { idempotencyKey: intentKey('price') },
          ),
        );
  await b.ctx.pool.query(SUBSCRIPTION_UPDATE_SQL, subscriptionParams(target.tenantId, updated));
  return updated;
}

/**
 * A downgrade at the period end. With the same billing interval the lower price is set now
 * without proration, and Stripe bills it from the next renewal. With another interval
 * (yearly → monthly) that would not wait: Stripe resets the billing date and invoices at
 * once when the interval changes — so the change is scheduled instead (a subscription
 * schedule made from the subscription: the current price until the period end, then the new
 * one; released afterwards, so the subscription runs on as before).
 */
export async function scheduleStripeDowngrade(b: BillingContext, target: StripeTarget, plan: { code: string; version: number }, at: Date): Promise<void> {
  const { subscriptionId } = requireSubscription(target);
  const stripe = await stripeClient(b);
  const link = await ensureStripePrice(b, plan.code, plan.version);
  const current = await subscriptionItem(stripe, subscriptionId);
  const item = current.items.data[0]!;
  const newPrice = await stripeCall('reading a price', () => stripe.prices.retrieve(link.stripePriceId));
  const existing = typeof current.schedule === 'string' ? current.schedule : (current.schedule?.id ?? null);
  if (intervalOf(item.price) === intervalOf(newPrice) || current.status === 'trialing') {
    // An earlier interval-changing downgrade's schedule would override this one at the period end.
    if (existing) await stripeCall('releasing the scheduled downgrade', () => stripe.subscriptionSchedules.release(existing, {}, { idempotencyKey: intentKey('release') }));
    await changeStripePrice(b, target, plan, 'none', at);
    return;
  }
  assertChangeable(target, current, 'downgrade');
  const schedule = existing
    ? await stripeCall('reading the subscription schedule', () => stripe.subscriptionSchedules.retrieve(existing))
    : await stripeCall('scheduling the downgrade', () => stripe.subscriptionSchedules.create({ from_subscription: subscriptionId }, { idempotencyKey: intentKey('schedule') }));
  await stripeCall('scheduling the downgrade', () =>
    stripe.subscriptionSchedules.update(
      schedule.id,
      {
        end_behavior: 'release',
        phases: [
          { items: [{ price: item.price.id }], start_date: schedule.current_phase?.start_date ?? item.current_period_start, end_date: item.current_period_end },
          { items: [{ price: link.stripePriceId }], proration_behavior: 'none' },
        ],
      },
      { idempotencyKey: intentKey('schedule-phases') },
    ),
  );
}

/** Takes back a downgrade waiting for the period end: its schedule is released (the price never changed), or the price set back. */
export async function takeBackStripeDowngrade(b: BillingContext, target: StripeTarget, plan: { code: string; version: number }, at: Date): Promise<void> {
  const { subscriptionId } = requireSubscription(target);
  const stripe = await stripeClient(b);
  const current = await subscriptionItem(stripe, subscriptionId);
  const scheduleId = typeof current.schedule === 'string' ? current.schedule : (current.schedule?.id ?? null);
  if (scheduleId) await stripeCall('releasing the scheduled downgrade', () => stripe.subscriptionSchedules.release(scheduleId, {}, { idempotencyKey: intentKey('release') }));
  await changeStripePrice(b, target, plan, 'none', at);
}

export async function setStripeCancelAtPeriodEnd(b: BillingContext, target: StripeTarget, cancel: boolean): Promise<Stripe.Subscription> {
  const { subscriptionId } = requireSubscription(target);
  const stripe = await stripeClient(b);
  assertChangeable(target, await subscriptionItem(stripe, subscriptionId), cancel ? 'cancellation at the period end' : 'resume');
  const updated = await stripeCall(cancel ? 'scheduling the cancellation' : 'resuming the subscription', () =>
    stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: cancel }, { idempotencyKey: intentKey(cancel ? 'cancel-at-end' : 'resume') }),
  );
  await b.ctx.pool.query(SUBSCRIPTION_UPDATE_SQL, subscriptionParams(target.tenantId, updated));
  return updated;
}

/**
 * Cancels now. Stripe's defaults are kept on purpose and sent explicitly: no final invoice
 * and no credit for the unused time (invoice_now and prorate false), which also removes the
 * subscription's pending proration items — nothing more is billed after a cancel-now.
 * DELETE takes no idempotency key (Stripe: GET and DELETE are idempotent by definition and a
 * key has no effect), so a retry after a lost answer — the SDK's own, or the operator's —
 * finds the subscription already canceled and Stripe refuses it: that is the success it
 * looks like, not a failure. The tenant's billing is canceled either way (an operator's
 * cancel-now is a cancellation, even of a subscription Stripe ended for non-payment).
 */
export async function cancelStripeNow(b: BillingContext, target: StripeTarget): Promise<Stripe.Subscription> {
  const { subscriptionId } = requireSubscription(target);
  const stripe = await stripeClient(b);
  let canceled: Stripe.Subscription;
  try {
    canceled = await stripe.subscriptions.cancel(subscriptionId, { invoice_now: false, prorate: false });
  } catch (error) {
    const already = isStripeError(error) && error.type === 'StripeInvalidRequestError' ? await stripe.subscriptions.retrieve(subscriptionId).catch(() => null) : null;
    if (!already || (already.status !== 'canceled' && already.status !== 'incomplete_expired')) throw toAppError('canceling the subscription', error);
    canceled = already;
  }
  await b.ctx.pool.query(SUBSCRIPTION_UPDATE_SQL, subscriptionParams(target.tenantId, canceled, 'canceled'));
  return canceled;
}

/** The subscription as Stripe has it now, written to the billing row (after a downgrade took effect). */
export async function refreshStripeSubscription(b: BillingContext, target: StripeTarget): Promise<void> {
  if (!target.subscriptionId) return;
  const stripe = await stripeClient(b);
  const subscription = await stripeCall('reading the subscription', () => stripe.subscriptions.retrieve(target.subscriptionId!));
  await b.ctx.pool.query(SUBSCRIPTION_UPDATE_SQL, subscriptionParams(target.tenantId, subscription));
}
