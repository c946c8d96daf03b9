import type Stripe from 'stripe';
import type { StripeSyncReport } from '../../../src-shared/contract/billing-models';
import type { BillingContext } from '../billing-context';
import { applyStripeEvent } from './stripe-apply-event';
import { isStripeError, redact, stripeCall, stripeClient } from './stripe-client';

const PAGE = 100;
/** A run applies at most this many events; the next run continues from the cursor. */
const MAX_EVENTS_PER_RUN = 10_000;

/**
 * Every event newer than the cursor, oldest first. Stripe lists newest first: with a cursor,
 * `ending_before` pages towards the present (each page newest first, next page before its
 * first id); without one (first sync, or a cursor Stripe no longer keeps), the whole
 * retained log, paged back in time and reversed.
 */
async function eventsAfter(stripe: Stripe, cursor: string | null): Promise<Stripe.Event[]> {
  if (cursor) {
    try {
      const ordered: Stripe.Event[] = [];
      let before = cursor;
      for (;;) {
        const page = await stripe.events.list({ ending_before: before, limit: PAGE });
        ordered.push(...[...page.data].reverse());
        if (!page.has_more || page.data.length === 0 || ordered.length >= MAX_EVENTS_PER_RUN) break;
        before = page.data[0]!.id;
      }
      return ordered;
    } catch (error) {
      // Stripe keeps 30 days of events: an older cursor is gone, so read what is kept (idempotent by id).
      if (!(isStripeError(error) && error.type === 'StripeInvalidRequestError' && error.code === 'resource_missing')) throw error;
    }
  }
  const newestFirst: Stripe.Event[] = [];
  for await (const event of stripe.events.list({ limit: PAGE })) {
    newestFirst.push(event);
    if (newestFirst.length >= MAX_EVENTS_PER_RUN) break;
  }
  return newestFirst.reverse();
}

/** Polls Stripe's events from the stored cursor and applies each once (by id), oldest first. */
export async function syncStripeEvents(b: BillingContext): Promise<StripeSyncReport> {
  const stripe = await stripeClient(b);
  const state = await b.ctx.pool.query<{ last_event_id: string | null }>('SELECT last_event_id FROM stripe_sync_state');
  const cursor = state.rows[0]?.last_event_id ?? null;
  const report = { eventsSeen: 0, eventsApplied: 0, eventsSkipped: 0, cursor, tenantsUpdated: new Set<string>() };
  try {
    const events = await stripeCall('listing events', () => eventsAfter(stripe, cursor));
    for (const event of events) {
      report.eventsSeen += 1;
      const result = await applyStripeEvent(b, stripe, event, 'poll');
      if (result.applied) report.eventsApplied += 1;
      else report.eventsSkipped += 1;
      if (result.applied && result.tenantCode) report.tenantsUpdated.add(result.tenantCode);
      report.cursor = event.id;
    }
    await b.ctx.pool.query('UPDATE stripe_sync_state SET last_synced_at = $1, last_error = NULL', [b.clock.now()]);
  } catch (error) {
    await b.ctx.pool.query('UPDATE stripe_sync_state SET last_error = $1', [redact((error as Error).message).slice(0, 1000)]).catch(() => undefined);
    throw error;
  }
  return { eventsSeen: report.eventsSeen, eventsApplied: report.eventsApplied, eventsSkipped: report.eventsSkipped, cursor: report.cursor, tenantsUpdated: [...report.tenantsUpdated].sort() };
}
