/**
 * Part of the tests' FAKE of an external service (Stripe's HTTP API). Every object the fake
 * returns is built here with the SDK's own types as the return type, so an SDK upgrade whose
 * shapes drift fails the typecheck instead of passing silently. Required fields are filled
 * with what Stripe returns for a plain test-mode account (no tax, no Connect, no discounts).
 */
import type Stripe from 'stripe';
import { anchorPlus } from './calendar';

export const API_VERSION_NOTE = 'the version the installed SDK pins';

export function listOf<T>(url: string, data: T[], hasMore = false): Stripe.ApiList<T> {
  return { object: 'list', data, has_more: hasMore, url };
}

export function customerObject(input: { id: string; created: number; email: string | null; name: string | null; metadata: Record<string, string> }): Stripe.Customer {
  return {
    id: input.id,
    object: 'customer',
    balance: 0,
    created: input.created,
    default_source: null,
    description: null,
    email: input.email,
    name: input.name,
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: input.metadata,
    shipping: null,
  };
}

export function productObject(input: { id: string; created: number; name: string; metadata: Record<string, string> }): Stripe.Product {
  return {
    id: input.id,
    object: 'product',
    active: true,
    created: input.created,
    description: null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: input.metadata,
    name: input.name,
    package_dimensions: null,
    shippable: null,
    tax_details: null,
    type: 'service',
    updated: input.created,
    url: null,
  };
}

export function priceObject(input: {
  id: string;
  created: number;
  product: string;
  unitAmount: number;
  currency: string;
  interval: 'month' | 'year';
  lookupKey: string | null;
  metadata: Record<string, string>;
}): Stripe.Price {
  return {
    id: input.id,
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    created: input.created,
    currency: input.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: input.lookupKey,
    metadata: input.metadata,
    nickname: null,
    product: input.product,
    recurring: { interval: input.interval, interval_count: 1, meter: null, trial_period_days: null, usage_type: 'licensed' },
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: 'recurring',
    unit_amount: input.unitAmount,
    unit_amount_decimal: null,
  };
}

/** The legacy Plan view of a price, still embedded in subscription items. */
export function planObject(price: Stripe.Price): Stripe.Plan {
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: null,
    billing_scheme: 'per_unit',
    created: price.created,
    currency: price.currency,
    interval: price.recurring?.interval ?? 'month',
    interval_count: 1,
    livemode: false,
    metadata: price.metadata,
    meter: null,
    nickname: null,
    product: typeof price.product === 'string' ? price.product : price.product.id,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: 'licensed',
  };
}

export function subscriptionItemObject(input: { id: string; created: number; subscription: string; price: Stripe.Price; periodStart: number; periodEnd: number }): Stripe.SubscriptionItem {
  return {
    id: input.id,
    object: 'subscription_item',
    billing_thresholds: null,
    created: input.created,
    current_period_end: input.periodEnd,
    current_period_start: input.periodStart,
    current_trial: null,
    discounts: [],
    metadata: {},
    plan: planObject(input.price),
    price: input.price,
    quantity: 1,
    subscription: input.subscription,
    tax_rates: [],
  };
}

export function subscriptionObject(input: {
  id: string;
  created: number;
  customer: string;
  status: Stripe.Subscription.Status;
  item: Stripe.SubscriptionItem;
  trialStart: number | null;
  trialEnd: number | null;
  billingCycleAnchor: number;
  collectionMethod: 'charge_automatically' | 'send_invoice';
  daysUntilDue: number | null;
  cancelAtPeriodEnd: boolean;
  canceledAt: number | null;
  cancellationReason: 'cancellation_requested' | 'payment_failed' | null;
  endedAt: number | null;
  latestInvoice: string | null;
  schedule: string | null;
  metadata: Record<string, string>;
}): Stripe.Subscription {
  return {
    id: input.id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: input.billingCycleAnchor,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: 'classic' },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: input.cancelAtPeriodEnd ? input.item.current_period_end : null,
    cancel_at_period_end: input.cancelAtPeriodEnd,
    canceled_at: input.canceledAt,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: input.cancellationReason },
    collection_method: input.collectionMethod,
    created: input.created,
    currency: input.item.price.currency,
    customer: input.customer,
    customer_account: null,
    days_until_due: input.daysUntilDue,
    default_payment_method: null,
    default_source: null,
    description: null,
    discounts: [],
    ended_at: input.endedAt,
    invoice_settings: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: { type: 'self' } },
    items: listOf(`/v1/subscription_items?subscription=${input.id}`, [input.item]),
    latest_invoice: input.latestInvoice,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: null,
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: input.schedule,
    start_date: input.created,
    status: input.status,
    test_clock: null,
    transfer_data: null,
    trial_end: input.trialEnd,
    trial_settings: { end_behavior: { billing_cycle_anchor: null, missing_payment_method: 'create_invoice' } },
    trial_start: input.trialStart,
  };
}

export interface FakeLine {
  readonly id: string;
  readonly amount: number;
  readonly description: string;
  readonly proration: boolean;
  readonly periodStart: number;
  readonly periodEnd: number;
  /** Set for a line from a pending invoice item (prorations). */
  readonly invoiceItem: string | null;
  readonly subscription: string | null;
  readonly subscriptionItem: string | null;
  readonly price: string | null;
}

export function invoiceLineObject(line: FakeLine, invoice: string | null, currency: string): Stripe.InvoiceLineItem {
  return {
    id: line.id,
    object: 'line_item',
    amount: line.amount,
    currency,
    description: line.description,
    discount_amounts: [],
    discountable: !line.proration,
    discounts: [],
    invoice,
    livemode: false,
    metadata: {},
    parent:
      line.subscriptionItem !== null && line.invoiceItem === null
        ? {
            type: 'subscription_item_details',
            invoice_item_details: null,
            subscription_item_details: {
              invoice_item: null,
              proration: line.proration,
              proration_details: null,
              subscription: line.subscription,
              subscription_item: line.subscriptionItem,
            },
          }
        : {
            type: 'invoice_item_details',
            subscription_item_details: null,
            invoice_item_details: { invoice_item: line.invoiceItem ?? line.id, proration: line.proration, proration_details: null, subscription: line.subscription },
          },
    period: { start: line.periodStart, end: line.periodEnd },
    pretax_credit_amounts: [],
    pricing: line.price === null ? null : { type: 'price_details', price_details: { price: line.price, product: '' }, unit_amount_decimal: null },
    quantity: 1,
    quantity_decimal: null,
    subscription: line.subscription,
    subtotal: line.amount,
    taxes: [],
  };
}

export function invoiceItemObject(input: { line: FakeLine; customer: string; currency: string; created: number; invoice: string | null }): Stripe.InvoiceItem {
  return {
    id: input.line.id,
    object: 'invoiceitem',
    amount: input.line.amount,
    currency: input.currency,
    customer: input.customer,
    customer_account: null,
    date: input.created,
    description: input.line.description,
    discountable: false,
    discounts: null,
    invoice: input.invoice,
    livemode: false,
    metadata: {},
    parent: input.line.subscription === null ? null : { type: 'subscription_details', subscription_details: { subscription: input.line.subscription, subscription_item: input.line.subscriptionItem ?? undefined } },
    period: { start: input.line.periodStart, end: input.line.periodEnd },
    pricing: null,
    proration: input.line.proration,
    quantity: 1,
    quantity_decimal: null as unknown as Stripe.InvoiceItem['quantity_decimal'],
    tax_rates: [],
    test_clock: null,
  };
}

export interface FakeInvoiceInput {
  id: string | null;
  created: number;
  customer: Stripe.Customer;
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
  hostedUrl: string | null;
  collectionMethod: 'charge_automatically' | 'send_invoice';
  nextPaymentAttempt: number | null;
  voidedAt: number | null;
}

export function invoiceObject(input: FakeInvoiceInput): Stripe.Invoice {
  const total = input.lines.reduce((sum, line) => sum + line.amount, 0);
  const id = input.id ?? `upcoming_${input.customer.id}`;
  return {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Tenant Console test account',
    account_tax_ids: null,
    amount_due: input.status === 'void' ? 0 : Math.max(0, total),
    amount_overpaid: 0,
    amount_paid: input.amountPaid,
    amount_remaining: input.status === 'void' ? 0 : Math.max(0, total - input.amountPaid),
    amount_shipping: 0,
    application: null,
    attempt_count: input.attemptCount,
    attempted: input.attemptCount > 0,
    auto_advance: input.status === 'draft' || input.status === 'open',
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: input.billingReason,
    collection_method: input.collectionMethod,
    created: input.created,
    currency: input.currency,
    custom_fields: null,
    customer: input.customer.id,
    customer_account: null,
    customer_address: null,
    customer_email: input.customer.email,
    customer_name: input.customer.name ?? null,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: input.dueDate,
    effective_at: input.finalizedAt,
    ending_balance: input.finalizedAt === null ? null : 0,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: input.hostedUrl,
    invoice_pdf: input.hostedUrl === null ? null : `${input.hostedUrl}/pdf`,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: listOf(`/v1/invoices/${id}/lines`, input.lines.map((line) => invoiceLineObject(line, input.id, input.currency))),
    livemode: false,
    metadata: {},
    next_payment_attempt: input.nextPaymentAttempt,
    number: input.number,
    on_behalf_of: null,
    parent: input.subscription === null ? null : { type: 'subscription_details', quote_details: null, subscription_details: { metadata: {}, subscription: input.subscription } },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: input.periodEnd,
    period_start: input.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: input.status,
    status_transitions: { finalized_at: input.finalizedAt, marked_uncollectible_at: null, paid_at: input.paidAt, voided_at: input.voidedAt },
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: null,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: input.finalizedAt,
  };
}

export function cardPaymentMethodObject(input: { id: string; created: number; customer: string | null; brand: string; last4: string }): Stripe.PaymentMethod {
  return {
    id: input.id,
    object: 'payment_method',
    billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
    card: {
      brand: input.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: 'US',
      display_brand: input.brand,
      exp_month: 12,
      exp_year: 2034,
      funding: 'credit',
      generated_from: null,
      last4: input.last4,
      networks: { available: [input.brand], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: input.created,
    customer: input.customer,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: 'card',
  };
}

export type EventOf<T extends Stripe.Event['type']> = Extract<Stripe.Event, { type: T }>;

/** An event as Stripe logs it: the object as it was after the change, and what changed. */
export function eventObject<T extends Stripe.Event['type']>(input: {
  id: string;
  created: number;
  type: T;
  object: EventOf<T>['data']['object'];
  previousAttributes?: Record<string, unknown>;
  apiVersion: string;
}): EventOf<T> {
  const event = {
    id: input.id,
    object: 'event' as const,
    api_version: input.apiVersion,
    created: input.created,
    data: input.previousAttributes ? { object: input.object, previous_attributes: input.previousAttributes } : { object: input.object },
    livemode: false,
    pending_webhooks: 0,
    request: { id: null, idempotency_key: null },
    type: input.type,
  };
  return event as unknown as EventOf<T>;
}

/** A subscription schedule: its phases, each one price for a stretch of time. */
export function scheduleObject(input: {
  id: string;
  created: number;
  customer: string;
  subscription: string | null;
  status: Stripe.SubscriptionSchedule.Status;
  endBehavior: 'release' | 'cancel';
  phases: { start: number; end: number | null; price: Stripe.Price; prorationBehavior: Stripe.SubscriptionSchedule.Phase.ProrationBehavior }[];
  current: { start: number; end: number } | null;
  releasedAt: number | null;
  canceledAt: number | null;
  releasedSubscription: string | null;
  metadata: Record<string, string>;
}): Stripe.SubscriptionSchedule {
  return {
    id: input.id,
    object: 'subscription_schedule',
    application: null,
    billing_mode: { flexible: null, type: 'classic' },
    canceled_at: input.canceledAt,
    completed_at: null,
    created: input.created,
    current_phase: input.current ? { start_date: input.current.start, end_date: input.current.end } : null,
    customer: input.customer,
    customer_account: null,
    default_settings: {
      application_fee_percent: null,
      billing_cycle_anchor: 'automatic',
      billing_thresholds: null,
      collection_method: null,
      default_payment_method: null,
      description: null,
      invoice_settings: { account_tax_ids: null, custom_fields: null, days_until_due: null, description: null, footer: null, issuer: { type: 'self' } },
      on_behalf_of: null,
      transfer_data: null,
    },
    end_behavior: input.endBehavior,
    livemode: false,
    metadata: input.metadata,
    pause_schedules: [],
    phases: input.phases.map((phase) => ({
      add_invoice_items: [],
      application_fee_percent: null,
      billing_cycle_anchor: null,
      billing_thresholds: null,
      collection_method: null,
      currency: phase.price.currency,
      default_payment_method: null,
      description: null,
      discounts: [],
      // A phase without an end date lasts one interval of its price.
      end_date: phase.end ?? anchorPlus(phase.start, 1, phase.price.recurring?.interval ?? 'month'),
      invoice_settings: null,
      items: [{ billing_thresholds: null, discounts: [], metadata: {}, plan: phase.price.id, price: phase.price.id, quantity: 1 }],
      metadata: {},
      on_behalf_of: null,
      proration_behavior: phase.prorationBehavior,
      start_date: phase.start,
      transfer_data: null,
      trial_end: null,
    })),
    released_at: input.releasedAt,
    released_subscription: input.releasedSubscription,
    status: input.status,
    subscription: input.subscription,
    test_clock: null,
  };
}
