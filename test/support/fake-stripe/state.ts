/**
 * Part of the tests' FAKE of an external service (Stripe's HTTP API). The fake account's
 * state: records kept in maps, rendered into the SDK's types (objects.ts) when answered, and
 * the event log that `events.list` pages through (newest first, like Stripe).
 */
import Stripe from 'stripe';
import { IdempotencyStore } from './idempotency';
import { customerObject, eventObject, type EventOf, invoiceObject, scheduleObject, subscriptionItemObject, subscriptionObject, type FakeLine } from './objects';

/** A Stripe error answered as `{error: {type, code, message, param}}`. */
export class FakeStripeError extends Error {
  constructor(
    readonly status: number,
    readonly type: 'invalid_request_error' | 'card_error' | 'api_error' | 'idempotency_error',
    readonly code: string | undefined,
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

/**
 * An object that does not exist. Named in the URL (`param` 'id') it is 404; named in a
 * parameter (`items[0][price]`, `customer`) the request itself is bad: 400, same code.
 * Relied on: API reference, "Errors" — HTTP status codes (400 "The request was unacceptable,
 * often due to missing a required parameter", 404 "The requested resource doesn't exist")
 * and the error code `resource_missing` ("The ID provided is not valid").
 */
export const missing = (what: string, id: string, param = 'id'): FakeStripeError =>
  new FakeStripeError(param === 'id' ? 404 : 400, 'invalid_request_error', 'resource_missing', `No such ${what}: '${id}'`, param);

/** What happens to a subscription when Stripe gives up collecting an invoice (the account's settings). */
export type GiveUpAction = 'cancel' | 'unpaid' | 'past_due';

/**
 * The account's Billing settings the fake follows (Dashboard → Billing → Revenue recovery).
 * Relied on: docs.stripe.com/billing/revenue-recovery/smart-retries ("custom retry schedule":
 * retries a number of days after the previous attempt; Stripe does not retry when no payment
 * method is available) and the API reference's Subscription `status` ("Once Stripe has
 * exhausted all payment retry attempts, the subscription will become canceled or unpaid
 * (depending on your subscriptions settings)"; send_invoice: "past_due when its invoice is
 * not paid by the due date, and canceled or unpaid if it is still not paid by an additional
 * deadline after that"). The Dashboard also offers leaving it past_due.
 */
export interface FakeAccountSettings {
  /** Days after the previous attempt at which a failed automatic payment is tried again. */
  retryDays: number[];
  /** The subscription after the last retry failed. */
  afterRetries: GiveUpAction;
  /** send_invoice: days past the due date before Stripe gives up. */
  sendInvoiceDeadlineDays: number;
  afterSendInvoiceDeadline: GiveUpAction;
}

export const DEFAULT_ACCOUNT_SETTINGS: FakeAccountSettings = { retryDays: [3, 5, 7], afterRetries: 'cancel', sendInvoiceDeadlineDays: 30, afterSendInvoiceDeadline: 'cancel' };

export interface FakeClock {
  now(): Date;
  advanceMs(ms: number): Date;
}

export interface SubscriptionRecord {
  id: string;
  created: number;
  customer: string;
  status: Stripe.Subscription.Status;
  itemId: string;
  priceId: string;
  periodStart: number;
  periodEnd: number;
  trialStart: number | null;
  trialEnd: number | null;
  /** Fixed: creation (or the given anchor), the trial end, or the moment an interval change reset it. */
  billingCycleAnchor: number;
  collectionMethod: 'charge_automatically' | 'send_invoice';
  daysUntilDue: number | null;
  cancelAtPeriodEnd: boolean;
  canceledAt: number | null;
  cancellationReason: 'cancellation_requested' | 'payment_failed' | null;
  endedAt: number | null;
  latestInvoice: string | null;
  /** The subscription schedule that manages it, if any. */
  schedule: string | null;
  metadata: Record<string, string>;
}

export interface SchedulePhase {
  start: number;
  end: number | null;
  priceId: string;
  prorationBehavior: 'create_prorations' | 'none' | 'always_invoice';
}

export interface ScheduleRecord {
  id: string;
  created: number;
  customer: string;
  subscription: string | null;
  status: 'active' | 'released' | 'canceled' | 'completed' | 'not_started';
  endBehavior: 'release' | 'cancel';
  phases: SchedulePhase[];
  /** The index of the phase the subscription is in. */
  currentPhase: number;
  releasedAt: number | null;
  canceledAt: number | null;
  releasedSubscription: string | null;
  metadata: Record<string, string>;
}

export interface InvoiceRecord {
  id: string;
  created: number;
  customer: string;
  currency: string;
  subscription: string | null;
  lines: FakeLine[];
  status: Stripe.Invoice.Status;
  number: string | null;
  amountPaid: number;
  periodStart: number;
  periodEnd: number;
  billingReason: Stripe.Invoice.BillingReason;
  finalizedAt: number | null;
  paidAt: number | null;
  dueDate: number | null;
  attemptCount: number;
  collectionMethod: 'charge_automatically' | 'send_invoice';
  /** When Stripe tries again (automatic collection); null for send_invoice or when it gave up. */
  nextPaymentAttempt: number | null;
  /** The retries still to come, as days after the previous attempt. */
  retriesLeft: number[];
  voidedAt: number | null;
  /** send_invoice: the subscription already went past_due for this invoice. */
  pastDueApplied: boolean;
  /** Stripe stopped collecting it (retries exhausted, or the send_invoice deadline passed). */
  gaveUp: boolean;
}

export interface PendingItem {
  line: FakeLine;
  customer: string;
  currency: string;
  created: number;
  invoice: string | null;
}

export class FakeStripeState {
  readonly customers = new Map<string, Stripe.Customer>();
  /** Customers whose next payment attempts fail (a declined card), set by /__fake/fail_payments. */
  readonly failingCustomers = new Set<string>();
  readonly products = new Map<string, Stripe.Product>();
  readonly prices = new Map<string, Stripe.Price>();
  readonly subscriptions = new Map<string, SubscriptionRecord>();
  readonly invoices = new Map<string, InvoiceRecord>();
  readonly invoiceItems = new Map<string, PendingItem>();
  readonly paymentMethods = new Map<string, Stripe.PaymentMethod>();
  readonly schedules = new Map<string, ScheduleRecord>();
  settings: FakeAccountSettings = { ...DEFAULT_ACCOUNT_SETTINGS, retryDays: [...DEFAULT_ACCOUNT_SETTINGS.retryDays] };
  /** Subscriptions whose trial_will_end event went out (three days before the trial ends). */
  readonly trialWillEndSent = new Set<string>();
  /** Oldest first; answered newest first. */
  readonly events: Stripe.Event[] = [];
  /** Idempotency-Key → the first answer, replayed for a retry (idempotency.ts). */
  readonly idempotent = new IdempotencyStore();
  /** Every request seen (method, path), for tests that count calls. */
  readonly requests: { method: string; path: string; idempotencyKey: string | null }[] = [];
  #counter = 0;
  #invoiceNumber = 0;
  /** While billing what came due, the time of the thing being billed (events and invoices carry it). */
  #at: number | null = null;

  constructor(
    readonly clock: FakeClock,
    readonly baseUrl: () => string,
  ) {}

  now(): number {
    return this.#at ?? Math.floor(this.clock.now().getTime() / 1000);
  }

  /** The clock's time, even while billing something that came due earlier. */
  clockNow(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }

  /** Runs `work` as if it happened at `at` (a renewal, a retry that came due while time jumped). */
  happenAt<T>(at: number, work: () => T): T {
    const previous = this.#at;
    this.#at = at;
    try {
      return work();
    } finally {
      this.#at = previous;
    }
  }

  id(prefix: string): string {
    this.#counter += 1;
    return `${prefix}_fake${this.#counter.toString().padStart(6, '0')}${Math.random().toString(36).slice(2, 8)}`;
  }

  nextInvoiceNumber(): string {
    this.#invoiceNumber += 1;
    return `FAKE-${this.#invoiceNumber.toString().padStart(4, '0')}`;
  }

  customer(id: string, param = 'customer'): Stripe.Customer {
    const found = this.customers.get(id);
    if (!found) throw missing('customer', id, param);
    return found;
  }

  price(id: string, param = 'price'): Stripe.Price {
    const found = this.prices.get(id);
    if (!found) throw missing('price', id, param);
    return found;
  }

  subscription(id: string, param = 'id'): SubscriptionRecord {
    const found = this.subscriptions.get(id);
    if (!found) throw missing('subscription', id, param);
    return found;
  }

  invoice(id: string, param = 'id'): InvoiceRecord {
    const found = this.invoices.get(id);
    if (!found) throw missing('invoice', id, param);
    return found;
  }

  schedule(id: string): ScheduleRecord {
    const found = this.schedules.get(id);
    if (!found) throw missing('subscription schedule', id);
    return found;
  }

  renderSubscription(record: SubscriptionRecord): Stripe.Subscription {
    const price = this.price(record.priceId);
    const item = subscriptionItemObject({ id: record.itemId, created: record.created, subscription: record.id, price, periodStart: record.periodStart, periodEnd: record.periodEnd });
    return subscriptionObject({ ...record, item });
  }

  renderInvoice(record: InvoiceRecord): Stripe.Invoice {
    return invoiceObject({
      ...record,
      customer: this.customer(record.customer),
      hostedUrl: record.status === 'draft' ? null : `${this.baseUrl()}/hosted/invoices/${record.id}`,
    });
  }

  renderSchedule(record: ScheduleRecord): Stripe.SubscriptionSchedule {
    const now = this.now();
    const current = record.status === 'active' ? record.phases.find((phase) => phase.start <= now && (phase.end === null || phase.end > now)) : undefined;
    return scheduleObject({
      ...record,
      phases: record.phases.map((phase) => ({ start: phase.start, end: phase.end, price: this.price(phase.priceId), prorationBehavior: phase.prorationBehavior })),
      current: current && current.end !== null ? { start: current.start, end: current.end } : null,
    });
  }

  newCustomer(input: { email: string | null; name: string | null; metadata: Record<string, string> }): Stripe.Customer {
    const customer = customerObject({ id: this.id('cus'), created: this.now(), ...input });
    this.customers.set(customer.id, customer);
    this.emit('customer.created', customer);
    return customer;
  }

  emit<T extends Stripe.Event['type']>(type: T, object: EventOf<T>['data']['object'], previousAttributes?: Record<string, unknown>): void {
    const event = eventObject<T>({ id: this.id('evt'), created: this.now(), type, object: structuredClone(object), apiVersion: Stripe.API_VERSION, ...(previousAttributes ? { previousAttributes } : {}) });
    this.events.push(event);
  }

  emitSubscription(type: 'customer.subscription.created' | 'customer.subscription.updated' | 'customer.subscription.deleted' | 'customer.subscription.trial_will_end', record: SubscriptionRecord, previous?: Record<string, unknown>): void {
    this.emit(type, this.renderSubscription(record), previous);
  }

  emitSchedule(type: 'subscription_schedule.created' | 'subscription_schedule.updated' | 'subscription_schedule.released' | 'subscription_schedule.canceled', record: ScheduleRecord): void {
    this.emit(type, this.renderSchedule(record));
  }

  emitInvoice(
    type: 'invoice.created' | 'invoice.finalized' | 'invoice.paid' | 'invoice.payment_succeeded' | 'invoice.payment_failed' | 'invoice.updated' | 'invoice.voided' | 'invoice.overdue',
    record: InvoiceRecord,
  ): void {
    this.emit(type, this.renderInvoice(record));
  }
}
