/**
 * Part of the tests' FAKE of an external service (Stripe's HTTP API). Billing periods as
 * Stripe computes them: every period boundary is the billing cycle anchor plus a whole
 * number of intervals, with the anchor's day clamped to the month's length — an anchor on
 * Jan 31 bills on Feb 28, Mar 31, Apr 30 and never drifts to the 3rd.
 *
 * Relied on: API reference, Subscription object `billing_cycle_anchor` ("Determines the date
 * of the first full invoice, and, for plans with month or year intervals, the day of the
 * month for subsequent invoices"; its default is the creation date, or the trial end when there
 * is a trial) and the Billing guide "Set the subscription billing renewal date"
 * (docs.stripe.com/billing/subscriptions/billing-cycle: a monthly subscription anchored on
 * January 31 bills the last day of the month closest to the anchor date, so February 28,
 * then March 31, April 30).
 */

export type Interval = 'month' | 'year';

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month + 1, 0)).getUTCDate();

/** The anchor moved by `count` intervals, its day of month clamped (UTC, seconds). */
export function anchorPlus(anchor: number, count: number, interval: Interval | string): number {
  const at = new Date(anchor * 1000);
  const months = interval === 'year' ? 12 * count : count;
  const total = at.getUTCMonth() + months;
  const year = at.getUTCFullYear() + Math.floor(total / 12);
  const month = ((total % 12) + 12) % 12;
  const day = Math.min(at.getUTCDate(), daysInMonth(year, month));
  return Math.floor(Date.UTC(year, month, day, at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds()) / 1000);
}

/** The first period boundary strictly after `after`, counted from the anchor. */
export function nextBoundary(anchor: number, after: number, interval: Interval | string): number {
  if (anchor > after) return anchor;
  let count = 1;
  // Whole years/months elapsed is a good first guess; step on from there.
  const elapsedMonths = Math.max(0, Math.floor((after - anchor) / (interval === 'year' ? 365 * 86_400 : 31 * 86_400)));
  count = Math.max(1, elapsedMonths);
  while (anchorPlus(anchor, count - 1, interval) > after && count > 1) count -= 1;
  while (anchorPlus(anchor, count, interval) <= after) count += 1;
  return anchorPlus(anchor, count, interval);
}
