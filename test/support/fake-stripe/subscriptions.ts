/**
 * Part of the tests' FAKE of an external service (Stripe's HTTP API). The subscription
 * endpoints — create, update, cancel, list — and the invoice preview, with the rules
 * Stripe's API reference states for them (quoted where each is enforced):
 * - create: `trial_end` may be `now` and "can be at most two years from
 *   billing_cycle_anchor"; `days_until_due` is "valid only for subscriptions where
 *   collection_method is set to send_invoice" (and such a subscription needs it);
 *   "Subscriptions with collection_method=send_invoice are automatically activated
 *   regardless of the first Invoice status"; a future `billing_cycle_anchor` bills the part
 *   period up to it prorated, or not at all with proration_behavior none;
 * - update: an `incomplete` subscription "can only have metadata and default_source
 *   updated"; a canceled one "is largely immutable. You can still update its metadata and
 *   cancellation_details" (the Cancel endpoint's description); `proration_date` says when
 *   prorations are computed, so it is refused with proration_behavior none, which makes none;
 *   `cancel_at_period_end`: "canceled_at will reflect the time of the most recent update
 *   request, not the end of the subscription period";
 * - cancel: "pending prorations are removed if invoice_now and prorate are both set to
 *   false" (the default);
 * - list: "If no value is supplied, all subscriptions that have not been canceled are
 *   returned"; `status=all`, `ended` (canceled and incomplete_expired) or one status.
 */
import type Stripe from 'stripe';
import { anchorPlus } from './calendar';
import {
  addPendingItems,
  canCharge,
  changePrice,
  currentPlanLine,
  endSubscription,
  invoiceAndCollect,
  pendingLines,
  planLine,
  prorationLines,
  type ProrationBehavior,
} from './billing';
import { form, type FormObject } from './form-body';
import { invoiceObject } from './objects';
import { FakeStripeError, missing, type FakeStripeState, type SubscriptionRecord } from './state';
import { listParams, p, ParameterError, type Schema } from './validate';

const DAY = 86_400;
/** "at most two years": Stripe counts 730 days. */
const TWO_YEARS = 730 * DAY;
const PRORATION = ['create_prorations', 'none', 'always_invoice'];
const FEEDBACK = ['customer_service', 'low_quality', 'missing_features', 'other', 'switched_service', 'too_complex', 'too_expensive', 'unused'];
const STATUSES = ['active', 'all', 'canceled', 'ended', 'incomplete', 'incomplete_expired', 'past_due', 'paused', 'trialing', 'unpaid'];

const bad = (param: string | undefined, message: string, code?: string): FakeStripeError => new FakeStripeError(400, 'invalid_request_error', code, message, param);
/** A parameter that fails Stripe's validation: refused before the endpoint runs, so nothing is saved under its idempotency key. */
const badParam = (param: string, message: string, code?: string): FakeStripeError => new ParameterError(400, 'invalid_request_error', code, message, param);

export const subscriptionCreateParams: Schema = {
  customer: p.required(p.string()),
  items: p.required(p.array(p.object({ price: p.required(p.string()), quantity: p.integer(1, 1) }))),
  trial_end: p.timestamp({ now: true }),
  collection_method: p.enumOf('charge_automatically', 'send_invoice'),
  days_until_due: p.integer(0, 730),
  billing_cycle_anchor: p.timestamp(),
  proration_behavior: p.enumOf(...PRORATION),
  cancel_at_period_end: p.boolean(),
  metadata: p.metadata(),
};

export const subscriptionUpdateParams: Schema = {
  items: p.array(p.object({ id: p.string(), price: p.string(), quantity: p.integer(1, 1) })),
  proration_behavior: p.enumOf(...PRORATION),
  proration_date: p.timestamp(),
  cancel_at_period_end: p.boolean(),
  collection_method: p.enumOf('charge_automatically', 'send_invoice'),
  days_until_due: p.integer(0, 730),
  cancellation_details: p.object({ comment: p.string(), feedback: p.enumOf(...FEEDBACK) }),
  metadata: p.metadata(),
};

export const subscriptionCancelParams: Schema = {
  invoice_now: p.boolean(),
  prorate: p.boolean(),
  cancellation_details: p.object({ comment: p.string(), feedback: p.enumOf(...FEEDBACK) }),
};

export const subscriptionListParams: Schema = { ...listParams, customer: p.string(), price: p.string(), status: p.enumOf(...STATUSES) };

export const previewParams: Schema = {
  customer: p.string(),
  subscription: p.string(),
  subscription_details: p.object({
    items: p.array(p.object({ id: p.string(), price: p.string(), quantity: p.integer(1, 1) })),
    proration_behavior: p.enumOf(...PRORATION),
    proration_date: p.timestamp(),
  }),
};

/** Stripe's metadata update: keys merge, `metadata[k]=` removes a key, `metadata=` removes all. */
export function mergeMetadata(current: Record<string, string>, params: FormObject): Record<string, string> {
  if (params.metadata === '') return {};
  const patch = form.obj(params, 'metadata');
  if (!patch) return current;
  const merged = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === '') delete merged[key];
    else if (typeof value === 'string') merged[key] = value;
  }
  return merged;
}

const onePrice = (state: FakeStripeState, items: unknown[] | undefined, base: string): Stripe.Price => {
  if (!items || items.length !== 1) throw bad(base, 'The fake models subscriptions with exactly one item.');
  return state.price(form.str(items[0] as FormObject, 'price')!, `${base}[0][price]`);
};

export function createSubscription(state: FakeStripeState, params: FormObject): Stripe.Subscription {
  const customer = state.customer(form.str(params, 'customer')!);
  const price = onePrice(state, form.arr(params, 'items'), 'items');
  const interval = price.recurring?.interval ?? 'month';
  const now = state.now();
  const rawTrialEnd = form.str(params, 'trial_end');
  const trialEnd = rawTrialEnd === undefined || rawTrialEnd === 'now' ? undefined : Number(rawTrialEnd);
  if (trialEnd !== undefined && trialEnd <= now) throw badParam('trial_end', 'Invalid timestamp: must be an integer Unix timestamp in the future.');
  if (trialEnd !== undefined && trialEnd > now + TWO_YEARS) throw badParam('trial_end', 'Invalid timestamp: can be no more than two years (730 days) from billing_cycle_anchor.');
  const collectionMethod = (form.str(params, 'collection_method') ?? 'charge_automatically') as SubscriptionRecord['collectionMethod'];
  const daysUntilDue = form.int(params, 'days_until_due');
  if (collectionMethod === 'send_invoice' && daysUntilDue === undefined) throw badParam('days_until_due', 'Missing required param: days_until_due.', 'parameter_missing');
  if (collectionMethod !== 'send_invoice' && daysUntilDue !== undefined) throw badParam('days_until_due', 'days_until_due is only valid when collection_method is send_invoice.');
  const anchorParam = form.int(params, 'billing_cycle_anchor');
  if (anchorParam !== undefined && trialEnd !== undefined) throw badParam('billing_cycle_anchor', 'The fake does not model billing_cycle_anchor together with trial_end.');
  if (anchorParam !== undefined && (anchorParam <= now || anchorParam > anchorPlus(now, 1, interval))) {
    throw badParam('billing_cycle_anchor', 'billing_cycle_anchor must be in the future and at most one billing interval away.');
  }
  const behavior = (form.str(params, 'proration_behavior') ?? 'create_prorations') as ProrationBehavior;
  const trialing = trialEnd !== undefined;
  const anchor = trialEnd ?? anchorParam ?? now;
  // A trial starts with a $0 invoice; a future anchor bills the part period up to it; otherwise the first period is billed now.
  let amount = price.unit_amount ?? 0;
  let description = `1 × ${price.id}`;
  if (trialing) {
    amount = 0;
    description = `Trial period for ${price.id}`;
  } else if (anchorParam !== undefined) {
    const full = anchorParam - anchorPlus(anchorParam, -1, interval);
    amount = behavior === 'none' ? 0 : Math.round((price.unit_amount ?? 0) * ((anchorParam - now) / full));
    description = `Remaining time on ${price.id} until the billing cycle anchor`;
  }
  // send_invoice is active at once; automatic collection is active only once the first invoice is paid.
  const paysAtOnce = collectionMethod === 'send_invoice' || amount <= 0 || canCharge(state, customer.id);
  const sub: SubscriptionRecord = {
    id: state.id('sub'),
    created: now,
    customer: customer.id,
    status: trialing ? 'trialing' : paysAtOnce ? 'active' : 'incomplete',
    itemId: state.id('si'),
    priceId: price.id,
    periodStart: now,
    periodEnd: anchor > now ? anchor : anchorPlus(anchor, 1, interval),
    trialStart: trialing ? now : null,
    trialEnd: trialing ? trialEnd : null,
    billingCycleAnchor: anchor,
    collectionMethod,
    daysUntilDue: daysUntilDue ?? null,
    cancelAtPeriodEnd: form.bool(params, 'cancel_at_period_end') ?? false,
    canceledAt: null,
    cancellationReason: null,
    endedAt: null,
    latestInvoice: null,
    schedule: null,
    metadata: mergeMetadata({}, params),
  };
  if (sub.cancelAtPeriodEnd) {
    sub.canceledAt = now;
    sub.cancellationReason = 'cancellation_requested';
  }
  state.subscriptions.set(sub.id, sub);
  state.emitSubscription('customer.subscription.created', sub);
  invoiceAndCollect(state, sub, [planLine(state, sub, price, amount, sub.periodStart, sub.periodEnd, description)], 'subscription_create', { includePending: false, firstInvoice: true });
  return state.renderSubscription(sub);
}

/** Parameters a subscription in `status` still accepts. */
const ALLOWED_WHEN: Partial<Record<Stripe.Subscription.Status, { keys: string[]; message: string }>> = {
  canceled: { keys: ['metadata', 'cancellation_details'], message: 'A canceled subscription can only update its cancellation_details and metadata.' },
  incomplete_expired: { keys: ['metadata', 'cancellation_details'], message: 'An incomplete_expired subscription is terminal: it can only update its cancellation_details and metadata.' },
  incomplete: {
    keys: ['metadata'],
    message: 'A subscription with status `incomplete` can only update its metadata and default_source: pay its first invoice (or cancel it) to change anything else.',
  },
};

export function updateSubscription(state: FakeStripeState, params: FormObject, id: string): Stripe.Subscription {
  const sub = state.subscription(id);
  const allowed = ALLOWED_WHEN[sub.status];
  if (allowed) {
    const refused = Object.keys(params).find((key) => !allowed.keys.includes(key));
    if (refused) throw bad(refused, allowed.message);
  }
  const behavior = (form.str(params, 'proration_behavior') ?? 'create_prorations') as ProrationBehavior;
  const prorationDate = form.int(params, 'proration_date');
  if (prorationDate !== undefined && form.str(params, 'proration_behavior') === 'none') {
    throw badParam('proration_date', 'proration_date cannot be used with proration_behavior none: no prorations are made.');
  }
  const collection = form.str(params, 'collection_method') as SubscriptionRecord['collectionMethod'] | undefined;
  const daysUntilDue = form.int(params, 'days_until_due');
  const collectionAfter = collection ?? sub.collectionMethod;
  if (collectionAfter === 'send_invoice' && daysUntilDue === undefined && sub.daysUntilDue === null) throw badParam('days_until_due', 'Missing required param: days_until_due.', 'parameter_missing');
  if (collectionAfter !== 'send_invoice' && daysUntilDue !== undefined) throw badParam('days_until_due', 'days_until_due is only valid when collection_method is send_invoice.');
  const items = form.arr(params, 'items');
  let newPrice: Stripe.Price | null = null;
  if (items && items.length > 0) {
    if (items.length !== 1) throw bad('items', 'The fake models subscriptions with exactly one item.');
    const itemId = form.str(items[0], 'id');
    const priceId = form.str(items[0], 'price');
    if (itemId !== undefined && itemId !== sub.itemId) throw missing('subscription item', itemId, 'items[0][id]');
    if (priceId !== undefined) newPrice = state.price(priceId, 'items[0][price]');
  }

  const previous: Record<string, unknown> = {};
  sub.metadata = mergeMetadata(sub.metadata, params);
  const cancel = form.bool(params, 'cancel_at_period_end');
  if (cancel !== undefined && cancel !== sub.cancelAtPeriodEnd) {
    previous.cancel_at_period_end = sub.cancelAtPeriodEnd;
    sub.cancelAtPeriodEnd = cancel;
    // canceled_at is the time of the request; taking the cancellation back clears it.
    sub.canceledAt = cancel ? state.now() : null;
    sub.cancellationReason = cancel ? 'cancellation_requested' : null;
  }
  if (collection !== undefined && collection !== sub.collectionMethod) {
    previous.collection_method = sub.collectionMethod;
    sub.collectionMethod = collection;
  }
  if (collectionAfter === 'send_invoice') sub.daysUntilDue = daysUntilDue ?? sub.daysUntilDue;
  else sub.daysUntilDue = null;
  if (newPrice && newPrice.id !== sub.priceId) {
    previous.items = { price: sub.priceId, current_period_start: sub.periodStart, current_period_end: sub.periodEnd };
    changePrice(state, sub, newPrice, behavior, prorationDate ?? state.now());
  }
  if (Object.keys(previous).length > 0) state.emitSubscription('customer.subscription.updated', sub, previous);
  return state.renderSubscription(sub);
}

export function cancelSubscription(state: FakeStripeState, params: FormObject, id: string): Stripe.Subscription {
  const sub = state.subscription(id);
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired') {
    throw bad(undefined, `This subscription is already ${sub.status === 'canceled' ? 'canceled' : 'expired'}: '${id}'.`, 'resource_missing');
  }
  const invoiceNow = form.bool(params, 'invoice_now') ?? false;
  const prorate = form.bool(params, 'prorate') ?? false;
  if (prorate) {
    const price = state.price(sub.priceId);
    const credit = prorationLines(state, sub, price, price, state.now())[0];
    if (credit) addPendingItems(state, sub.customer, price.currency, [credit]);
  }
  const pending = pendingLines(state, sub.customer).filter((item) => item.line.subscription === sub.id && item.line.proration);
  if (invoiceNow && pending.length > 0) invoiceAndCollect(state, sub, [], 'subscription_cycle', { includePending: true, firstInvoice: false });
  else if (!invoiceNow && !prorate) for (const item of pending) state.invoiceItems.delete(item.line.id);
  sub.canceledAt = state.now();
  endSubscription(state, sub, 'cancellation_requested');
  return state.renderSubscription(sub);
}

export function listSubscriptions(state: FakeStripeState, params: FormObject): Stripe.Subscription[] {
  const customer = form.str(params, 'customer');
  const price = form.str(params, 'price');
  const status = form.str(params, 'status');
  const matches = (sub: SubscriptionRecord): boolean => {
    if (status === undefined) return sub.status !== 'canceled';
    if (status === 'all') return true;
    if (status === 'ended') return sub.status === 'canceled' || sub.status === 'incomplete_expired';
    return sub.status === status;
  };
  return [...state.subscriptions.values()]
    .reverse()
    .filter((sub) => (!customer || sub.customer === customer) && (!price || sub.priceId === price) && matches(sub))
    .map((sub) => state.renderSubscription(sub));
}

/** What the next invoice would be after a proposed change (nothing is stored). */
export function previewInvoice(state: FakeStripeState, params: FormObject): Stripe.Invoice {
  const details = form.obj(params, 'subscription_details') ?? {};
  const subId = form.str(params, 'subscription');
  const customerId = form.str(params, 'customer');
  if (!subId && !customerId) throw badParam('customer', 'Missing required param: customer or subscription.', 'parameter_missing');
  const found = subId ? state.subscription(subId, 'subscription') : [...state.subscriptions.values()].find((s) => s.customer === customerId && s.status !== 'canceled');
  if (!found) throw bad(undefined, `No upcoming invoices for customer: ${customerId}`, 'invoice_upcoming_none');
  const customer = state.customer(customerId ?? found.customer);
  if (found.customer !== customer.id) throw bad('subscription', `The subscription ${found.id} does not belong to ${customer.id}.`);
  const behavior = (form.str(details, 'proration_behavior') ?? 'create_prorations') as ProrationBehavior;
  if (form.str(details, 'proration_date') !== undefined && behavior === 'none') {
    throw badParam('subscription_details[proration_date]', 'proration_date cannot be used with proration_behavior none: no prorations are made.');
  }
  // A copy: the preview changes nothing.
  const sub: SubscriptionRecord = { ...found, metadata: { ...found.metadata } };
  const items = form.arr(details, 'items') ?? [];
  const priceId = form.str(items[0], 'price') ?? sub.priceId;
  const newPrice = state.price(priceId, 'subscription_details[items][0][price]');
  const oldPrice = state.price(sub.priceId);
  const at = form.int(details, 'proration_date') ?? state.now();
  const trialing = sub.status === 'trialing';
  const prorations = behavior === 'none' || trialing || priceId === sub.priceId ? [] : prorationLines(state, sub, oldPrice, newPrice, at);
  const pending = pendingLines(state, customer.id).map((item) => item.line);
  const intervalChange = (oldPrice.recurring?.interval ?? 'month') !== (newPrice.recurring?.interval ?? 'month') && !trialing;
  let lines;
  let periodStart = sub.periodStart;
  let periodEnd = sub.periodEnd;
  if (intervalChange) {
    // The change itself is invoiced at once: the unused time's credit and a whole new period.
    const now = state.now();
    sub.priceId = newPrice.id;
    sub.periodStart = now;
    sub.periodEnd = anchorPlus(now, 1, newPrice.recurring?.interval ?? 'month');
    periodStart = sub.periodStart;
    periodEnd = sub.periodEnd;
    lines = [...pending, ...prorations, currentPlanLine(state, sub)];
  } else if (behavior === 'always_invoice') lines = [...pending, ...prorations];
  else {
    const nextStart = trialing ? (sub.trialEnd ?? sub.periodEnd) : sub.periodEnd;
    const nextEnd = anchorPlus(nextStart, 1, newPrice.recurring?.interval ?? 'month');
    lines = [...pending, ...prorations, planLine(state, sub, newPrice, newPrice.unit_amount ?? 0, nextStart, nextEnd, `1 × ${newPrice.id}`)];
  }
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
    periodStart,
    periodEnd,
    billingReason: intervalChange || behavior === 'always_invoice' ? 'subscription_update' : 'upcoming',
    finalizedAt: null,
    paidAt: null,
    dueDate: null,
    attemptCount: 0,
    hostedUrl: null,
    collectionMethod: sub.collectionMethod,
    nextPaymentAttempt: null,
    voidedAt: null,
  });
}

