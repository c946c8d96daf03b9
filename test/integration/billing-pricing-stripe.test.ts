/**
 * Pricing models in Stripe mode, against the tests' fake of Stripe's API: a flat plan is
 * billed as before; a per-unit plan (seats or metered usage) is not built on the Stripe side
 * yet, so it must be refused loudly — on the tenant's billing row and in the run's errors,
 * with no customer, product, price or subscription made — never billed as a price of 0 and
 * never silently left unbilled. A plan change to a per-unit plan is refused the same way,
 * changing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBillingJobs } from '../../src-main/billing/lifecycle/run-billing-jobs';
import { call, callError, uniqueTenantInput } from '../support/core-calls';
import { embeddedTarget } from '../support/servers';
import { openStripeTestBed, type StripeTestBed } from '../support/stripe-billing-setup';

describe('pricing models in Stripe mode', () => {
  let bed: StripeTestBed;

  beforeAll(async () => {
    bed = await openStripeTestBed(embeddedTarget().url, 'pricingstripe');
    await call(bed.core, 'billing:updateSettings', { mode: 'stripe', stripeSecretKey: bed.key, stripeWebhookSecret: bed.webhookSecret });
    await bed.core.platform.pool.query(
      `INSERT INTO plans (code, version, name, price_cents, billing_interval, max_companies, max_users_per_company, max_transactions_per_month,
                          support_level, sort_order, pricing_model, unit_price_cents, included_units)
       VALUES ('seats', 1, 'Seats', 0, 'month', 5, 50, 100000, 'email', 5, 'per_user', 1000, 2)`,
    );
  }, 120_000);
  afterAll(async () => bed?.close());

  const billingRow = async (tenantId: string) =>
    (await bed.core.platform.pool.query<{ stripe_customer_id: string | null; stripe_subscription_id: string | null; last_error: string | null }>(
      'SELECT stripe_customer_id, stripe_subscription_id, last_error FROM tenant_billing WHERE tenant_id = $1',
      [tenantId],
    )).rows[0]!;

  it('refuses to enrol a per-user tenant, saying why, and makes nothing in Stripe; a flat tenant is enrolled', async () => {
    const seats = (await call(bed.core, 'tenants:create', uniqueTenantInput('seats', 'Stripe Seats'))).tenant;
    const flat = (await call(bed.core, 'tenants:create', uniqueTenantInput('starter', 'Stripe Flat'))).tenant;

    const report = await runBillingJobs(bed.core.billing, 'test');
    const seatsErrors = report.errors.filter((error) => error.tenantCode === seats.tenantCode || error.message.includes(seats.tenantCode));
    expect(seatsErrors.map((error) => error.message).join(' ')).toContain('is priced per_user: per-unit pricing is not billed through Stripe yet');
    const row = await billingRow(seats.id);
    expect(row).toMatchObject({ stripe_customer_id: null, stripe_subscription_id: null });
    expect(row.last_error).toBe('Plan seats v1 is priced per_user: per-unit pricing is not billed through Stripe yet (manual invoicing bills it). Keep such tenants on a flat plan while billing through Stripe.');
    expect([...bed.fake.state.prices.values()].some((price) => price.lookup_key === 'tc_seats_v1')).toBe(false);

    const flatRow = await billingRow(flat.id);
    expect(flatRow.stripe_subscription_id).toMatch(/^sub_/);
    const customerOf = (tenantId: string) => [...bed.fake.state.customers.values()].filter((customer) => customer.metadata.tenant_id === tenantId);
    expect(customerOf(flat.id)).toHaveLength(1);
    expect(customerOf(seats.id)).toHaveLength(0);
  });

  it('refuses a plan change to a per-user plan before calling Stripe, leaving the tenant on its plan', async () => {
    const tenant = (await call(bed.core, 'tenants:create', uniqueTenantInput('starter', 'Stripe Upgrade'))).tenant;
    await runBillingJobs(bed.core.billing, 'test');
    const before = await call(bed.core, 'tenants:get', { ref: tenant.tenantCode });
    const subscription = bed.fake.state.subscriptions.get((await billingRow(tenant.id)).stripe_subscription_id!)!;
    const priceBefore = subscription.priceId;
    const error = await callError(bed.core, 'billing:changePlan', { ref: tenant.tenantCode, plan: 'seats', expectedVersion: before.version, force: true });
    expect(error.code).toBe('INVALID_STATE');
    expect(error.message).toContain('per-unit pricing is not billed through Stripe yet');
    expect((await call(bed.core, 'tenants:get', { ref: tenant.tenantCode })).plan).toBe('starter');
    expect(bed.fake.state.subscriptions.get(subscription.id)!.priceId).toBe(priceBefore);
  });
});
