import type Stripe from 'stripe';
import { stripeCall } from './stripe-client';

export interface PaymentMethodInfo {
  readonly present: boolean;
  /** 'visa •••• 4242': never more than the last four digits. */
  readonly label: string | null;
}

export function paymentMethodLabel(method: Stripe.PaymentMethod): string {
  if (method.card) return `${method.card.display_brand ?? method.card.brand} •••• ${method.card.last4}`;
  if (method.sepa_debit?.last4) return `SEPA Direct Debit •••• ${method.sepa_debit.last4}`;
  if (method.us_bank_account?.last4) return `bank account •••• ${method.us_bank_account.last4}`;
  return method.type.replace(/_/g, ' ');
}

/**
 * Whether the customer can pay: its default payment method (invoice_settings), else any
 * method attached to it. Read live, so events applied late still show today's answer.
 */
export async function readPaymentMethod(stripe: Stripe, customerId: string): Promise<PaymentMethodInfo> {
  const customer = await stripeCall('reading a customer', () => stripe.customers.retrieve(customerId));
  if ('deleted' in customer && customer.deleted) return { present: false, label: null };
  const live = customer as Stripe.Customer;
  const preferred = live.invoice_settings.default_payment_method;
  if (preferred) {
    const method = typeof preferred === 'string' ? await stripeCall('reading a payment method', () => stripe.paymentMethods.retrieve(preferred)) : preferred;
    return { present: true, label: paymentMethodLabel(method) };
  }
  const attached = await stripeCall('listing payment methods', () => stripe.customers.listPaymentMethods(customerId, { limit: 1 }));
  const first = attached.data[0];
  return first ? { present: true, label: paymentMethodLabel(first) } : { present: false, label: null };
}
