import { randomUUID } from 'node:crypto';
import type { ProrationBehavior } from '../../../src-shared/contract/billing-models';
import { AppError } from '../../base/app-error';
import type { BillingContext } from '../billing-context';
import { ensureStripePrice } from './stripe-catalog';
import { stripeCall, stripeClient, toAppError, unixSeconds } from './stripe-client';

export interface PriceChangeTarget {
  readonly scheduleId: string;
  readonly tenantId: string;
  readonly tenantCode: string;
  readonly subscriptionId: string;
}

/** Subscriptions Stripe lets a schedule take over (API reference: from_subscription). */
const SCHEDULABLE = ['trialing', 'active', 'past_due', 'unpaid'];

/**
 * An announced price change in Stripe: a subscription schedule made from the subscription
 * (`from_subscription`), whose current phase keeps today's price until the date and whose
 * next phase has the new one (`proration_behavior` the console's setting, so the part of
 * the period after the date is billed at the new price, as manual mode does); end_behavior
 * `release`, so the subscription runs on as before once the phase is over. Stripe moves
 * the price at the date by itself; the lifecycle job moves the tenant's plan and limits.
 * Keys are derived from the schedule and tenant: a retried request is a replay, not a second
 * schedule. Refused in the operator's words when the subscription is not running or is
 * already under a schedule (a downgrade waiting for the period end): the job then changes
 * the price directly at the date.
 */
export async function scheduleStripePriceChange(
  b: BillingContext,
  target: PriceChangeTarget,
  plan: { code: string; version: number },
  moveAt: Date,
  behavior: ProrationBehavior,
): Promise<string> {
  const stripe = await stripeClient(b);
  const link = await ensureStripePrice(b, plan.code, plan.version);
  const subscription = await stripeCall('reading the subscription', () => stripe.subscriptions.retrieve(target.subscriptionId));
  if (!SCHEDULABLE.includes(subscription.status)) {
    throw new AppError('INVALID_STATE', `${target.tenantCode}'s Stripe subscription is ${subscription.status}: Stripe schedules only running subscriptions (the job changes the price at the date instead).`);
  }
  if (subscription.schedule) {
    throw new AppError('INVALID_STATE', `${target.tenantCode}'s Stripe subscription already follows a schedule (a change waiting for the period end): the job changes the price at the date instead.`);
  }
  const item = subscription.items.data[0];
  if (!item) throw new AppError('INVALID_STATE', `Stripe subscription ${subscription.id} has no item to change.`);
  const key = `tc-price-change-${target.scheduleId}-${target.tenantId}`;
  const schedule = await stripeCall('scheduling the price change', () =>
    stripe.subscriptionSchedules.create({ from_subscription: subscription.id }, { idempotencyKey: `${key}-create` }),
  );
  await stripeCall('scheduling the price change', () =>
    stripe.subscriptionSchedules.update(
      schedule.id,
      {
        end_behavior: 'release',
        phases: [
          { items: [{ price: item.price.id }], start_date: schedule.current_phase?.start_date ?? item.current_period_start, end_date: unixSeconds(moveAt) },
          { items: [{ price: link.stripePriceId }], proration_behavior: behavior },
        ],
        metadata: { tc_price_change: target.scheduleId },
      },
      { idempotencyKey: `${key}-phases` },
    ),
  );
  return schedule.id;
}

/**
 * Takes a scheduled price change back: the schedule is released (the subscription keeps its
 * price and runs on). A schedule already released, completed or canceled (another change
 * released it) is taken back already: that is success.
 */
export async function releaseStripePriceChange(b: BillingContext, stripeScheduleId: string): Promise<void> {
  const stripe = await stripeClient(b);
  const schedule = await stripeCall('reading the price change schedule', () => stripe.subscriptionSchedules.retrieve(stripeScheduleId));
  if (schedule.status !== 'active' && schedule.status !== 'not_started') return;
  try {
    await stripe.subscriptionSchedules.release(stripeScheduleId, {}, { idempotencyKey: `tc-release-${randomUUID()}` });
  } catch (error) {
    const again = await stripe.subscriptionSchedules.retrieve(stripeScheduleId).catch(() => null);
    if (!again || again.status === 'active' || again.status === 'not_started') throw toAppError('releasing the price change schedule', error);
  }
}

/** The price the subscription is on now (to tell whether its schedule moved it at the date). */
export async function subscriptionPriceIs(b: BillingContext, subscriptionId: string, plan: { code: string; version: number }): Promise<boolean> {
  const stripe = await stripeClient(b);
  const link = await ensureStripePrice(b, plan.code, plan.version);
  const subscription = await stripeCall('reading the subscription', () => stripe.subscriptions.retrieve(subscriptionId));
  return subscription.items.data[0]?.price.id === link.stripePriceId;
}
