import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import type { ProrationBehavior } from '../../../src-shared/contract/billing-models';
import { AppError } from '../../base/app-error';
import type { BillingContext } from '../billing-context';
import { ensureStripePrice } from './stripe-catalog';
import { stripeCall, stripeClient, unixSeconds } from './stripe-client';
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

/** What Stripe would add for moving to the plan's price now: the proration lines of a preview invoice. */
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
  if (behavior === 'none') return { cents: 0, lines: [] };
  const preview = await stripeCall('previewing the proration', () =>
    stripe.invoices.createPreview({
      customer: customerId,
      subscription: subscriptionId,
      subscription_details: { items: [{ id: subscription.items.data[0]!.id, price: link.stripePriceId }], proration_date: unixSeconds(at), proration_behavior: behavior },
    }),
  );
  return prorationTotal(preview);
}

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
  const updated =
    item.price.id === link.stripePriceId
      ? current
      : await stripeCall('changing the subscription price', () =>
          stripe.subscriptions.update(
            subscriptionId,
            {
              items: [{ id: item.id, price: link.stripePriceId }],
              proration_behavior: behavior,
              proration_date: unixSeconds(at),
              metadata: { plan_code: plan.code, plan_version: String(plan.version) },
            },
            { idempotencyKey: intentKey('price') },
          ),
        );
  await b.ctx.pool.query(SUBSCRIPTION_UPDATE_SQL, subscriptionParams(target.tenantId, updated));
  return updated;
}

export async function setStripeCancelAtPeriodEnd(b: BillingContext, target: StripeTarget, cancel: boolean): Promise<Stripe.Subscription> {
  const { subscriptionId } = requireSubscription(target);
  const stripe = await stripeClient(b);
  const updated = await stripeCall(cancel ? 'scheduling the cancellation' : 'resuming the subscription', () =>
    stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: cancel }, { idempotencyKey: intentKey(cancel ? 'cancel-at-end' : 'resume') }),
  );
  await b.ctx.pool.query(SUBSCRIPTION_UPDATE_SQL, subscriptionParams(target.tenantId, updated));
  return updated;
}

export async function cancelStripeNow(b: BillingContext, target: StripeTarget): Promise<Stripe.Subscription> {
  const { subscriptionId } = requireSubscription(target);
  const stripe = await stripeClient(b);
  const canceled = await stripeCall('canceling the subscription', () => stripe.subscriptions.cancel(subscriptionId, {}, { idempotencyKey: intentKey('cancel-now') }));
  await b.ctx.pool.query(SUBSCRIPTION_UPDATE_SQL, subscriptionParams(target.tenantId, canceled));
  return canceled;
}

/** The subscription as Stripe has it now, written to the billing row (after a downgrade took effect). */
export async function refreshStripeSubscription(b: BillingContext, target: StripeTarget): Promise<void> {
  if (!target.subscriptionId) return;
  const stripe = await stripeClient(b);
  const subscription = await stripeCall('reading the subscription', () => stripe.subscriptions.retrieve(target.subscriptionId!));
  await b.ctx.pool.query(SUBSCRIPTION_UPDATE_SQL, subscriptionParams(target.tenantId, subscription));
}
