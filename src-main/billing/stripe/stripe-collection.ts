import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import type { BillingContext } from '../billing-context';
import { stripeCall } from './stripe-client';
import { SUBSCRIPTION_UPDATE_SQL, subscriptionParams } from './stripe-status';

/** Statuses in which a subscription still bills (the ones worth switching). */
const BILLING = new Set<string>(['trialing', 'active', 'past_due', 'unpaid']);

/**
 * Whether Stripe can charge the customer automatically: invoices are paid with the
 * customer's default payment method (invoice_settings.default_payment_method) or default
 * source — a payment method merely attached is not used (Billing guide "Automate payment
 * retries", payment method order).
 */
export async function hasDefaultPaymentMethod(stripe: Stripe, customerId: string): Promise<boolean> {
  const customer = await stripeCall('reading a customer', () => stripe.customers.retrieve(customerId));
  if ('deleted' in customer && customer.deleted) return false;
  const live = customer as Stripe.Customer;
  return live.invoice_settings.default_payment_method !== null || live.default_source !== null;
}

/**
 * A tenant enrolled without a card is billed by invoice (send_invoice); once its customer has
 * a default payment method, its subscription is charged automatically from the next invoice
 * on (invoices already sent stay payable on their hosted page). Called after a payment method
 * event was applied; does nothing when there is nothing to switch.
 */
export async function chargeAutomaticallyWhenPossible(b: BillingContext, stripe: Stripe, tenant: { id: string; stripe_subscription_id: string | null }, customerId: string): Promise<boolean> {
  if (!tenant.stripe_subscription_id) return false;
  const subscriptionId = tenant.stripe_subscription_id;
  const subscription = await stripeCall('reading the subscription', () => stripe.subscriptions.retrieve(subscriptionId));
  if (subscription.collection_method !== 'send_invoice' || !BILLING.has(subscription.status)) return false;
  if (!(await hasDefaultPaymentMethod(stripe, customerId))) return false;
  const updated = await stripeCall('charging the subscription automatically', () =>
    stripe.subscriptions.update(subscriptionId, { collection_method: 'charge_automatically' }, { idempotencyKey: `tc-collect-${randomUUID()}` }),
  );
  await b.ctx.pool.query(SUBSCRIPTION_UPDATE_SQL, subscriptionParams(tenant.id, updated));
  return true;
}
