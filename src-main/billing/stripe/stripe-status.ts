import type Stripe from 'stripe';
import type { BillingState } from '../../../src-shared/contract/billing-models';

/**
 * Stripe's subscription status → the tenant's billing state. incomplete (the first payment
 * has not gone through) counts as past_due: money is owed and the grace rules apply;
 * incomplete_expired is a subscription that never started (canceled); paused collects
 * nothing, like unpaid.
 */
export function billingStateFor(status: Stripe.Subscription.Status): BillingState {
  switch (status) {
    case 'trialing':
      return 'trialing';
    case 'active':
      return 'active';
    case 'past_due':
    case 'incomplete':
      return 'past_due';
    case 'unpaid':
    case 'paused':
      return 'unpaid';
    case 'canceled':
    case 'incomplete_expired':
      return 'canceled';
    default:
      return 'past_due';
  }
}

/** In this API version the billing period lives on the subscription item, not the subscription. */
export function subscriptionPeriod(subscription: Stripe.Subscription): { start: Date | null; end: Date | null } {
  const item = subscription.items.data[0];
  if (!item) return { start: null, end: null };
  return { start: new Date(item.current_period_start * 1000), end: new Date(item.current_period_end * 1000) };
}

/** The columns of tenant_billing a subscription sets (the same from enrolment, plan changes and events). */
export function subscriptionColumns(subscription: Stripe.Subscription): {
  subscriptionId: string;
  status: string;
  state: BillingState;
  periodStart: Date | null;
  periodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
} {
  const period = subscriptionPeriod(subscription);
  return {
    subscriptionId: subscription.id,
    status: subscription.status,
    state: billingStateFor(subscription.status),
    periodStart: period.start,
    periodEnd: period.end,
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
  };
}

export const SUBSCRIPTION_UPDATE_SQL = /* sql */ `
  UPDATE tenant_billing
     SET stripe_subscription_id = $2, stripe_subscription_status = $3, state = $4,
         current_period_start = $5, current_period_end = $6, cancel_at_period_end = $7, updated_at = now()
   WHERE tenant_id = $1`;

export const subscriptionParams = (tenantId: string, subscription: Stripe.Subscription): unknown[] => {
  const c = subscriptionColumns(subscription);
  return [tenantId, c.subscriptionId, c.status, c.state, c.periodStart, c.periodEnd, c.cancelAtPeriodEnd];
};
