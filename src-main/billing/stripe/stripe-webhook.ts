import type Stripe from 'stripe';
import { AppError } from '../../base/app-error';
import { SECRET_STRIPE_WEBHOOK, type BillingContext } from '../billing-context';
import { applyStripeEvent } from './stripe-apply-event';
import { isStripeError, stripeClient } from './stripe-client';

/** Stripe's events are small; anything larger is not one. */
export const MAX_WEBHOOK_BYTES = 512 * 1024;

/**
 * A signed webhook (host mode on a server): the signature is checked with the SDK and the
 * webhook secret from the secret store, then the event is applied like a polled one (once,
 * by id). A bad signature is refused before anything is read from the body.
 */
export async function handleStripeWebhook(b: BillingContext, rawBody: Buffer, signature: string): Promise<{ eventId: string; applied: boolean }> {
  if (rawBody.length > MAX_WEBHOOK_BYTES) throw new AppError('VALIDATION', `A Stripe webhook body is at most ${MAX_WEBHOOK_BYTES} bytes.`);
  const secret = await b.secrets.get(SECRET_STRIPE_WEBHOOK);
  if (secret === null) throw new AppError('INVALID_STATE', 'No Stripe webhook signing secret is set: add it in the billing settings.');
  const stripe = await stripeClient(b);
  let event: Stripe.Event;
  try {
    event = stripe.webhooks.constructEvent(rawBody, signature, secret);
  } catch (error) {
    if (isStripeError(error) && error.type === 'StripeSignatureVerificationError') throw new AppError('VALIDATION', 'The Stripe webhook signature does not verify.');
    throw new AppError('VALIDATION', `Not a Stripe webhook: ${(error as Error).message}`);
  }
  const result = await applyStripeEvent(b, stripe, event, 'webhook');
  return { eventId: event.id, applied: result.applied };
}
