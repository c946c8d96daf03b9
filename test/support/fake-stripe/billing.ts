/**
 * Part of the tests' FAKE of an external service (Stripe's HTTP API). What Stripe's billing
 * engine does, reduced to what the console relies on: periods (calendar months or years),
 * invoices for a period (plan line + pending invoice items), a payment attempt with the
 * customer's default payment method, proration items when a price changes mid-period.
 */
import type Stripe from 'stripe';
import type { FakeLine } from './objects';
import type { FakeStripeState, InvoiceRecord, PendingItem, SubscriptionRecord } from './state';

/** The end of one billing interval after `start` (calendar month or year, in UTC, like Stripe). */
export function addInterval(start: number, interval: 'month' | 'year' | string): number {
  const at = new Date(start * 1000);
  if (interval === 'year') at.setUTCFullYear(at.getUTCFullYear() + 1);
  else at.setUTCMonth(at.getUTCMonth() + 1);
  return Math.floor(at.getTime() / 1000);
}

const dateText = (seconds: number): string => new Date(seconds * 1000).toISOString().slice(0, 10);

/** The two proration lines for a price change at `at`: credit for the old price's unused time, charge for the new one's. */
export function prorationLines(state: FakeStripeState, sub: SubscriptionRecord, oldPrice: Stripe.Price, newPrice: Stripe.Price, at: number): FakeLine[] {
  const span = sub.periodEnd - sub.periodStart;
  const remaining = Math.max(0, sub.periodEnd - at);
  if (span <= 0 || remaining === 0) return [];
  const fraction = remaining / span;
  const base = { proration: true, periodStart: at, periodEnd: sub.periodEnd, subscription: sub.id, subscriptionItem: sub.itemId };
  return [
    { ...base, id: state.id('ii'), invoiceItem: null, price: oldPrice.id, amount: -Math.round((oldPrice.unit_amount ?? 0) * fraction), description: `Unused time on ${oldPrice.id} after ${dateText(at)}` },
    { ...base, id: state.id('ii'), invoiceItem: null, price: newPrice.id, amount: Math.round((newPrice.unit_amount ?? 0) * fraction), description: `Remaining time on ${newPrice.id} after ${dateText(at)}` },
  ].map((line) => ({ ...line, invoiceItem: line.id }));
}

export function addPendingItems(state: FakeStripeState, customer: string, currency: string, lines: FakeLine[]): void {
  for (const line of lines) {
    const item: PendingItem = { line, customer, currency, created: state.now(), invoice: null };
    state.invoiceItems.set(line.id, item);
  }
}

/** The customer's invoice items not yet on an invoice. */
export function pendingLines(state: FakeStripeState, customer: string): PendingItem[] {
  return [...state.invoiceItems.values()].filter((item) => item.customer === customer && item.invoice === null);
}

export function planLine(state: FakeStripeState, sub: SubscriptionRecord, price: Stripe.Price, amount: number, periodStart: number, periodEnd: number, description: string): FakeLine {
  return { id: state.id('il'), amount, description, proration: false, periodStart, periodEnd, invoiceItem: null, subscription: sub.id, subscriptionItem: sub.itemId, price: price.id };
}

/** Makes, finalizes and tries to collect an invoice; the subscription follows the outcome. */
export function invoiceAndCollect(
  state: FakeStripeState,
  sub: SubscriptionRecord,
  lines: FakeLine[],
  reason: Stripe.Invoice.BillingReason,
  options: { includePending: boolean; firstInvoice: boolean },
): InvoiceRecord {
  const price = state.price(sub.priceId);
  const pending = options.includePending ? pendingLines(state, sub.customer) : [];
  const now = state.now();
  const invoice: InvoiceRecord = {
    id: state.id('in'),
    created: now,
    customer: sub.customer,
    currency: price.currency,
    subscription: sub.id,
    lines: [...lines, ...pending.map((item) => item.line)],
    status: 'draft',
    number: null,
    amountPaid: 0,
    periodStart: sub.periodStart,
    periodEnd: sub.periodEnd,
    billingReason: reason,
    finalizedAt: null,
    paidAt: null,
    dueDate: null,
    attemptCount: 0,
  };
  for (const item of pending) item.invoice = invoice.id;
  state.invoices.set(invoice.id, invoice);
  sub.latestInvoice = invoice.id;
  state.emitInvoice('invoice.created', invoice);
  invoice.status = 'open';
  invoice.number = state.nextInvoiceNumber();
  invoice.finalizedAt = now;
  state.emitInvoice('invoice.finalized', invoice);
  collect(state, invoice, { firstInvoice: options.firstInvoice });
  return invoice;
}

const total = (invoice: InvoiceRecord): number => invoice.lines.reduce((sum, line) => sum + line.amount, 0);

/** One payment attempt: the customer's default payment method, unless the fake was told its payments fail. */
export function collect(state: FakeStripeState, invoice: InvoiceRecord, options: { firstInvoice: boolean } = { firstInvoice: false }): boolean {
  const customer = state.customer(invoice.customer);
  const due = Math.max(0, total(invoice));
  const sub = invoice.subscription ? state.subscriptions.get(invoice.subscription) : undefined;
  const hasMethod = customer.invoice_settings.default_payment_method !== null;
  if (due === 0 || (hasMethod && !state.failingCustomers.has(customer.id))) {
    invoice.attemptCount += due === 0 ? 0 : 1;
    invoice.status = 'paid';
    invoice.amountPaid = due;
    invoice.paidAt = state.now();
    state.emitInvoice('invoice.paid', invoice);
    state.emitInvoice('invoice.payment_succeeded', invoice);
    if (sub && ['past_due', 'unpaid', 'incomplete'].includes(sub.status)) setStatus(state, sub, 'active');
    return true;
  }
  invoice.attemptCount += 1;
  state.emitInvoice('invoice.payment_failed', invoice);
  if (sub && sub.status !== 'canceled') setStatus(state, sub, options.firstInvoice ? 'incomplete' : 'past_due');
  return false;
}

export function setStatus(state: FakeStripeState, sub: SubscriptionRecord, status: Stripe.Subscription.Status): void {
  if (sub.status === status) return;
  const previous = { status: sub.status };
  sub.status = status;
  state.emitSubscription('customer.subscription.updated', sub, previous);
}

/** The subscription's period ended: cancel if asked to, else start the next period and bill it. */
export function renew(state: FakeStripeState, sub: SubscriptionRecord): void {
  if (sub.cancelAtPeriodEnd) {
    sub.status = 'canceled';
    sub.endedAt = sub.periodEnd;
    sub.canceledAt = sub.canceledAt ?? sub.periodEnd;
    state.emitSubscription('customer.subscription.deleted', sub);
    return;
  }
  const price = state.price(sub.priceId);
  const wasTrial = sub.status === 'trialing';
  const previous = { items: { current_period_start: sub.periodStart, current_period_end: sub.periodEnd }, status: sub.status };
  sub.periodStart = sub.periodEnd;
  sub.periodEnd = addInterval(sub.periodStart, price.recurring?.interval ?? 'month');
  if (wasTrial) sub.status = 'active';
  state.emitSubscription('customer.subscription.updated', sub, previous);
  invoiceAndCollect(state, sub, [planLine(state, sub, price, price.unit_amount ?? 0, sub.periodStart, sub.periodEnd, `1 × ${price.id} (at ${price.unit_amount ?? 0} / ${price.recurring?.interval ?? 'month'})`)], 'subscription_cycle', {
    includePending: true,
    firstInvoice: false,
  });
}

/** Moves every subscription through the periods that ended by now (several, if time jumped far). */
export function processDue(state: FakeStripeState): void {
  const now = state.now();
  for (const sub of state.subscriptions.values()) {
    if (sub.status === 'trialing' && sub.trialEnd !== null && sub.trialEnd - 3 * 86_400 <= now && !state.trialWillEndSent.has(sub.id)) {
      state.trialWillEndSent.add(sub.id);
      state.emitSubscription('customer.subscription.trial_will_end', sub);
    }
    let guard = 0;
    while (sub.status !== 'canceled' && sub.status !== 'incomplete_expired' && sub.periodEnd <= now && guard < 60) {
      renew(state, sub);
      guard += 1;
    }
  }
}
