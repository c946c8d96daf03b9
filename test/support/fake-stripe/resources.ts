/**
 * Part of the tests' FAKE of an external service (Stripe's HTTP API). The /v1 endpoints the
 * console calls, answering with the SDK's types: customers (+ payment methods), products,
 * prices (lookup_keys), subscriptions, invoices (list, retrieve, create_preview, pay),
 * payment methods (create, attach, detach) and events.
 */
import type Stripe from 'stripe';
import { addInterval, addPendingItems, collect, invoiceAndCollect, pendingLines, planLine, prorationLines } from './billing';
import { form, type FormObject } from './form-body';
import { cardPaymentMethodObject, invoiceItemObject, invoiceObject, listOf, priceObject, productObject } from './objects';
import { FakeStripeError, missing, type FakeStripeState, type SubscriptionRecord } from './state';

export type Handler = (state: FakeStripeState, params: FormObject, path: string[]) => unknown;
export interface Route {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly pattern: RegExp;
  readonly handler: Handler;
}

const required = (params: FormObject, key: string): string => {
  const value = form.str(params, key);
  if (value === undefined || value === '') throw new FakeStripeError(400, 'invalid_request_error', 'parameter_missing', `Missing required param: ${key}.`, key);
  return value;
};

/** Stripe's list pagination over objects kept newest first. */
export function page<T extends { id: string }>(state: FakeStripeState, url: string, newestFirst: T[], params: FormObject): Stripe.ApiList<T> {
  const limit = Math.min(100, Math.max(1, form.int(params, 'limit') ?? 10));
  const after = form.str(params, 'starting_after');
  const before = form.str(params, 'ending_before');
  if (after !== undefined) {
    const at = newestFirst.findIndex((item) => item.id === after);
    if (at === -1) throw missing('object', after, 'starting_after');
    const rest = newestFirst.slice(at + 1);
    return listOf(url, rest.slice(0, limit), rest.length > limit);
  }
  if (before !== undefined) {
    const at = newestFirst.findIndex((item) => item.id === before);
    if (at === -1) throw missing('object', before, 'ending_before');
    // The `limit` objects just before the cursor in list order (the oldest of the newer ones).
    const newer = newestFirst.slice(0, at);
    const start = Math.max(0, newer.length - limit);
    return listOf(url, newer.slice(start), start > 0);
  }
  return listOf(url, newestFirst.slice(0, limit), newestFirst.length > limit);
}

const newestFirst = <T>(items: Iterable<T>): T[] => [...items].reverse();

function createSubscription(state: FakeStripeState, params: FormObject): Stripe.Subscription {
  const customer = state.customer(required(params, 'customer'));
  const items = form.arr(params, 'items') ?? [];
  const priceId = form.str(items[0], 'price');
  if (!priceId || items.length !== 1) throw new FakeStripeError(400, 'invalid_request_error', 'parameter_invalid', 'The fake supports exactly one item with a price.', 'items');
  const price = state.price(priceId, 'items[0][price]');
  const now = state.now();
  const trialEnd = form.int(params, 'trial_end');
  if (trialEnd !== undefined && trialEnd <= now) throw new FakeStripeError(400, 'invalid_request_error', 'parameter_invalid', 'Invalid timestamp: must be an integer Unix timestamp in the future.', 'trial_end');
  const trialing = trialEnd !== undefined;
  const sub: SubscriptionRecord = {
    id: state.id('sub'),
    created: now,
    customer: customer.id,
    status: trialing ? 'trialing' : 'incomplete',
    itemId: state.id('si'),
    priceId: price.id,
    periodStart: now,
    periodEnd: trialing ? trialEnd : addInterval(now, price.recurring?.interval ?? 'month'),
    trialStart: trialing ? now : null,
    trialEnd: trialing ? trialEnd : null,
    cancelAtPeriodEnd: form.bool(params, 'cancel_at_period_end') ?? false,
    canceledAt: null,
    endedAt: null,
    latestInvoice: null,
    metadata: form.metadata(params) ?? {},
  };
  state.subscriptions.set(sub.id, sub);
  state.emitSubscription('customer.subscription.created', sub);
  // A trial starts with a $0 invoice; otherwise the first period is billed now.
  const amount = trialing ? 0 : (price.unit_amount ?? 0);
  const description = trialing ? `Trial period for ${price.id}` : `1 × ${price.id}`;
  invoiceAndCollect(state, sub, [planLine(state, sub, price, amount, sub.periodStart, sub.periodEnd, description)], 'subscription_create', { includePending: false, firstInvoice: true });
  return state.renderSubscription(sub);
}

function updateSubscription(state: FakeStripeState, params: FormObject, id: string): Stripe.Subscription {
  const sub = state.subscription(id);
  if (sub.status === 'canceled') throw new FakeStripeError(400, 'invalid_request_error', undefined, 'A canceled subscription can only update its cancellation_details and metadata.');
  const previous: Record<string, unknown> = {};
  const cancel = form.bool(params, 'cancel_at_period_end');
  if (cancel !== undefined && cancel !== sub.cancelAtPeriodEnd) {
    previous.cancel_at_period_end = sub.cancelAtPeriodEnd;
    sub.cancelAtPeriodEnd = cancel;
  }
  const metadata = form.metadata(params);
  if (metadata) sub.metadata = { ...sub.metadata, ...metadata };
  const items = form.arr(params, 'items');
  let prorations: ReturnType<typeof prorationLines> = [];
  const behavior = form.str(params, 'proration_behavior') ?? 'create_prorations';
  if (items && items.length > 0) {
    const itemId = form.str(items[0], 'id');
    const priceId = form.str(items[0], 'price');
    if (itemId !== undefined && itemId !== sub.itemId) throw missing('subscription item', itemId, 'items[0][id]');
    if (priceId !== undefined && priceId !== sub.priceId) {
      const oldPrice = state.price(sub.priceId);
      const newPrice = state.price(priceId, 'items[0][price]');
      const at = form.int(params, 'proration_date') ?? state.now();
      if (behavior !== 'none' && sub.status !== 'trialing') prorations = prorationLines(state, sub, oldPrice, newPrice, at);
      previous.items = { price: oldPrice.id };
      sub.priceId = newPrice.id;
    }
  }
  if (Object.keys(previous).length > 0) state.emitSubscription('customer.subscription.updated', sub, previous);
  if (prorations.length > 0) {
    const currency = state.price(sub.priceId).currency;
    addPendingItems(state, sub.customer, currency, prorations);
    if (behavior === 'always_invoice') invoiceAndCollect(state, sub, [], 'subscription_update', { includePending: true, firstInvoice: false });
  }
  return state.renderSubscription(sub);
}

function cancelSubscription(state: FakeStripeState, id: string): Stripe.Subscription {
  const sub = state.subscription(id);
  if (sub.status === 'canceled') throw new FakeStripeError(400, 'invalid_request_error', 'resource_missing', `No such subscription: '${id}' (already canceled)`);
  sub.status = 'canceled';
  sub.canceledAt = state.now();
  sub.endedAt = state.now();
  state.emitSubscription('customer.subscription.deleted', sub);
  return state.renderSubscription(sub);
}

/** What the next invoice would be after a proposed change (nothing is stored). */
function previewInvoice(state: FakeStripeState, params: FormObject): Stripe.Invoice {
  const customer = state.customer(required(params, 'customer'));
  const subId = form.str(params, 'subscription');
  const details = form.obj(params, 'subscription_details') ?? {};
  const sub = subId ? state.subscription(subId) : [...state.subscriptions.values()].find((s) => s.customer === customer.id && s.status !== 'canceled');
  if (!sub) throw new FakeStripeError(400, 'invalid_request_error', 'invoice_upcoming_none', `No upcoming invoices for customer: ${customer.id}`);
  const items = form.arr(details, 'items') ?? [];
  const priceId = form.str(items[0], 'price') ?? sub.priceId;
  const newPrice = state.price(priceId, 'subscription_details[items][0][price]');
  const behavior = form.str(details, 'proration_behavior') ?? 'create_prorations';
  const at = form.int(details, 'proration_date') ?? state.now();
  const prorations = behavior === 'none' || sub.status === 'trialing' || priceId === sub.priceId ? [] : prorationLines(state, sub, state.price(sub.priceId), newPrice, at);
  const pending = pendingLines(state, customer.id).map((item) => item.line);
  const nextStart = sub.status === 'trialing' ? (sub.trialEnd ?? sub.periodEnd) : sub.periodEnd;
  const lines =
    behavior === 'always_invoice'
      ? [...pending, ...prorations]
      : [...pending, ...prorations, planLine(state, sub, newPrice, newPrice.unit_amount ?? 0, nextStart, addInterval(nextStart, newPrice.recurring?.interval ?? 'month'), `1 × ${newPrice.id}`)];
  return invoiceObject({
    id: null,
    created: state.now(),
    customer,
    currency: newPrice.currency,
    subscription: sub.id,
    lines,
    status: 'draft',
    number: null,
    amountPaid: 0,
    periodStart: sub.periodStart,
    periodEnd: sub.periodEnd,
    billingReason: behavior === 'always_invoice' ? 'subscription_update' : 'upcoming',
    finalizedAt: null,
    paidAt: null,
    dueDate: null,
    attemptCount: 0,
    hostedUrl: null,
  });
}

function attachPaymentMethod(state: FakeStripeState, params: FormObject, id: string): Stripe.PaymentMethod {
  const customer = state.customer(required(params, 'customer'));
  let method = state.paymentMethods.get(id);
  // Stripe's test-mode shortcuts (pm_card_visa, pm_card_mastercard) make a new card each time.
  if (!method && /^pm_card_[a-z]+$/.test(id)) method = createCard(state, id.slice('pm_card_'.length));
  if (!method) throw missing('PaymentMethod', id);
  method.customer = customer.id;
  state.emit('payment_method.attached', method);
  return method;
}

function createCard(state: FakeStripeState, brand: string): Stripe.PaymentMethod {
  const last4 = brand === 'mastercard' ? '4444' : brand === 'amex' ? '8431' : '4242';
  const method = cardPaymentMethodObject({ id: state.id('pm'), created: state.now(), customer: null, brand, last4 });
  state.paymentMethods.set(method.id, method);
  return method;
}

function updateCustomer(state: FakeStripeState, params: FormObject, id: string): Stripe.Customer {
  const customer = state.customer(id, 'id');
  const previous: Record<string, unknown> = {};
  const email = form.str(params, 'email');
  if (email !== undefined) {
    previous.email = customer.email;
    customer.email = email;
  }
  const name = form.str(params, 'name');
  if (name !== undefined) {
    previous.name = customer.name;
    customer.name = name;
  }
  const settings = form.obj(params, 'invoice_settings');
  const defaultMethod = form.str(settings, 'default_payment_method');
  if (defaultMethod !== undefined) {
    const method = defaultMethod === '' ? null : state.paymentMethods.get(defaultMethod);
    if (method === undefined) throw missing('PaymentMethod', defaultMethod, 'invoice_settings[default_payment_method]');
    if (method && method.customer !== customer.id) throw new FakeStripeError(400, 'invalid_request_error', 'payment_method_not_attached', `The payment method ${defaultMethod} is not attached to ${customer.id}.`);
    previous.invoice_settings = { default_payment_method: customer.invoice_settings.default_payment_method };
    customer.invoice_settings = { ...customer.invoice_settings, default_payment_method: method ? method.id : null };
  }
  const metadata = form.metadata(params);
  if (metadata) customer.metadata = { ...customer.metadata, ...metadata };
  state.emit('customer.updated', customer, previous);
  return customer;
}

export const routes: Route[] = [
  {
    method: 'POST',
    pattern: /^\/v1\/customers$/,
    handler: (state, params) => state.newCustomer({ email: form.str(params, 'email') ?? null, name: form.str(params, 'name') ?? null, metadata: form.metadata(params) ?? {} }),
  },
  { method: 'GET', pattern: /^\/v1\/customers\/([^/]+)$/, handler: (state, _p, [id]) => state.customer(id!, 'id') },
  { method: 'POST', pattern: /^\/v1\/customers\/([^/]+)$/, handler: (state, params, [id]) => updateCustomer(state, params, id!) },
  {
    method: 'GET',
    pattern: /^\/v1\/customers$/,
    handler: (state, params) => {
      const email = form.str(params, 'email');
      return page(state, '/v1/customers', newestFirst(state.customers.values()).filter((c) => email === undefined || c.email === email), params);
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/customers\/([^/]+)\/payment_methods$/,
    handler: (state, params, [id]) => {
      state.customer(id!, 'customer');
      return page(state, `/v1/customers/${id}/payment_methods`, newestFirst(state.paymentMethods.values()).filter((m) => m.customer === id), params);
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/products$/,
    handler: (state, params) => {
      const product = productObject({ id: form.str(params, 'id') ?? state.id('prod'), created: state.now(), name: required(params, 'name'), metadata: form.metadata(params) ?? {} });
      state.products.set(product.id, product);
      return product;
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/products\/([^/]+)$/,
    handler: (state, _p, [id]) => state.products.get(id!) ?? (() => { throw missing('product', id!); })(),
  },
  {
    method: 'POST',
    pattern: /^\/v1\/prices$/,
    handler: (state, params) => {
      const product = required(params, 'product');
      if (!state.products.has(product)) throw missing('product', product, 'product');
      const recurring = form.obj(params, 'recurring');
      const interval = form.str(recurring, 'interval');
      if (interval !== 'month' && interval !== 'year') throw new FakeStripeError(400, 'invalid_request_error', 'parameter_invalid', 'The fake makes recurring month or year prices only.', 'recurring[interval]');
      const lookupKey = form.str(params, 'lookup_key') ?? null;
      if (lookupKey !== null && [...state.prices.values()].some((p) => p.lookup_key === lookupKey)) {
        throw new FakeStripeError(400, 'invalid_request_error', 'lookup_key_exists', `A price (\`${lookupKey}\`) already uses that lookup key.`, 'lookup_key');
      }
      const price = priceObject({
        id: state.id('price'),
        created: state.now(),
        product,
        unitAmount: form.int(params, 'unit_amount') ?? 0,
        currency: (form.str(params, 'currency') ?? 'usd').toLowerCase(),
        interval,
        lookupKey,
        metadata: form.metadata(params) ?? {},
      });
      state.prices.set(price.id, price);
      return price;
    },
  },
  { method: 'GET', pattern: /^\/v1\/prices\/([^/]+)$/, handler: (state, _p, [id]) => state.price(id!, 'id') },
  {
    method: 'GET',
    pattern: /^\/v1\/prices$/,
    handler: (state, params) => {
      const keys = form.arr(params, 'lookup_keys')?.filter((k): k is string => typeof k === 'string');
      const product = form.str(params, 'product');
      const matching = newestFirst(state.prices.values()).filter((p) => (!keys || (p.lookup_key !== null && keys.includes(p.lookup_key))) && (!product || p.product === product));
      return page(state, '/v1/prices', matching, params);
    },
  },
  { method: 'POST', pattern: /^\/v1\/subscriptions$/, handler: (state, params) => createSubscription(state, params) },
  { method: 'GET', pattern: /^\/v1\/subscriptions\/([^/]+)$/, handler: (state, _p, [id]) => state.renderSubscription(state.subscription(id!)) },
  { method: 'POST', pattern: /^\/v1\/subscriptions\/([^/]+)$/, handler: (state, params, [id]) => updateSubscription(state, params, id!) },
  { method: 'DELETE', pattern: /^\/v1\/subscriptions\/([^/]+)$/, handler: (state, _p, [id]) => cancelSubscription(state, id!) },
  {
    method: 'GET',
    pattern: /^\/v1\/subscriptions$/,
    handler: (state, params) => {
      const customer = form.str(params, 'customer');
      const subs = newestFirst(state.subscriptions.values()).filter((s) => !customer || s.customer === customer).map((s) => state.renderSubscription(s));
      return page(state, '/v1/subscriptions', subs, params);
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/invoices$/,
    handler: (state, params) => {
      const customer = form.str(params, 'customer');
      const subscription = form.str(params, 'subscription');
      const invoices = newestFirst(state.invoices.values())
        .filter((i) => (!customer || i.customer === customer) && (!subscription || i.subscription === subscription))
        .map((i) => state.renderInvoice(i));
      return page(state, '/v1/invoices', invoices, params);
    },
  },
  { method: 'POST', pattern: /^\/v1\/invoices\/create_preview$/, handler: (state, params) => previewInvoice(state, params) },
  { method: 'GET', pattern: /^\/v1\/invoices\/([^/]+)$/, handler: (state, _p, [id]) => state.renderInvoice(state.invoice(id!)) },
  {
    method: 'POST',
    pattern: /^\/v1\/invoices\/([^/]+)\/pay$/,
    handler: (state, _p, [id]) => {
      const invoice = state.invoice(id!);
      if (invoice.status !== 'open') throw new FakeStripeError(400, 'invalid_request_error', 'invoice_not_open', `Invoice ${id} is ${invoice.status}, not open.`);
      if (!collect(state, invoice)) throw new FakeStripeError(402, 'card_error', 'card_declined', 'Your card was declined.');
      return state.renderInvoice(invoice);
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/invoiceitems$/,
    handler: (state, params) => {
      const customer = form.str(params, 'customer');
      const items = newestFirst(state.invoiceItems.values())
        .filter((i) => !customer || i.customer === customer)
        .map((i) => invoiceItemObject({ line: i.line, customer: i.customer, currency: i.currency, created: i.created, invoice: i.invoice }));
      return page(state, '/v1/invoiceitems', items, params);
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/payment_methods$/,
    handler: (state, params) => {
      if (form.str(params, 'type') !== 'card') throw new FakeStripeError(400, 'invalid_request_error', 'parameter_invalid', 'The fake makes card payment methods only.', 'type');
      const token = form.str(form.obj(params, 'card'), 'token') ?? 'tok_visa';
      return createCard(state, token.replace(/^tok_/, ''));
    },
  },
  { method: 'GET', pattern: /^\/v1\/payment_methods\/([^/]+)$/, handler: (state, _p, [id]) => state.paymentMethods.get(id!) ?? (() => { throw missing('PaymentMethod', id!); })() },
  { method: 'POST', pattern: /^\/v1\/payment_methods\/([^/]+)\/attach$/, handler: (state, params, [id]) => attachPaymentMethod(state, params, id!) },
  {
    method: 'POST',
    pattern: /^\/v1\/payment_methods\/([^/]+)\/detach$/,
    handler: (state, _p, [id]) => {
      const method = state.paymentMethods.get(id!);
      if (!method) throw missing('PaymentMethod', id!);
      const customerId = typeof method.customer === 'string' ? method.customer : null;
      method.customer = null;
      if (customerId) {
        const customer = state.customer(customerId);
        if (customer.invoice_settings.default_payment_method === method.id) customer.invoice_settings = { ...customer.invoice_settings, default_payment_method: null };
      }
      state.emit('payment_method.detached', method, { customer: customerId });
      return method;
    },
  },
  { method: 'GET', pattern: /^\/v1\/events\/([^/]+)$/, handler: (state, _p, [id]) => state.events.find((e) => e.id === id) ?? (() => { throw missing('event', id!); })() },
  {
    method: 'GET',
    pattern: /^\/v1\/events$/,
    handler: (state, params) => {
      const type = form.str(params, 'type');
      return page(state, '/v1/events', newestFirst(state.events).filter((e) => !type || e.type === type), params);
    },
  },
];
