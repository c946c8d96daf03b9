/**
 * The console against Stripe as Stripe documents it (issue 15, "Stripe behaviour the fake
 * must follow, and the console must survive"): the console's real code and the real `stripe`
 * SDK against the tests' FAKE of Stripe's HTTP API (an external service, out of reach here;
 * its rules are checked in billing-stripe-fake-rules.test.ts), real PostgreSQL (embedded),
 * one ManualClock shared by the console and the fake. One describe per numbered item; the
 * lifecycle scenarios (grace, suspension, reactivation) are in billing-stripe-lifecycle.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src-main/billing/clock';
import { applyCancellation, applyDuePendingDowngrades, applyPlanChange, quotePlanChange } from '../../src-main/billing/plan-billing';
import { enrollStripeTenants, enrollStripeTenantsDetailed, syncStripeEvents } from '../../src-main/billing/stripe/stripe-billing';
import { call, uniqueTenantInput } from '../support/core-calls';
import { embeddedTarget } from '../support/servers';
import { openStripeTestBed, type StripeTestBed } from '../support/stripe-billing-setup';

const HOUR_MS = 3_600_000;

describe('the console against Stripe’s documented behaviour — embedded PostgreSQL', () => {
  let bed: StripeTestBed;
  beforeAll(async () => {
    bed = await openStripeTestBed(embeddedTarget().url, 'stripedoc');
    await call(bed.core, 'billing:updateSettings', { mode: 'stripe', stripeSecretKey: bed.key, stripeWebhookSecret: bed.webhookSecret });
    // A yearly plan, for the interval changes of item 5.
    await bed.core.billing.ctx.pool.query(`INSERT INTO plans (code, version, name, price_cents, currency, billing_interval, support_level, sort_order)
                                           VALUES ('pro-yearly', 1, 'Professional yearly', 199000, 'USD', 'year', 'priority', 5),
                                                  ('starter-yearly', 1, 'Starter yearly', 49000, 'USD', 'year', 'email', 6)`);
  });
  afterAll(async () => bed?.close());

  const pool = () => bed.core.billing.ctx.pool;
  const sync = () => syncStripeEvents(bed.core.billing);
  /** Moves the shared clock and lets the fake bill what came due. */
  const moveTo = async (at: Date) => {
    bed.clock.set(at);
    await bed.fake.tick();
  };
  async function billing(code: string) {
    const { rows } = await pool().query<{
      id: string;
      version: number;
      plan_code: string;
      state: string;
      stripe_customer_id: string | null;
      stripe_subscription_id: string | null;
      stripe_subscription_status: string | null;
      current_period_start: Date | null;
      current_period_end: Date | null;
      pending_plan_code: string | null;
      last_error: string | null;
    }>(
      `SELECT t.id, t.version, t.plan_code, tb.state, tb.stripe_customer_id, tb.stripe_subscription_id, tb.stripe_subscription_status,
              tb.current_period_start, tb.current_period_end, tb.pending_plan_code, tb.last_error
         FROM tenants t JOIN tenant_billing tb ON tb.tenant_id = t.id WHERE t.tenant_code = $1`,
      [code],
    );
    return rows[0]!;
  }
  const subOf = async (code: string) => bed.fake.state.subscriptions.get((await billing(code)).stripe_subscription_id!)!;
  async function newTenant(plan: string, company: string) {
    const { tenant } = await call(bed.core, 'tenants:create', uniqueTenantInput(plan, company));
    return { code: tenant.tenantCode, id: tenant.id };
  }
  /** A tenant made while billing was manual: nothing in Stripe yet. */
  async function notEnrolled(plan: string, company: string) {
    await call(bed.core, 'billing:updateSettings', { mode: 'manual' });
    try {
      return await newTenant(plan, company);
    } finally {
      await call(bed.core, 'billing:updateSettings', { mode: 'stripe' });
    }
  }
  /** The tenant's Stripe customer made beforehand (found again by the enrolment), with a default card. */
  async function customerWithCard(tenant: { id: string; code: string }) {
    const { rows } = await pool().query<{ admin_email: string }>('SELECT admin_email FROM tenants WHERE id = $1', [tenant.id]);
    const customer = await bed.stripe.customers.create({ email: rows[0]!.admin_email, metadata: { tenant_id: tenant.id, tenant_code: tenant.code } });
    await addCard(customer.id);
    return customer.id;
  }
  async function addCard(customerId: string) {
    const card = await bed.stripe.paymentMethods.attach('pm_card_visa', { customer: customerId });
    await bed.stripe.customers.update(customerId, { invoice_settings: { default_payment_method: card.id } });
  }
  /** A paying tenant whose card was declined at the first invoice: Stripe says incomplete. */
  async function declinedAtFirstInvoice(company: string) {
    const t = await notEnrolled('starter', company);
    const customer = await customerWithCard(t);
    await bed.fake.failPayments(customer);
    await enrollStripeTenants(bed.core.billing, [t.id]);
    await sync();
    return { ...t, customer };
  }
  /** A paying tenant with a card, charged automatically, active. */
  async function activeWithCard(plan: string, company: string) {
    const t = await notEnrolled(plan, company);
    const customer = await customerWithCard(t);
    await enrollStripeTenants(bed.core.billing, [t.id]);
    await sync();
    expect(await billing(t.code)).toMatchObject({ state: 'active', stripe_subscription_status: 'active' });
    expect((await subOf(t.code)).collectionMethod).toBe('charge_automatically');
    return { ...t, customer };
  }

  describe('1. a paying tenant without a card is billed by invoice and never cancelled for an unpaid first invoice', () => {
    it('enrols it with collection_method send_invoice, due after the invoiceDueDays setting: active, and still active (not canceled) two days later', async () => {
      const t = await newTenant('starter', 'No Card Co');
      const sub = await subOf(t.code);
      expect(sub).toMatchObject({ collectionMethod: 'send_invoice', daysUntilDue: 14, status: 'active' });
      const invoice = bed.fake.state.invoices.get(sub.latestInvoice!)!;
      expect(invoice).toMatchObject({ status: 'open', attemptCount: 0, dueDate: sub.created + 14 * 86_400 });
      expect(await billing(t.code)).toMatchObject({ state: 'active', stripe_subscription_status: 'active' });

      await moveTo(addDays(bed.clock.now(), 2));
      await sync();
      expect(await billing(t.code)).toMatchObject({ state: 'active', stripe_subscription_status: 'active' });
      const mirrored = await pool().query<{ state: string; due_at: Date }>('SELECT state, due_at FROM invoices WHERE stripe_invoice_id = $1', [invoice.id]);
      expect(mirrored.rows[0]).toMatchObject({ state: 'open', due_at: new Date(invoice.dueDate! * 1000) });
    });

    it('once the customer has a default card, the subscription is charged automatically from then on', async () => {
      const t = await newTenant('starter', 'Card Later Co');
      await sync();
      expect((await subOf(t.code)).collectionMethod).toBe('send_invoice');
      const customer = (await billing(t.code)).stripe_customer_id!;
      await addCard(customer);
      await sync();
      expect((await subOf(t.code)).collectionMethod).toBe('charge_automatically');
    });

    it('a card declined at the first invoice: incomplete is past_due; expired 23 hours later it is unpaid (not canceled) and replaced by a subscription billed by invoice', async () => {
      const t = await declinedAtFirstInvoice('Declined Co');
      const first = await billing(t.code);
      expect(first).toMatchObject({ state: 'past_due', stripe_subscription_status: 'incomplete' });

      await moveTo(new Date(bed.clock.now().getTime() + 24 * HOUR_MS));
      await sync();
      expect(await billing(t.code)).toMatchObject({ state: 'unpaid', stripe_subscription_status: 'incomplete_expired', stripe_subscription_id: first.stripe_subscription_id });
      const voided = await pool().query<{ state: string }>('SELECT state FROM invoices WHERE stripe_invoice_id = $1', [bed.fake.state.subscriptions.get(first.stripe_subscription_id!)!.latestInvoice]);
      expect(voided.rows).toEqual([{ state: 'void' }]);

      // The next enrolment (every lifecycle run) replaces it: within the 23 hours' key lifetime, with its own key.
      const { actions, errors } = await enrollStripeTenantsDetailed(bed.core.billing, [t.id]);
      expect(errors).toEqual([]);
      expect(actions[0]!.detail).toMatch(/replacing sub_.* \(incomplete_expired: not paid\)/);
      const after = await billing(t.code);
      expect(after.stripe_subscription_id).not.toBe(first.stripe_subscription_id);
      expect(after).toMatchObject({ state: 'active', stripe_subscription_status: 'active' });
      const replacement = await subOf(t.code);
      expect(replacement).toMatchObject({ collectionMethod: 'send_invoice', daysUntilDue: 14 });
      expect(replacement.metadata).toMatchObject({ tenant_id: t.id, replaces: first.stripe_subscription_id });
      expect(bed.fake.state.invoices.get(replacement.latestInvoice!)).toMatchObject({ status: 'open', attemptCount: 0 });
      // Idempotent: a second enrolment makes nothing more.
      expect(await enrollStripeTenants(bed.core.billing, [t.id])).toEqual([]);
      expect([...bed.fake.state.subscriptions.values()].filter((s) => s.customer === t.customer)).toHaveLength(2);
    });
  });

  describe('2. an incomplete subscription takes no plan change and no cancel at period end', () => {
    it('refuses them in the operator’s words before Stripe is asked, changes nothing; cancel now still works', async () => {
      const t = await declinedAtFirstInvoice('Incomplete Co');
      const before = await billing(t.code);
      const upgrade = await applyPlanChange(bed.core.billing, { ref: t.code, plan: 'professional', expectedVersion: before.version, force: false }).catch((e: unknown) => e as Error & { code?: string });
      expect(upgrade).toMatchObject({ code: 'INVALID_STATE' });
      expect((upgrade as Error).message).toMatch(/first Stripe invoice is not paid yet .* incomplete/);
      const quote = await quotePlanChange(bed.core.billing, { ref: t.code, plan: 'professional' }).catch((e: unknown) => e as Error & { code?: string });
      expect(quote).toMatchObject({ code: 'INVALID_STATE' });
      const atEnd = await applyCancellation(bed.core.billing, { ref: t.code, when: 'period_end' }).catch((e: unknown) => e as Error & { code?: string });
      expect(atEnd).toMatchObject({ code: 'INVALID_STATE' });
      const sub = await subOf(t.code);
      expect(bed.fake.state.prices.get(sub.priceId)!.unit_amount).toBe(4900);
      expect(sub.cancelAtPeriodEnd).toBe(false);
      expect(await billing(t.code)).toMatchObject({ plan_code: 'starter', state: 'past_due' });
      // Only read calls reached Stripe for the refused changes.
      expect(bed.fake.state.requests.filter((r) => r.method === 'POST' && r.path === `/v1/subscriptions/${sub.id}`)).toEqual([]);

      await applyCancellation(bed.core.billing, { ref: t.code, when: 'now' });
      expect(await billing(t.code)).toMatchObject({ state: 'canceled', stripe_subscription_status: 'canceled' });
    });
  });

  describe('4. billing periods follow the fixed anchor, month ends clamped', () => {
    let own: StripeTestBed;
    afterAll(async () => own?.close());

    it('a tenant enrolled on Jan 31 has periods ending Feb 28, Mar 31, Apr 30 in the console', async () => {
      own = await openStripeTestBed(embeddedTarget().url, 'stripeanchor');
      await call(own.core, 'billing:updateSettings', { mode: 'stripe', stripeSecretKey: own.key });
      const year = new Date().getUTCFullYear() + 1;
      own.clock.set(new Date(Date.UTC(year, 0, 31, 12)));
      const { tenant } = await call(own.core, 'tenants:create', uniqueTenantInput('starter', 'Month End Co'));
      const row = async () =>
        (await own.core.billing.ctx.pool.query<{ current_period_end: Date; stripe_customer_id: string }>('SELECT current_period_end, stripe_customer_id FROM tenant_billing WHERE tenant_id = $1', [tenant.id])).rows[0]!;
      const card = await own.stripe.paymentMethods.attach('pm_card_visa', { customer: (await row()).stripe_customer_id });
      await own.stripe.customers.update((await row()).stripe_customer_id, { invoice_settings: { default_payment_method: card.id } });
      await syncStripeEvents(own.core.billing);
      const ends: string[] = [(await row()).current_period_end.toISOString().slice(0, 10)];
      for (let i = 0; i < 3; i += 1) {
        own.clock.set(new Date((await row()).current_period_end.getTime() + 60_000));
        await own.fake.tick();
        await syncStripeEvents(own.core.billing);
        ends.push((await row()).current_period_end.toISOString().slice(0, 10));
      }
      expect(ends).toEqual([`${year}-02-28`, `${year}-03-31`, `${year}-04-30`, `${year}-05-31`]);
    });
  });

  describe('5. a change of billing interval', () => {
    it('upgrade monthly → yearly: the quote is the invoice Stripe makes at once (credit + a year), and the period restarts now', async () => {
      const t = await activeWithCard('starter', 'Yearly Up Co');
      await moveTo(addDays(bed.clock.now(), 10));
      const quote = await call(bed.core, 'billing:quotePlanChange', { ref: t.code, plan: 'pro-yearly' });
      expect(quote).toMatchObject({ direction: 'upgrade', effective: 'now' });
      expect(quote.lines.map((l) => l.amountCents)).toContain(199000);
      const before = bed.fake.state.invoices.size;
      await applyPlanChange(bed.core.billing, { ref: t.code, plan: 'pro-yearly', expectedVersion: (await billing(t.code)).version, force: false });
      const sub = await subOf(t.code);
      const invoice = bed.fake.state.invoices.get(sub.latestInvoice!)!;
      expect(bed.fake.state.invoices.size).toBe(before + 1);
      expect(invoice.lines.reduce((sum, line) => sum + line.amount, 0)).toBe(quote.prorationCents);
      const after = await billing(t.code);
      expect(after.current_period_start!.getTime()).toBe(Math.floor(bed.clock.now().getTime() / 1000) * 1000);
      expect(after.current_period_end!.getTime()).toBe(sub.periodEnd * 1000);
      expect(after.plan_code).toBe('pro-yearly');
    });

    it('downgrade yearly → monthly at the period end is scheduled: nothing is billed before the period ends, then the monthly price', async () => {
      const t = await activeWithCard('pro-yearly', 'Yearly Down Co');
      const start = await billing(t.code);
      const invoicesOf = () => [...bed.fake.state.invoices.values()].filter((i) => i.customer === t.customer);
      const billed = invoicesOf().length;
      const quote = await applyPlanChange(bed.core.billing, { ref: t.code, plan: 'starter', expectedVersion: start.version, force: false });
      expect(quote).toMatchObject({ direction: 'downgrade', effective: 'period_end', effectiveAt: start.current_period_end!.toISOString() });
      const sub = await subOf(t.code);
      expect(bed.fake.state.prices.get(sub.priceId)!.unit_amount).toBe(199000);
      expect(sub.schedule).not.toBeNull();
      expect(invoicesOf()).toHaveLength(billed);

      await moveTo(addDays(bed.clock.now(), 200));
      await sync();
      expect(invoicesOf()).toHaveLength(billed);
      expect(await billing(t.code)).toMatchObject({ plan_code: 'pro-yearly', pending_plan_code: 'starter' });

      await moveTo(new Date(start.current_period_end!.getTime() + 60_000));
      await sync();
      await applyDuePendingDowngrades(bed.core.billing);
      const moved = await subOf(t.code);
      expect(bed.fake.state.prices.get(moved.priceId)!.unit_amount).toBe(4900);
      const renewal = invoicesOf().at(-1)!;
      expect(renewal.lines.map((l) => l.amount)).toEqual([4900]);
      expect(renewal.created * 1000).toBe(start.current_period_end!.getTime());
      expect(await billing(t.code)).toMatchObject({ plan_code: 'starter', pending_plan_code: null });
    });

    it('taking such a downgrade back releases its schedule; the yearly price stays', async () => {
      const t = await activeWithCard('pro-yearly', 'Yearly Undo Co');
      await applyPlanChange(bed.core.billing, { ref: t.code, plan: 'starter', expectedVersion: (await billing(t.code)).version, force: false });
      const scheduleId = (await subOf(t.code)).schedule!;
      await applyPlanChange(bed.core.billing, { ref: t.code, plan: 'pro-yearly', expectedVersion: (await billing(t.code)).version, force: false });
      expect(bed.fake.state.schedules.get(scheduleId)!.status).toBe('released');
      const sub = await subOf(t.code);
      expect(sub.schedule).toBeNull();
      expect(bed.fake.state.prices.get(sub.priceId)!.unit_amount).toBe(199000);
      expect((await billing(t.code)).pending_plan_code).toBeNull();
    });
    it('a later same-interval downgrade releases the earlier schedule, so only the last choice takes effect', async () => {
      const t = await activeWithCard('pro-yearly', 'Yearly Twice Co');
      const end = (await billing(t.code)).current_period_end!;
      await applyPlanChange(bed.core.billing, { ref: t.code, plan: 'starter', expectedVersion: (await billing(t.code)).version, force: false });
      const scheduleId = (await subOf(t.code)).schedule!;
      await applyPlanChange(bed.core.billing, { ref: t.code, plan: 'starter-yearly', expectedVersion: (await billing(t.code)).version, force: false });
      expect(bed.fake.state.schedules.get(scheduleId)!.status).toBe('released');
      await moveTo(new Date(end.getTime() + 60_000));
      await sync();
      await applyDuePendingDowngrades(bed.core.billing);
      const sub = await subOf(t.code);
      expect(bed.fake.state.prices.get(sub.priceId)!.unit_amount).toBe(49000);
      expect(await billing(t.code)).toMatchObject({ plan_code: 'starter-yearly', pending_plan_code: null });
    });
  });

  describe('6. cancel now', () => {
    it('bills nothing more: the upgrade’s pending proration items are removed, no final invoice', async () => {
      const t = await activeWithCard('starter', 'Cancel Now Prorated');
      await moveTo(addDays(bed.clock.now(), 5));
      await applyPlanChange(bed.core.billing, { ref: t.code, plan: 'professional', expectedVersion: (await billing(t.code)).version, force: false, prorationBehavior: 'create_prorations' });
      const pending = () => [...bed.fake.state.invoiceItems.values()].filter((i) => i.customer === t.customer && i.invoice === null);
      expect(pending()).toHaveLength(2);
      const invoices = bed.fake.state.invoices.size;
      await applyCancellation(bed.core.billing, { ref: t.code, when: 'now' });
      expect(pending()).toEqual([]);
      expect(bed.fake.state.invoices.size).toBe(invoices);
      expect(await billing(t.code)).toMatchObject({ state: 'canceled' });
    });
  });

  describe('7. idempotency as documented', () => {
    it('a cancel now whose answer was lost is retried (DELETE takes no key), finds the subscription canceled: success', async () => {
      const t = await activeWithCard('starter', 'Lost Answer Co');
      const subscriptionId = (await billing(t.code)).stripe_subscription_id!;
      await bed.fake.dropNext('DELETE', `/v1/subscriptions/${subscriptionId}`);
      await applyCancellation(bed.core.billing, { ref: t.code, when: 'now' });
      expect(bed.fake.state.requests.filter((r) => r.method === 'DELETE' && r.path === `/v1/subscriptions/${subscriptionId}`).length).toBeGreaterThan(1);
      expect(await billing(t.code)).toMatchObject({ state: 'canceled', stripe_subscription_status: 'canceled' });
    });

    it('a customer create answered 500 (saved under its key and replayed for 24 hours) is looked up, then made once with a new key', async () => {
      const t = await notEnrolled('starter', 'Five Hundred Co');
      await bed.fake.failNext('POST', '/v1/customers');
      const { errors } = await enrollStripeTenantsDetailed(bed.core.billing, [t.id]);
      expect(errors).toEqual([]);
      const customers = [...bed.fake.state.customers.values()].filter((c) => c.metadata.tenant_id === t.id);
      expect(customers).toHaveLength(1);
      expect(await billing(t.code)).toMatchObject({ stripe_customer_id: customers[0]!.id, state: 'active' });
    });
  });

  describe('8. Stripe’s parameter rules', () => {
    it('a linked price Stripe no longer has is NOT_FOUND (400 resource_missing naming items[0][price]), and nothing changes', async () => {
      const t = await activeWithCard('starter', 'Gone Price Co');
      await call(bed.core, 'billing:quotePlanChange', { ref: t.code, plan: 'professional' }); // links the plan to its Stripe price
      const priceId = (await call(bed.core, 'billing:stripePrices', {})).find((p) => p.planCode === 'professional' && p.planVersion === 1)!.stripePriceId;
      const kept = bed.fake.state.prices.get(priceId)!;
      bed.fake.state.prices.delete(priceId);
      try {
        const error = await applyPlanChange(bed.core.billing, { ref: t.code, plan: 'professional', expectedVersion: (await billing(t.code)).version, force: false, prorationBehavior: 'none' }).catch(
          (e: unknown) => e as Error & { code?: string },
        );
        expect(error).toMatchObject({ code: 'NOT_FOUND' });
        expect((error as Error).message).toContain(`No such price: '${priceId}'`);
        expect((await billing(t.code)).plan_code).toBe('starter');
      } finally {
        bed.fake.state.prices.set(priceId, kept);
      }
    });

    it('an upgrade without proration sends no proration_date (Stripe refuses the pair)', async () => {
      const t = await activeWithCard('starter', 'No Proration Co');
      await applyPlanChange(bed.core.billing, { ref: t.code, plan: 'professional', expectedVersion: (await billing(t.code)).version, force: false, prorationBehavior: 'none' });
      expect((await billing(t.code)).plan_code).toBe('professional');
      expect([...bed.fake.state.invoiceItems.values()].filter((i) => i.customer === t.customer)).toEqual([]);
    });

    it('a trial ending more than two years out is refused with a clear error before Stripe is asked', async () => {
      const t = await notEnrolled('trial', 'Long Trial Co');
      await pool().query('UPDATE tenants SET trial_ends_at = $2 WHERE id = $1', [t.id, addDays(bed.clock.now(), 800)]);
      const { errors } = await enrollStripeTenantsDetailed(bed.core.billing, [t.id]);
      expect(errors).toEqual([{ tenantCode: t.code, message: expect.stringMatching(/more than two years from now: Stripe allows a trial_end at most two years ahead/) }]);
      expect((await billing(t.code)).stripe_subscription_id).toBeNull();
      expect(bed.fake.state.requests.some((r) => r.method === 'POST' && r.path === '/v1/subscriptions' && r.idempotencyKey?.includes(t.id))).toBe(false);
    });
  });
});
