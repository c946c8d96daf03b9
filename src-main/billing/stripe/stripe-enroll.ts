import type Stripe from 'stripe';
import type { JobAction } from '../../../src-shared/contract/billing-models';
import { AppError } from '../../base/app-error';
import type { BillingContext } from '../billing-context';
import { ensureStripePrice, isStripeBillable } from './stripe-catalog';
import { stripeCall, stripeClient, unixSeconds } from './stripe-client';
import { SUBSCRIPTION_UPDATE_SQL, subscriptionParams } from './stripe-status';

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
  plan_interval: string;
  conversion_plan_code: string | null;
  stripe_customer_id: string | null;
}

export interface EnrolResult {
  readonly actions: JobAction[];
  readonly errors: { tenantCode: string; message: string }[];
}

/**
 * Tenants billed through Stripe that have no subscription yet: a customer (found again by
 * email and tenant id, or made with an idempotency key, so a crash and a retry never make
 * two), then a subscription — a trial tenant's to its conversion plan with the trial end, a
 * paying tenant's to its plan. One tenant's failure is written to its billing row and does
 * not stop the others.
 */
export async function enrollStripeTenantsDetailed(b: BillingContext, tenantIds?: readonly string[]): Promise<EnrolResult> {
  const stripe = await stripeClient(b);
  const { rows } = await b.ctx.pool.query<EnrolRow>(
    `SELECT t.id, t.tenant_code, t.company_name, t.admin_email, t.plan_code, t.plan_version, t.trial_ends_at,
            p.trial_days AS plan_trial_days, p.price_cents AS plan_price_cents, p.billing_interval AS plan_interval,
            tb.conversion_plan_code, tb.stripe_customer_id
       FROM tenants t
       JOIN plans p ON p.code = t.plan_code AND p.version = t.plan_version
       JOIN tenant_billing tb ON tb.tenant_id = t.id
      WHERE tb.stripe_subscription_id IS NULL AND tb.state <> 'canceled'
        AND t.status IN ('active', 'suspended')
        AND ($1::uuid[] IS NULL OR t.id = ANY($1::uuid[]))
      ORDER BY t.tenant_code`,
    [tenantIds ? [...tenantIds] : null],
  );
  const result: EnrolResult = { actions: [], errors: [] };
  for (const row of rows) {
    try {
      const action = await enrolOne(b, stripe, row);
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

async function enrolOne(b: BillingContext, stripe: Stripe, row: EnrolRow): Promise<JobAction | null> {
  const isTrial = row.trial_ends_at !== null && row.plan_trial_days !== null;
  const now = b.clock.now();
  const target = isTrial ? await currentPlan(b, row.conversion_plan_code ?? 'starter') : { code: row.plan_code, version: row.plan_version, billable: isStripeBillable({ price_cents: row.plan_price_cents, billing_interval: row.plan_interval }) };
  // A free or unpriced plan (enterprise, invoiced by contract) is not billed through Stripe.
  if (!target.billable) return null;

  const customerId = row.stripe_customer_id ?? (await findOrCreateCustomer(b, stripe, row));
  const link = await ensureStripePrice(b, target.code, target.version);
  const trialEnd = isTrial && row.trial_ends_at!.getTime() > now.getTime() + 60_000 ? unixSeconds(row.trial_ends_at!) : undefined;
  if (isTrial && trialEnd === undefined) {
    // The trial is over: the lifecycle job converts it (with a payment method) or starts the grace period.
    return { kind: 'stripe_customer_created', tenantCode: row.tenant_code, detail: `customer ${customerId}; trial already ended, no subscription` };
  }
  const existing = await stripeCall('listing subscriptions', () => stripe.subscriptions.list({ customer: customerId, limit: 100 }));
  let subscription = existing.data.find((s) => s.metadata.tenant_id === row.id && s.status !== 'canceled' && s.status !== 'incomplete_expired');
  subscription ??= await stripeCall('creating a subscription', () =>
    stripe.subscriptions.create(
      {
        customer: customerId,
        items: [{ price: link.stripePriceId }],
        ...(trialEnd !== undefined ? { trial_end: trialEnd } : {}),
        metadata: { tenant_id: row.id, tenant_code: row.tenant_code, plan_code: target.code, plan_version: String(target.version) },
      },
      { idempotencyKey: `tc-subscription-${row.id}-${link.stripePriceId}` },
    ),
  );
  await b.ctx.pool.query(SUBSCRIPTION_UPDATE_SQL, subscriptionParams(row.id, subscription));
  await b.ctx.pool.query('UPDATE tenant_billing SET last_error = NULL WHERE tenant_id = $1', [row.id]);
  return {
    kind: 'stripe_customer_created',
    tenantCode: row.tenant_code,
    detail: `customer ${customerId}, subscription ${subscription.id} (${subscription.status}) on ${target.code} v${target.version}${trialEnd !== undefined ? `, trial until ${row.trial_ends_at!.toISOString()}` : ''}`,
  };
}

async function currentPlan(b: BillingContext, code: string): Promise<{ code: string; version: number; billable: boolean }> {
  const { rows } = await b.ctx.pool.query<{ code: string; version: number; price_cents: number | null; billing_interval: string }>(
    'SELECT code, version, price_cents, billing_interval FROM plans WHERE code = $1 AND is_current',
    [code],
  );
  if (!rows[0]) throw new AppError('NOT_FOUND', `Unknown conversion plan "${code}".`);
  return { code: rows[0].code, version: rows[0].version, billable: isStripeBillable(rows[0]) };
}

async function findOrCreateCustomer(b: BillingContext, stripe: Stripe, row: EnrolRow): Promise<string> {
  const found = await stripeCall('looking up a customer', () => stripe.customers.list({ email: row.admin_email, limit: 100 }));
  const customer =
    found.data.find((c) => c.metadata.tenant_id === row.id) ??
    (await stripeCall('creating a customer', () =>
      stripe.customers.create(
        { email: row.admin_email, name: row.company_name, metadata: { tenant_id: row.id, tenant_code: row.tenant_code } },
        { idempotencyKey: `tc-customer-${row.id}` },
      ),
    ));
  // Stored as soon as Stripe answered: a failure after this finds it here, not a second customer.
  await b.ctx.pool.query('UPDATE tenant_billing SET stripe_customer_id = $2, updated_at = now() WHERE tenant_id = $1 AND stripe_customer_id IS NULL', [row.id, customer.id]);
  return customer.id;
}
