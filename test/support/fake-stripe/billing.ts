/**
 * Part of the tests' FAKE of an external service (Stripe's HTTP API). What Stripe's billing
 * engine does, reduced to what the console relies on — each rule with the documentation it
 * follows:
 * - periods from a fixed billing cycle anchor, month ends clamped (calendar.ts);
 * - an invoice per period (plan line + pending invoice items), finalized at once;
 * - collection_method charge_automatically: one attempt with the customer's default payment
 *   method; a failed first invoice leaves the subscription `incomplete` and, unpaid 23 hours
 *   later, `incomplete_expired` with the invoice voided; a failed renewal makes it `past_due`
 *   and is retried on the account's schedule (`next_payment_attempt`), after the last retry
 *   the subscription is canceled, made `unpaid` or left `past_due` by the account's settings;
 *   an `unpaid` subscription's later invoices are not attempted;
 * - collection_method send_invoice: the subscription is active at once, its invoices carry a
 *   due date and are never charged; unpaid by the due date it is `past_due`, and after a
 *   further deadline canceled / unpaid / left by the account's settings;
 * - prorations when a price changes mid-period; a change of billing interval resets the
 *   period and invoices at once.
 * Relied on: API reference, Subscription `status` (incomplete, incomplete_expired,
 * past_due, unpaid, canceled — quoted in state.ts), `collection_method` ("When sending an
 * invoice, Stripe will email your customer an invoice with payment instructions and mark the
 * subscription as active"), Invoice `next_payment_attempt` ("null for invoices where
 * collection_method=send_invoice"), Subscriptions "Update a subscription" (billing interval
 * changes: "we apply a credit for the unused time on the previous price, immediately charge
 * the customer using the new price, and reset the billing date"; with proration_behavior
 * none "we don't generate any credits … We still reset the billing date and bill
 * immediately"), and docs.stripe.com/billing/revenue-recovery/smart-retries.
 */
import type Stripe from 'stripe';
import { anchorPlus, nextBoundary } from './calendar';
import type { FakeLine } from './objects';
import type { FakeStripeState, GiveUpAction, InvoiceRecord, PendingItem, SubscriptionRecord } from './state';

/** An incomplete subscription whose first invoice is still unpaid after this long expires. */
export const INCOMPLETE_EXPIRES_AFTER_SECONDS = 23 * 60 * 60;
const DAY = 86_400;

export type ProrationBehavior = 'create_prorations' | 'none' | 'always_invoice';

const intervalOf = (price: Stripe.Price): string => price.recurring?.interval ?? 'month';

const dateText = (seconds: number): string => new Date(seconds * 1000).toISOString().slice(0, 10);

function prorationItem(state: FakeStripeState, sub: SubscriptionRecord, price: Stripe.Price, amount: number, from: number, description: string): FakeLine {
  const id = state.id('ii');
  return { id, invoiceItem: id, proration: true, periodStart: from, periodEnd: sub.periodEnd, subscription: sub.id, subscriptionItem: sub.itemId, price: price.id, amount, description };
}

/**
 * The proration lines of moving `sub` from `oldPrice` to `newPrice` at `at`: credit for the
 * old price's unused time, and — when the interval stays — a charge for the new price's
 * remaining time (an interval change bills the new price for a whole new period instead).
 */
export function prorationLines(state: FakeStripeState, sub: SubscriptionRecord, oldPrice: Stripe.Price, newPrice: Stripe.Price, at: number): FakeLine[] {
  const span = sub.periodEnd - sub.periodStart;
  const remaining = Math.max(0, sub.periodEnd - at);
  if (span <= 0 || remaining === 0) return [];
  const fraction = remaining / span;
  const credit = prorationItem(state, sub, oldPrice, -Math.round((oldPrice.unit_amount ?? 0) * fraction), at, `Unused time on ${oldPrice.id} after ${dateText(at)}`);
  if (intervalOf(oldPrice) !== intervalOf(newPrice)) return [credit];
  return [credit, prorationItem(state, sub, newPrice, Math.round((newPrice.unit_amount ?? 0) * fraction), at, `Remaining time on ${newPrice.id} after ${dateText(at)}`)];
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

/** The plan line for the subscription's current period at its current price. */
export function currentPlanLine(state: FakeStripeState, sub: SubscriptionRecord): FakeLine {
  const price = state.price(sub.priceId);
  return planLine(state, sub, price, price.unit_amount ?? 0, sub.periodStart, sub.periodEnd, `1 × ${price.id} (at ${price.unit_amount ?? 0} / ${intervalOf(price)})`);
}

const total = (invoice: InvoiceRecord): number => invoice.lines.reduce((sum, line) => sum + line.amount, 0);

/** Makes and finalizes an invoice, then collects it the subscription's way; the subscription follows the outcome. */
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
    collectionMethod: sub.collectionMethod,
    nextPaymentAttempt: null,
    retriesLeft: [],
    voidedAt: null,
    pastDueApplied: false,
    gaveUp: false,
  };
  for (const item of pending) item.invoice = invoice.id;
  state.invoices.set(invoice.id, invoice);
  sub.latestInvoice = invoice.id;
  state.emitInvoice('invoice.created', invoice);
  invoice.status = 'open';
  invoice.number = state.nextInvoiceNumber();
  invoice.finalizedAt = now;
  if (sub.collectionMethod === 'send_invoice') invoice.dueDate = now + (sub.daysUntilDue ?? 30) * DAY;
  state.emitInvoice('invoice.finalized', invoice);
  if (total(invoice) <= 0) {
    markPaid(state, invoice);
    return invoice;
  }
  // send_invoice: the customer pays by the due date (hosted page, bank transfer); nothing is charged.
  if (sub.collectionMethod === 'send_invoice') return invoice;
  // An unpaid subscription's later invoices are not attempted.
  if (sub.status === 'unpaid') return invoice;
  const paid = attempt(state, invoice);
  if (!paid) {
    if (options.firstInvoice) setStatus(state, sub, 'incomplete');
    else {
      if (sub.status !== 'canceled') setStatus(state, sub, 'past_due');
      scheduleRetries(state, invoice);
    }
  }
  return invoice;
}

function markPaid(state: FakeStripeState, invoice: InvoiceRecord): void {
  invoice.status = 'paid';
  invoice.amountPaid = Math.max(0, total(invoice));
  invoice.paidAt = state.now();
  invoice.nextPaymentAttempt = null;
  invoice.retriesLeft = [];
  state.emitInvoice('invoice.paid', invoice);
  state.emitInvoice('invoice.payment_succeeded', invoice);
  const sub = invoice.subscription ? state.subscriptions.get(invoice.subscription) : undefined;
  // Paying the latest invoice brings a subscription in arrears back (unpaid, past_due, incomplete).
  if (sub && sub.latestInvoice === invoice.id && ['past_due', 'unpaid', 'incomplete'].includes(sub.status)) setStatus(state, sub, 'active');
}

/** Whether a charge with the customer's default payment method would go through now. */
export function canCharge(state: FakeStripeState, customerId: string): boolean {
  const customer = state.customer(customerId);
  return customer.invoice_settings.default_payment_method !== null && !state.failingCustomers.has(customer.id);
}

/** One payment attempt with the customer's default payment method. */
export function attempt(state: FakeStripeState, invoice: InvoiceRecord): boolean {
  invoice.attemptCount += 1;
  if (canCharge(state, invoice.customer)) {
    markPaid(state, invoice);
    return true;
  }
  state.emitInvoice('invoice.payment_failed', invoice);
  return false;
}

/** A payment the customer makes (invoices.pay, or paying the hosted page). */
export function payNow(state: FakeStripeState, invoice: InvoiceRecord): boolean {
  return attempt(state, invoice);
}

function scheduleRetries(state: FakeStripeState, invoice: InvoiceRecord): void {
  invoice.retriesLeft = [...state.settings.retryDays];
  const next = invoice.retriesLeft[0];
  invoice.nextPaymentAttempt = next === undefined ? null : state.now() + next * DAY;
  if (next === undefined) giveUp(state, invoice, state.settings.afterRetries);
  else state.emitInvoice('invoice.updated', invoice);
}

export function setStatus(state: FakeStripeState, sub: SubscriptionRecord, status: Stripe.Subscription.Status): void {
  if (sub.status === status) return;
  const previous = { status: sub.status };
  sub.status = status;
  state.emitSubscription('customer.subscription.updated', sub, previous);
}

/** Ends a subscription now (a cancel request, Stripe giving up on payment, a schedule's end). */
export function endSubscription(state: FakeStripeState, sub: SubscriptionRecord, reason: 'cancellation_requested' | 'payment_failed'): void {
  sub.status = 'canceled';
  sub.canceledAt = sub.canceledAt ?? state.now();
  sub.cancellationReason = reason;
  sub.endedAt = state.now();
  sub.cancelAtPeriodEnd = false;
  state.emitSubscription('customer.subscription.deleted', sub);
}

/** Stripe stops collecting an invoice: the subscription follows the account's setting. */
function giveUp(state: FakeStripeState, invoice: InvoiceRecord, action: GiveUpAction): void {
  invoice.gaveUp = true;
  invoice.nextPaymentAttempt = null;
  invoice.retriesLeft = [];
  state.emitInvoice('invoice.updated', invoice);
  const sub = invoice.subscription ? state.subscriptions.get(invoice.subscription) : undefined;
  if (!sub || sub.status === 'canceled' || sub.latestInvoice !== invoice.id) return;
  if (action === 'cancel') endSubscription(state, sub, 'payment_failed');
  else if (action === 'unpaid') setStatus(state, sub, 'unpaid');
}

/** A scheduled retry came due: try again, then schedule the next one or give up. */
function retry(state: FakeStripeState, invoice: InvoiceRecord): void {
  invoice.retriesLeft = invoice.retriesLeft.slice(1);
  // Stripe does not retry when the customer has no payment method; the schedule runs on.
  const hasMethod = state.customer(invoice.customer).invoice_settings.default_payment_method !== null;
  if (hasMethod && attempt(state, invoice)) return;
  const next = invoice.retriesLeft[0];
  if (next === undefined) giveUp(state, invoice, state.settings.afterRetries);
  else {
    invoice.nextPaymentAttempt = state.now() + next * DAY;
    state.emitInvoice('invoice.updated', invoice);
  }
}

/** The first invoice was not paid within 23 hours: the subscription expires and its invoice is voided. */
function expireIncomplete(state: FakeStripeState, sub: SubscriptionRecord): void {
  const invoice = sub.latestInvoice ? state.invoices.get(sub.latestInvoice) : undefined;
  if (invoice && invoice.status === 'open') {
    invoice.status = 'void';
    invoice.voidedAt = state.now();
    invoice.nextPaymentAttempt = null;
    state.emitInvoice('invoice.voided', invoice);
  }
  sub.endedAt = state.now();
  setStatus(state, sub, 'incomplete_expired');
}

/**
 * Moves `sub` to `newPrice` at `at` (a subscription update or a schedule's next phase). The
 * same interval prorates (unless 'none') and invoices the prorations at once only for
 * 'always_invoice'; another interval credits the unused time (unless 'none'), resets the
 * billing cycle anchor and period to now and invoices the new period at once.
 */
export function changePrice(state: FakeStripeState, sub: SubscriptionRecord, newPrice: Stripe.Price, behavior: ProrationBehavior, at: number): void {
  const oldPrice = state.price(sub.priceId);
  if (oldPrice.id === newPrice.id) return;
  const trialing = sub.status === 'trialing';
  const prorations = behavior === 'none' || trialing ? [] : prorationLines(state, sub, oldPrice, newPrice, at);
  sub.priceId = newPrice.id;
  if (prorations.length > 0) addPendingItems(state, sub.customer, newPrice.currency, prorations);
  if (intervalOf(oldPrice) !== intervalOf(newPrice) && !trialing) {
    const now = state.now();
    sub.billingCycleAnchor = now;
    sub.periodStart = now;
    sub.periodEnd = anchorPlus(now, 1, intervalOf(newPrice));
    invoiceAndCollect(state, sub, [currentPlanLine(state, sub)], 'subscription_update', { includePending: true, firstInvoice: false });
    return;
  }
  if (behavior === 'always_invoice' && prorations.length > 0) invoiceAndCollect(state, sub, [], 'subscription_update', { includePending: true, firstInvoice: false });
}

/** The subscription's period ended: cancel if asked to, else start the next period and bill it. */
export function renew(state: FakeStripeState, sub: SubscriptionRecord): void {
  if (sub.cancelAtPeriodEnd) {
    sub.status = 'canceled';
    sub.endedAt = sub.periodEnd;
    // canceled_at stays the time of the cancel request.
    sub.cancellationReason = 'cancellation_requested';
    sub.cancelAtPeriodEnd = false;
    state.emitSubscription('customer.subscription.deleted', sub);
    return;
  }
  const price = state.price(sub.priceId);
  const wasTrial = sub.status === 'trialing';
  const previous = { items: { current_period_start: sub.periodStart, current_period_end: sub.periodEnd }, status: sub.status };
  sub.periodStart = sub.periodEnd;
  sub.periodEnd = nextBoundary(sub.billingCycleAnchor, sub.periodStart, intervalOf(price));
  if (wasTrial) sub.status = 'active';
  state.emitSubscription('customer.subscription.updated', sub, previous);
  invoiceAndCollect(state, sub, [currentPlanLine(state, sub)], 'subscription_cycle', { includePending: true, firstInvoice: false });
}

/** Something Stripe does at a time: the earliest due one is done first, as of its own time. */
interface Due {
  readonly at: number;
  /** Same time: schedule phases before renewals (the renewal bills the new phase's price). */
  readonly order: number;
  run(): void;
}

const RUNNING = new Set<Stripe.Subscription.Status>(['trialing', 'active', 'past_due', 'unpaid']);

function dueItems(state: FakeStripeState, applyPhase: (scheduleId: string) => Due | null): Due[] {
  const items: Due[] = [];
  for (const sub of state.subscriptions.values()) {
    if (sub.status === 'trialing' && sub.trialEnd !== null && !state.trialWillEndSent.has(sub.id)) {
      const run = (): void => {
        state.trialWillEndSent.add(sub.id);
        state.emitSubscription('customer.subscription.trial_will_end', sub);
      };
      items.push({ at: Math.max(sub.created, sub.trialEnd - 3 * DAY), order: 0, run });
    }
    if (sub.status === 'incomplete') items.push({ at: sub.created + INCOMPLETE_EXPIRES_AFTER_SECONDS, order: 1, run: () => expireIncomplete(state, sub) });
    if (RUNNING.has(sub.status)) items.push({ at: sub.periodEnd, order: 3, run: () => renew(state, sub) });
  }
  for (const schedule of state.schedules.values()) {
    const item = applyPhase(schedule.id);
    if (item) items.push(item);
  }
  for (const invoice of state.invoices.values()) {
    if (invoice.status !== 'open' || invoice.gaveUp) continue;
    if (invoice.collectionMethod === 'charge_automatically' && invoice.nextPaymentAttempt !== null) {
      items.push({ at: invoice.nextPaymentAttempt, order: 4, run: () => retry(state, invoice) });
    }
    if (invoice.collectionMethod === 'send_invoice' && invoice.dueDate !== null) {
      if (!invoice.pastDueApplied) items.push({ at: invoice.dueDate, order: 4, run: () => sendInvoiceOverdue(state, invoice) });
      else items.push({ at: invoice.dueDate + state.settings.sendInvoiceDeadlineDays * DAY, order: 5, run: () => giveUp(state, invoice, state.settings.afterSendInvoiceDeadline) });
    }
  }
  return items;
}

/** A send_invoice invoice unpaid at its due date: overdue, and its subscription past_due. */
function sendInvoiceOverdue(state: FakeStripeState, invoice: InvoiceRecord): void {
  invoice.pastDueApplied = true;
  state.emitInvoice('invoice.overdue', invoice);
  const sub = invoice.subscription ? state.subscriptions.get(invoice.subscription) : undefined;
  if (sub && sub.latestInvoice === invoice.id && sub.status === 'active') setStatus(state, sub, 'past_due');
}

/**
 * Does, in time order, everything that came due by now (several periods, if time jumped
 * far) — each as of its own time, so retries and due dates count from when they happened.
 */
export function processDue(state: FakeStripeState, applyPhase: (scheduleId: string) => Due | null = () => null): void {
  const now = state.clockNow();
  for (let guard = 0; guard < 10_000; guard += 1) {
    const due = dueItems(state, applyPhase)
      .filter((item) => item.at <= now)
      .sort((a, b) => a.at - b.at || a.order - b.order)[0];
    if (!due) return;
    state.happenAt(due.at, due.run);
  }
  throw new Error('fake Stripe: billing did not settle after 10,000 steps');
}

export type { Due };
