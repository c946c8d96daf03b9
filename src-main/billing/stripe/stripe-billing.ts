import type { JobAction, StripePriceLink, StripeSyncReport } from '../../../src-shared/contract/billing-models';
import type { BillingContext } from '../billing-context';
import { notBuilt } from '../not-built';

/** Polls Stripe's events from the stored cursor and applies each once (by id). */
export async function syncStripeEvents(_b: BillingContext): Promise<StripeSyncReport> {
  return notBuilt('syncStripeEvents');
}

/** A signed webhook (host mode on a server): signature checked with the SDK, then applied like a polled event. */
export async function handleStripeWebhook(_b: BillingContext, _rawBody: Buffer, _signature: string): Promise<{ eventId: string; applied: boolean }> {
  return notBuilt('handleStripeWebhook');
}

/** Customer + subscription (with the trial end) for tenants that have none yet (all, or the given ids). */
export async function enrollStripeTenants(_b: BillingContext, _tenantIds?: readonly string[]): Promise<JobAction[]> {
  return notBuilt('enrollStripeTenants');
}

export async function listStripePrices(_b: BillingContext): Promise<StripePriceLink[]> {
  return notBuilt('listStripePrices');
}

export async function linkStripePrice(_b: BillingContext, _input: { code: string; version: number; priceId: string }): Promise<StripePriceLink> {
  return notBuilt('linkStripePrice');
}
