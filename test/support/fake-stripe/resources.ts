/**
 * Part of the tests' FAKE of an external service (Stripe's HTTP API). The /v1 endpoints the
 * console calls, answering with the SDK's types: customers (+ payment methods), products,
 * prices (lookup_keys), subscriptions (subscriptions.ts), subscription schedules
 * (schedules.ts), invoices (list, retrieve, create_preview, pay), payment methods (create,
 * attach, detach) and events. Each route declares its parameters (validate.ts): the server
 * refuses anything else before the handler runs.
 */
import type Stripe from 'stripe';
import { payNow } from './billing';
import { form, type FormObject } from './form-body';
import { cardPaymentMethodObject, invoiceItemObject, listOf, priceObject, productObject } from './objects';
import { cancelSchedule, createSchedule, releaseSchedule, scheduleCancelParams, scheduleCreateParams, scheduleReleaseParams, scheduleUpdateParams, updateSchedule } from './schedules';
import { FakeStripeError, missing, type FakeStripeState } from './state';
import {
  cancelSubscription,
  createSubscription,
  listSubscriptions,
  mergeMetadata,
  previewInvoice,
  previewParams,
  subscriptionCancelParams,
  subscriptionCreateParams,
  subscriptionListParams,
  subscriptionUpdateParams,
  updateSubscription,
} from './subscriptions';
import { listParams, p, type Schema } from './validate';

export type Handler = (state: FakeStripeState, params: FormObject, path: string[]) => unknown;
export interface Route {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly pattern: RegExp;
  /** Every parameter the endpoint takes; anything else is refused with Stripe's 400. */
  readonly params: Schema;
  readonly handler: Handler;
}

const NONE: Schema = {};

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

function attachPaymentMethod(state: FakeStripeState, params: FormObject, id: string): Stripe.PaymentMethod {
  const customer = state.customer(form.str(params, 'customer')!);
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
  customer.metadata = mergeMetadata(customer.metadata, params);
  state.emit('customer.updated', customer, previous);
  return customer;
}

export const routes: Route[] = [
  {
    method: 'POST',
    pattern: /^\/v1\/customers$/,
    params: { email: p.string(), name: p.string(), metadata: p.metadata() },
    handler: (state, params) => state.newCustomer({ email: form.str(params, 'email') ?? null, name: form.str(params, 'name') ?? null, metadata: mergeMetadata({}, params) }),
  },
  { method: 'GET', pattern: /^\/v1\/customers\/([^/]+)$/, params: NONE, handler: (state, _p, [id]) => state.customer(id!, 'id') },
  {
    method: 'POST',
    pattern: /^\/v1\/customers\/([^/]+)$/,
    params: { email: p.string(), name: p.string(), metadata: p.metadata(), invoice_settings: p.object({ default_payment_method: p.string() }) },
    handler: (state, params, [id]) => updateCustomer(state, params, id!),
  },
  {
    method: 'GET',
    pattern: /^\/v1\/customers$/,
    params: { ...listParams, email: p.string() },
    handler: (state, params) => {
      const email = form.str(params, 'email');
      return page(state, '/v1/customers', newestFirst(state.customers.values()).filter((c) => email === undefined || c.email === email), params);
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/customers\/([^/]+)\/payment_methods$/,
    params: { ...listParams, type: p.string() },
    handler: (state, params, [id]) => {
      state.customer(id!, 'id');
      const type = form.str(params, 'type');
      return page(state, `/v1/customers/${id}/payment_methods`, newestFirst(state.paymentMethods.values()).filter((m) => m.customer === id && (!type || m.type === type)), params);
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/products$/,
    params: { id: p.string(), name: p.required(p.string()), metadata: p.metadata() },
    handler: (state, params) => {
      const product = productObject({ id: form.str(params, 'id') ?? state.id('prod'), created: state.now(), name: form.str(params, 'name')!, metadata: mergeMetadata({}, params) });
      state.products.set(product.id, product);
      return product;
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/products\/([^/]+)$/,
    params: NONE,
    handler: (state, _p, [id]) => state.products.get(id!) ?? (() => { throw missing('product', id!); })(),
  },
  {
    method: 'POST',
    pattern: /^\/v1\/prices$/,
    params: {
      product: p.required(p.string()),
      unit_amount: p.required(p.integer(0)),
      currency: p.required(p.string()),
      recurring: p.object({ interval: p.required(p.enumOf('day', 'week', 'month', 'year')), interval_count: p.integer(1, 1) }),
      lookup_key: p.string(),
      metadata: p.metadata(),
    },
    handler: (state, params) => {
      const product = form.str(params, 'product')!;
      if (!state.products.has(product)) throw missing('product', product, 'product');
      const recurring = form.obj(params, 'recurring');
      const interval = form.str(recurring, 'interval');
      if (interval !== 'month' && interval !== 'year') throw new FakeStripeError(400, 'invalid_request_error', undefined, 'The fake makes recurring month or year prices only.', 'recurring[interval]');
      const lookupKey = form.str(params, 'lookup_key') ?? null;
      if (lookupKey !== null && [...state.prices.values()].some((price) => price.lookup_key === lookupKey)) {
        throw new FakeStripeError(400, 'invalid_request_error', 'lookup_key_exists', `A price (\`${lookupKey}\`) already uses that lookup key.`, 'lookup_key');
      }
      const price = priceObject({
        id: state.id('price'),
        created: state.now(),
        product,
        unitAmount: form.int(params, 'unit_amount')!,
        currency: form.str(params, 'currency')!.toLowerCase(),
        interval,
        lookupKey,
        metadata: mergeMetadata({}, params),
      });
      state.prices.set(price.id, price);
      return price;
    },
  },
  { method: 'GET', pattern: /^\/v1\/prices\/([^/]+)$/, params: NONE, handler: (state, _p, [id]) => state.price(id!, 'id') },
  {
    method: 'GET',
    pattern: /^\/v1\/prices$/,
    params: { ...listParams, lookup_keys: p.array(p.string()), product: p.string(), active: p.boolean() },
    handler: (state, params) => {
      const keys = form.arr(params, 'lookup_keys')?.filter((k): k is string => typeof k === 'string');
      const product = form.str(params, 'product');
      const active = form.bool(params, 'active');
      const matching = newestFirst(state.prices.values()).filter(
        (price) => (!keys || (price.lookup_key !== null && keys.includes(price.lookup_key))) && (!product || price.product === product) && (active === undefined || price.active === active),
      );
      return page(state, '/v1/prices', matching, params);
    },
  },
  { method: 'POST', pattern: /^\/v1\/subscriptions$/, params: subscriptionCreateParams, handler: (state, params) => createSubscription(state, params) },
  { method: 'GET', pattern: /^\/v1\/subscriptions\/([^/]+)$/, params: NONE, handler: (state, _p, [id]) => state.renderSubscription(state.subscription(id!)) },
  { method: 'POST', pattern: /^\/v1\/subscriptions\/([^/]+)$/, params: subscriptionUpdateParams, handler: (state, params, [id]) => updateSubscription(state, params, id!) },
  { method: 'DELETE', pattern: /^\/v1\/subscriptions\/([^/]+)$/, params: subscriptionCancelParams, handler: (state, params, [id]) => cancelSubscription(state, params, id!) },
  { method: 'GET', pattern: /^\/v1\/subscriptions$/, params: subscriptionListParams, handler: (state, params) => page(state, '/v1/subscriptions', listSubscriptions(state, params), params) },
  { method: 'POST', pattern: /^\/v1\/subscription_schedules$/, params: scheduleCreateParams, handler: (state, params) => createSchedule(state, params) },
  { method: 'GET', pattern: /^\/v1\/subscription_schedules\/([^/]+)$/, params: NONE, handler: (state, _p, [id]) => state.renderSchedule(state.schedule(id!)) },
  { method: 'POST', pattern: /^\/v1\/subscription_schedules\/([^/]+)$/, params: scheduleUpdateParams, handler: (state, params, [id]) => updateSchedule(state, params, id!) },
  { method: 'POST', pattern: /^\/v1\/subscription_schedules\/([^/]+)\/release$/, params: scheduleReleaseParams, handler: (state, _p, [id]) => releaseSchedule(state, id!) },
  { method: 'POST', pattern: /^\/v1\/subscription_schedules\/([^/]+)\/cancel$/, params: scheduleCancelParams, handler: (state, _p, [id]) => cancelSchedule(state, id!) },
  {
    method: 'GET',
    pattern: /^\/v1\/invoices$/,
    params: { ...listParams, customer: p.string(), subscription: p.string(), status: p.enumOf('draft', 'open', 'paid', 'uncollectible', 'void') },
    handler: (state, params) => {
      const customer = form.str(params, 'customer');
      const subscription = form.str(params, 'subscription');
      const status = form.str(params, 'status');
      const invoices = newestFirst(state.invoices.values())
        .filter((i) => (!customer || i.customer === customer) && (!subscription || i.subscription === subscription) && (!status || i.status === status))
        .map((i) => state.renderInvoice(i));
      return page(state, '/v1/invoices', invoices, params);
    },
  },
  { method: 'POST', pattern: /^\/v1\/invoices\/create_preview$/, params: previewParams, handler: (state, params) => previewInvoice(state, params) },
  { method: 'GET', pattern: /^\/v1\/invoices\/([^/]+)$/, params: NONE, handler: (state, _p, [id]) => state.renderInvoice(state.invoice(id!)) },
  {
    method: 'POST',
    pattern: /^\/v1\/invoices\/([^/]+)\/pay$/,
    params: NONE,
    handler: (state, _p, [id]) => {
      const invoice = state.invoice(id!);
      if (invoice.status !== 'open') throw new FakeStripeError(400, 'invalid_request_error', 'invoice_not_open', `Invoice ${id} is ${invoice.status}, not open.`);
      if (!payNow(state, invoice)) throw new FakeStripeError(402, 'card_error', 'card_declined', 'Your card was declined.');
      return state.renderInvoice(invoice);
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/invoiceitems$/,
    params: { ...listParams, customer: p.string(), pending: p.boolean() },
    handler: (state, params) => {
      const customer = form.str(params, 'customer');
      const pending = form.bool(params, 'pending');
      const items = newestFirst(state.invoiceItems.values())
        .filter((i) => (!customer || i.customer === customer) && (pending === undefined || (i.invoice === null) === pending))
        .map((i) => invoiceItemObject({ line: i.line, customer: i.customer, currency: i.currency, created: i.created, invoice: i.invoice }));
      return page(state, '/v1/invoiceitems', items, params);
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/payment_methods$/,
    params: { type: p.required(p.string()), card: p.object({ token: p.string() }) },
    handler: (state, params) => {
      if (form.str(params, 'type') !== 'card') throw new FakeStripeError(400, 'invalid_request_error', undefined, 'The fake makes card payment methods only.', 'type');
      const token = form.str(form.obj(params, 'card'), 'token') ?? 'tok_visa';
      return createCard(state, token.replace(/^tok_/, ''));
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/payment_methods\/([^/]+)$/,
    params: NONE,
    handler: (state, _p, [id]) => state.paymentMethods.get(id!) ?? (() => { throw missing('PaymentMethod', id!); })(),
  },
  { method: 'POST', pattern: /^\/v1\/payment_methods\/([^/]+)\/attach$/, params: { customer: p.required(p.string()) }, handler: (state, params, [id]) => attachPaymentMethod(state, params, id!) },
  {
    method: 'POST',
    pattern: /^\/v1\/payment_methods\/([^/]+)\/detach$/,
    params: NONE,
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
  {
    method: 'GET',
    pattern: /^\/v1\/events\/([^/]+)$/,
    params: NONE,
    handler: (state, _p, [id]) => state.events.find((e) => e.id === id) ?? (() => { throw missing('event', id!); })(),
  },
  {
    method: 'GET',
    pattern: /^\/v1\/events$/,
    params: { ...listParams, type: p.string() },
    handler: (state, params) => {
      const type = form.str(params, 'type');
      return page(state, '/v1/events', newestFirst(state.events).filter((e) => !type || e.type === type), params);
    },
  },
];
