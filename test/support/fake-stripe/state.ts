/**
 * Part of the tests' FAKE of an external service (Stripe's HTTP API). The fake account's
 * state: records kept in maps, rendered into the SDK's types (objects.ts) when answered, and
 * the event log that `events.list` pages through (newest first, like Stripe).
 */
import Stripe from 'stripe';
import { customerObject, eventObject, type EventOf, invoiceObject, subscriptionItemObject, subscriptionObject, type FakeLine } from './objects';

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

export const missing = (what: string, id: string, param = 'id'): FakeStripeError =>
  new FakeStripeError(404, 'invalid_request_error', 'resource_missing', `No such ${what}: '${id}'`, param);

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
  cancelAtPeriodEnd: boolean;
  canceledAt: number | null;
  endedAt: number | null;
  latestInvoice: string | null;
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
  /** Subscriptions whose trial_will_end event went out (three days before the trial ends). */
  readonly trialWillEndSent = new Set<string>();
  /** Oldest first; answered newest first. */
  readonly events: Stripe.Event[] = [];
  /** Idempotency-Key → the first answer, replayed for a retry. */
  readonly idempotent = new Map<string, { status: number; body: unknown }>();
  /** Every request seen (method, path), for tests that count calls. */
  readonly requests: { method: string; path: string; idempotencyKey: string | null }[] = [];
  #counter = 0;
  #invoiceNumber = 0;

  constructor(
    readonly clock: FakeClock,
    readonly baseUrl: () => string,
  ) {}

  now(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
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

  subscription(id: string): SubscriptionRecord {
    const found = this.subscriptions.get(id);
    if (!found) throw missing('subscription', id);
    return found;
  }

  invoice(id: string): InvoiceRecord {
    const found = this.invoices.get(id);
    if (!found) throw missing('invoice', id);
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

  emitInvoice(
    type: 'invoice.created' | 'invoice.finalized' | 'invoice.paid' | 'invoice.payment_succeeded' | 'invoice.payment_failed' | 'invoice.updated' | 'invoice.voided',
    record: InvoiceRecord,
  ): void {
    this.emit(type, this.renderInvoice(record));
  }
}
