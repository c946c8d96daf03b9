import type Stripe from 'stripe';
import type { BillingState } from '../../../src-shared/contract/billing-models';

/**
 * Stripe's subscription status → the tenant's billing state. Every status is handled on
 * purpose (Stripe's API reference, Subscription `status`):
 * - incomplete: the first invoice's payment failed (a card was declined); money is owed and
 *   the grace rules apply → past_due.
 * - incomplete_expired: that first invoice stayed unpaid for 23 hours; Stripe voided it and
 *   the subscription is terminal. The tenant did not cancel anything: it is a payment that
 *   never arrived → unpaid (grace and dunning, never the tenant's cancellation). The
 *   enrolment replaces the subscription with one billed by invoice (stripe-enroll.ts).
 * - past_due: a renewal's payment failed and Stripe retries it → past_due.
 * - unpaid: Stripe gave up after the last retry (account setting "mark the subscription as
 *   unpaid"), or paused → unpaid: nothing is collected until the latest invoice is paid.
 * - canceled: on request (an operator, the customer, cancel at period end) → canceled, and
 *   the lifecycle cancels the tenant. Canceled because Stripe gave up collecting
 *   (`cancellation_details.reason` payment_failed, the account setting "cancel the
 *   subscription") is, again, a payment that never arrived → unpaid, and the enrolment
 *   replaces the subscription; the tenant is never cancelled for it.
 */
export function billingStateFor(status: Stripe.Subscription.Status, cancellationReason: string | null = null): BillingState {
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
    case 'incomplete_expired':
      return 'unpaid';
    case 'canceled':
      return cancellationReason === 'payment_failed' ? 'unpaid' : 'canceled';
    default:
      return 'past_due';
  }
}

/** A subscription that ended because Stripe could not collect it (the console replaces it). */
export function endedForNonPayment(subscription: Pick<Stripe.Subscription, 'status' | 'cancellation_details'>): boolean {
  return subscription.status === 'incomplete_expired' || (subscription.status === 'canceled' && subscription.cancellation_details?.reason === 'payment_failed');
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
    state: billingStateFor(subscription.status, subscription.cancellation_details?.reason ?? null),
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

/** The parameters of SUBSCRIPTION_UPDATE_SQL; `state` overrides the one the status maps to (an operator's cancel-now). */
export const subscriptionParams = (tenantId: string, subscription: Stripe.Subscription, state?: BillingState): unknown[] => {
  const c = subscriptionColumns(subscription);
  return [tenantId, c.subscriptionId, c.status, state ?? c.state, c.periodStart, c.periodEnd, c.cancelAtPeriodEnd];
};
