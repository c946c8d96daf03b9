import type Stripe from 'stripe';
import type { JobAction } from '../../../src-shared/contract/billing-models';
import { AppError } from '../../base/app-error';
import type { BillingContext } from '../billing-context';
import { readStoredBillingSettings } from '../billing-settings';
import { ensureStripePrice, isStripeBillable } from './stripe-catalog';
import { stripeCall, stripeClient, unixSeconds } from './stripe-client';
import { hasDefaultPaymentMethod } from './stripe-collection';
import { createKey, createOnce } from './stripe-create';
import { SUBSCRIPTION_UPDATE_SQL, subscriptionParams } from './stripe-status';

/** Stripe: `trial_end` "can be at most two years from billing_cycle_anchor". */
const MAX_TRIAL_SECONDS = 730 * 86_400;

interface EnrolRow {
  id: string;
  tenant_code: string;
  company_name: string;
  admin_email: string;
  plan_code: string;
  plan_version: number;
  trial_ends_at: Date | null;
  plan_trial_days: number | null;
  plan_price_cents: number | null;
  plan_unit_price_cents: number | null;
  plan_interval: string;
  conversion_plan_code: string | null;
  stripe_customer_id: string | null;
  /** Set when the subscription ended for non-payment and is being replaced. */
  stripe_subscription_id: string | null;
  stripe_subscription_status: string | null;
  current_period_end: Date | null;
}

export interface EnrolResult {
  readonly actions: JobAction[];
  readonly errors: { tenantCode: string; message: string }[];
}

/**
 * Tenants billed through Stripe that have no subscription yet, or whose subscription ended
 * because Stripe could not collect it: a customer (found again by email and tenant id, or
 * made with an idempotency key, so a crash and a retry never make two), then a subscription
 * — a trial tenant's to its conversion plan with the trial end, a paying tenant's to its
 * plan. A paying customer with no default payment method is billed the way Stripe documents
 * for customers it cannot charge: collection_method send_invoice, the invoice due after the
 * invoiceDueDays setting (an automatically charged first invoice would leave the
 * subscription incomplete and, 23 hours later, incomplete_expired). One tenant's failure is
 * written to its billing row and does not stop the others.
 */
export async function enrollStripeTenantsDetailed(b: BillingContext, tenantIds?: readonly string[]): Promise<EnrolResult> {
  const stripe = await stripeClient(b);
  const settings = await readStoredBillingSettings(b.ctx.pool);
  const { rows } = await b.ctx.pool.query<EnrolRow>(
    `SELECT t.id, t.tenant_code, t.company_name, t.admin_email, t.plan_code, t.plan_version, t.trial_ends_at,
            p.trial_days AS plan_trial_days, p.price_cents AS plan_price_cents, p.unit_price_cents AS plan_unit_price_cents, p.billing_interval AS plan_interval,
            tb.conversion_plan_code, tb.stripe_customer_id, tb.stripe_subscription_id, tb.stripe_subscription_status, tb.current_period_end
       FROM tenants t
       JOIN plans p ON p.code = t.plan_code AND p.version = t.plan_version
       JOIN tenant_billing tb ON tb.tenant_id = t.id
      WHERE ((tb.stripe_subscription_id IS NULL AND tb.state <> 'canceled')
             -- Ended for non-payment (billingStateFor: unpaid with a terminal Stripe status): replaced.
             OR (tb.state = 'unpaid' AND tb.stripe_subscription_status IN ('incomplete_expired', 'canceled')))
        AND t.status IN ('active', 'suspended')
        AND ($1::uuid[] IS NULL OR t.id = ANY($1::uuid[]))
      ORDER BY t.tenant_code`,
    [tenantIds ? [...tenantIds] : null],
  );
  const result: EnrolResult = { actions: [], errors: [] };
  for (const row of rows) {
    try {
      const action = await enrolOne(b, stripe, row, settings.invoiceDueDays);
      if (action) result.actions.push(action);
    } catch (error) {
      const message = (error as Error).message;
      result.errors.push({ tenantCode: row.tenant_code, message });
      await b.ctx.pool.query('UPDATE tenant_billing SET last_error = $2, updated_at = now() WHERE tenant_id = $1', [row.id, message.slice(0, 1000)]);
    }
  }
  return result;
}

/** The brief's signature: the actions; if any tenant failed, an error naming them (the others are enrolled). */
export async function enrollStripeTenants(b: BillingContext, tenantIds?: readonly string[]): Promise<JobAction[]> {
  const { actions, errors } = await enrollStripeTenantsDetailed(b, tenantIds);
  if (errors.length > 0) throw new AppError('INTERNAL', `Stripe enrolment failed for ${errors.map((e) => `${e.tenantCode} (${e.message})`).join('; ')}.`);
  return actions;
}

async function enrolOne(b: BillingContext, stripe: Stripe, row: EnrolRow, invoiceDueDays: number): Promise<JobAction | null> {
  const replacing = row.stripe_subscription_id;
  const isTrial = replacing === null && row.trial_ends_at !== null && row.plan_trial_days !== null;
  const now = b.clock.now();
  const target = isTrial ? await currentPlan(b, row.conversion_plan_code ?? 'starter') : { code: row.plan_code, version: row.plan_version, billable: isStripeBillable({ price_cents: row.plan_price_cents, unit_price_cents: row.plan_unit_price_cents, billing_interval: row.plan_interval }) };
  // A free or unpriced plan (enterprise, invoiced by contract) is not billed through Stripe.
  if (!target.billable) return null;

  // The price first: a plan Stripe cannot bill (per-unit pricing) is refused before a customer is made.
  const link = await ensureStripePrice(b, target.code, target.version);
  const customer = row.stripe_customer_id !== null ? { id: row.stripe_customer_id, created: false } : await findOrCreateCustomer(b, stripe, row);
  const customerId = customer.id;
  const trialEnd = isTrial && row.trial_ends_at!.getTime() > now.getTime() + 60_000 ? unixSeconds(row.trial_ends_at!) : undefined;
  if (isTrial && trialEnd === undefined) {
    // The trial is over: the lifecycle job converts it (with a payment method) or starts the grace period.
    return { kind: 'stripe_customer_created', tenantCode: row.tenant_code, detail: `customer ${customerId}; trial already ended, no subscription` };
  }
  if (trialEnd !== undefined && trialEnd > unixSeconds(now) + MAX_TRIAL_SECONDS) {
    throw new AppError('VALIDATION', `${row.tenant_code}'s trial ends ${row.trial_ends_at!.toISOString()}, more than two years from now: Stripe allows a trial_end at most two years ahead. Shorten the trial.`);
  }
  const existing = await stripeCall('listing subscriptions', () => stripe.subscriptions.list({ customer: customerId, limit: 100 }));
  const live = (list: Stripe.ApiList<Stripe.Subscription>): Stripe.Subscription | undefined =>
    list.data.find((s) => s.metadata.tenant_id === row.id && s.id !== replacing && s.status !== 'canceled' && s.status !== 'incomplete_expired');
  let subscription = live(existing);
  if (!subscription) {
    const params = await subscriptionParamsFor(stripe, { row, customerId, customerIsNew: customer.created, priceId: link.stripePriceId, target, trialEnd, invoiceDueDays, now });
    subscription = await createOnce(
      'creating a subscription',
      createKey('subscription', row.id, params),
      (key) => stripe.subscriptions.create(params, { idempotencyKey: key }),
      async () => live(await stripeCall('listing subscriptions', () => stripe.subscriptions.list({ customer: customerId, limit: 100 }))) ?? null,
    );
  }
  await b.ctx.pool.query(SUBSCRIPTION_UPDATE_SQL, subscriptionParams(row.id, subscription));
  await b.ctx.pool.query('UPDATE tenant_billing SET last_error = NULL WHERE tenant_id = $1', [row.id]);
  if (replacing && row.stripe_subscription_status === 'canceled') {
    // A canceled subscription still takes metadata: say in Stripe what replaced it (best effort).
    await stripe.subscriptions.update(replacing, { metadata: { replaced_by: subscription.id } }).catch((error: unknown) => {
      b.ctx.logger.warn({ err: error, tenant: row.tenant_code }, 'noting the replacement on the old Stripe subscription failed');
    });
  }
  const how = subscription.collection_method === 'send_invoice' ? `, billed by invoice due in ${subscription.days_until_due ?? invoiceDueDays} days` : '';
  const replaced = replacing ? `, replacing ${replacing} (${row.stripe_subscription_status}: not paid)` : '';
  return {
    kind: 'stripe_customer_created',
    tenantCode: row.tenant_code,
    detail: `customer ${customerId}, subscription ${subscription.id} (${subscription.status}) on ${target.code} v${target.version}${trialEnd !== undefined ? `, trial until ${row.trial_ends_at!.toISOString()}` : ''}${how}${replaced}`,
  };
}

/**
 * The subscription to create: a trial's with its trial end (charged automatically at the
 * trial end; the lifecycle's trial rules handle a trial without a card); a paying tenant's
 * charged automatically when its customer has a default payment method, otherwise billed by
 * invoice (send_invoice + days_until_due). A replacement for a subscription that ended for
 * non-payment is always billed by invoice (automatic charging just failed), and, when the
 * old subscription was canceled with its last invoice still owed for the period, starts
 * billing at that period's end (billing_cycle_anchor, no proration) so no time is billed twice.
 */
async function subscriptionParamsFor(
  stripe: Stripe,
  input: {
    row: EnrolRow;
    customerId: string;
    customerIsNew: boolean;
    priceId: string;
    target: { code: string; version: number };
    trialEnd: number | undefined;
    invoiceDueDays: number;
    now: Date;
  },
): Promise<Stripe.SubscriptionCreateParams> {
  const { row, target } = input;
  const replacing = row.stripe_subscription_id;
  const metadata: Record<string, string> = { tenant_id: row.id, tenant_code: row.tenant_code, plan_code: target.code, plan_version: String(target.version) };
  const base: Stripe.SubscriptionCreateParams = { customer: input.customerId, items: [{ price: input.priceId }], metadata };
  if (input.trialEnd !== undefined) return { ...base, trial_end: input.trialEnd };
  const byInvoice = { collection_method: 'send_invoice' as const, days_until_due: input.invoiceDueDays };
  if (replacing) {
    metadata.replaces = replacing;
    const paidThrough = row.current_period_end ? unixSeconds(row.current_period_end) : null;
    const anchored = row.stripe_subscription_status === 'canceled' && paidThrough !== null && paidThrough > unixSeconds(input.now) + 3600;
    return { ...base, ...byInvoice, ...(anchored ? { billing_cycle_anchor: paidThrough, proration_behavior: 'none' as const } : {}) };
  }
  const canCharge = !input.customerIsNew && (await hasDefaultPaymentMethod(stripe, input.customerId));
  return canCharge ? base : { ...base, ...byInvoice };
}

async function currentPlan(b: BillingContext, code: string): Promise<{ code: string; version: number; billable: boolean }> {
  const { rows } = await b.ctx.pool.query<{ code: string; version: number; price_cents: number | null; unit_price_cents: number | null; billing_interval: string }>(
    'SELECT code, version, price_cents, unit_price_cents, billing_interval FROM plans WHERE code = $1 AND is_current',
    [code],
  );
  if (!rows[0]) throw new AppError('NOT_FOUND', `Unknown conversion plan "${code}".`);
  return { code: rows[0].code, version: rows[0].version, billable: isStripeBillable(rows[0]) };
}

/** The tenant's customer: found again (by email and tenant id), or made now (`created`). */
async function findOrCreateCustomer(b: BillingContext, stripe: Stripe, row: EnrolRow): Promise<{ id: string; created: boolean }> {
  const lookup = async (): Promise<Stripe.Customer | null> => {
    const found = await stripeCall('looking up a customer', () => stripe.customers.list({ email: row.admin_email, limit: 100 }));
    return found.data.find((c) => c.metadata.tenant_id === row.id) ?? null;
  };
  const params: Stripe.CustomerCreateParams = { email: row.admin_email, name: row.company_name, metadata: { tenant_id: row.id, tenant_code: row.tenant_code } };
  const found = await lookup();
  const customer = found ?? (await createOnce('creating a customer', createKey('customer', row.id, params), (key) => stripe.customers.create(params, { idempotencyKey: key }), lookup));
  // Stored as soon as Stripe answered: a failure after this finds it here, not a second customer.
  await b.ctx.pool.query('UPDATE tenant_billing SET stripe_customer_id = $2, updated_at = now() WHERE tenant_id = $1 AND stripe_customer_id IS NULL', [row.id, customer.id]);
  return { id: customer.id, created: found === null };
}
