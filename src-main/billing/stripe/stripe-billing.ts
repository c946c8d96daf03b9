/** The Stripe side of billing, one file per job; the handlers import from here. */
export { syncStripeEvents } from './stripe-sync';
export { handleStripeWebhook } from './stripe-webhook';
export { enrollStripeTenants, enrollStripeTenantsDetailed } from './stripe-enroll';
export { listStripePrices, linkStripePrice, ensureStripePrice } from './stripe-catalog';
