/**
 * Billing through Stripe, end to end: the console's real code and the real `stripe` SDK
 * against the tests' FAKE of Stripe's HTTP API (an external service, out of reach here),
 * real PostgreSQL (embedded), one ManualClock shared by the console and the fake.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCancellation, applyPlanChange, applyResume, applyDuePendingDowngrades } from '../../src-main/billing/plan-billing';
import { enrollStripeTenants, handleStripeWebhook, syncStripeEvents } from '../../src-main/billing/stripe/stripe-billing';
import { lookupKeyFor } from '../../src-main/billing/stripe/stripe-catalog';
import { startHostServer } from '../../src-main/host/host-server';
import { call, callError, uniqueTenantInput } from '../support/core-calls';
import { embeddedTarget } from '../support/servers';
import { openStripeTestBed, tenantDatabaseLimits, type StripeTestBed } from '../support/stripe-billing-setup';

describe('Stripe billing against the fake Stripe API — embedded PostgreSQL', () => {
  let bed: StripeTestBed;
  beforeAll(async () => {
    bed = await openStripeTestBed(embeddedTarget().url, 'stripebill');
    await call(bed.core, 'billing:updateSettings', { mode: 'stripe', stripeSecretKey: bed.key, stripeWebhookSecret: bed.webhookSecret });
  });
  afterAll(async () => bed?.close());

  const pool = () => bed.core.billing.ctx.pool;
  async function tenantRow(code: string) {
    const { rows } = await pool().query<{ id: string; version: number; database_name: string; plan_code: string; trial_ends_at: Date | null }>(
      'SELECT id, version, database_name, plan_code, trial_ends_at FROM tenants WHERE tenant_code = $1',
      [code],
    );
    return rows[0]!;
  }
  async function billingRow(code: string) {
    const { rows } = await pool().query(
      `SELECT tb.* FROM tenant_billing tb JOIN tenants t ON t.id = tb.tenant_id WHERE t.tenant_code = $1`,
      [code],
    );
    return rows[0] as {
      state: string;
      stripe_customer_id: string | null;
      stripe_subscription_id: string | null;
      stripe_subscription_status: string | null;
      current_period_start: Date | null;
      current_period_end: Date | null;
      cancel_at_period_end: boolean;
      pending_plan_code: string | null;
      payment_method_present: boolean;
      payment_method_label: string | null;
      last_error: string | null;
    };
  }
  async function newTenant(plan: string, company: string) {
    const { tenant } = await call(bed.core, 'tenants:create', uniqueTenantInput(plan, company));
    const row = await tenantRow(tenant.tenantCode);
    return { code: tenant.tenantCode, id: row.id };
  }
  /** A tenant made while billing was manual: the create did not enrol it in Stripe. */
  async function newTenantNotEnrolled(plan: string, company: string) {
    await call(bed.core, 'billing:updateSettings', { mode: 'manual' });
    try {
      return await newTenant(plan, company);
    } finally {
      await call(bed.core, 'billing:updateSettings', { mode: 'stripe' });
    }
  }
  /** What the tenant's admin does in Stripe: adds a card as the default and pays what is open. */
  async function customerAddsCardAndPays(customerId: string) {
    const card = await bed.stripe.paymentMethods.attach('pm_card_visa', { customer: customerId });
    await bed.stripe.customers.update(customerId, { invoice_settings: { default_payment_method: card.id } });
    for (const invoice of (await bed.stripe.invoices.list({ customer: customerId })).data) {
      if (invoice.status === 'open') await bed.stripe.invoices.pay(invoice.id);
    }
  }
  /**
   * A paying tenant on `plan`, enrolled (billed by invoice: it has no card yet), with a card,
   * active — and, once the sync saw the card, charged automatically (that switch is an event
   * of its own, applied by the second sync).
   */
  async function activePayingTenant(plan: string, company: string) {
    const t = await newTenant(plan, company);
    await enrollStripeTenants(bed.core.billing, [t.id]);
    await customerAddsCardAndPays((await billingRow(t.code)).stripe_customer_id!);
    await syncStripeEvents(bed.core.billing);
    await syncStripeEvents(bed.core.billing);
    const billing = await billingRow(t.code);
    expect(billing.state).toBe('active');
    expect(bed.fake.state.subscriptions.get(billing.stripe_subscription_id!)!.collectionMethod).toBe('charge_automatically');
    return t;
  }

  it('enrols a trial tenant: a customer and a subscription to the conversion plan ending with the trial; a second run makes nothing', async () => {
    // Created in manual mode (before Stripe billing was switched on), so the create did not enrol it.
    const t = await newTenantNotEnrolled('trial', 'Enrol Trial');
    expect((await billingRow(t.code)).stripe_customer_id).toBeNull();
    const actions = await enrollStripeTenants(bed.core.billing, [t.id]);
    expect(actions).toEqual([expect.objectContaining({ kind: 'stripe_customer_created', tenantCode: t.code })]);
    const billing = await billingRow(t.code);
    expect(billing).toMatchObject({ state: 'trialing', stripe_subscription_status: 'trialing' });
    const row = await tenantRow(t.code);
    expect(billing.current_period_end!.getTime()).toBe(Math.floor(row.trial_ends_at!.getTime() / 1000) * 1000);

    const customer = bed.fake.state.customers.get(billing.stripe_customer_id!)!;
    expect(customer.metadata).toMatchObject({ tenant_code: t.code, tenant_id: t.id });
    expect(customer.name).toBe('Enrol Trial');
    const sub = bed.fake.state.subscriptions.get(billing.stripe_subscription_id!)!;
    expect(sub.trialEnd).toBe(Math.floor(row.trial_ends_at!.getTime() / 1000));
    expect(bed.fake.state.prices.get(sub.priceId)!.lookup_key).toBe(lookupKeyFor('starter', 1));

    expect(await enrollStripeTenants(bed.core.billing, [t.id])).toEqual([]);
    const mine = [...bed.fake.state.customers.values()].filter((c) => c.metadata.tenant_id === t.id);
    expect(mine).toHaveLength(1);
    expect([...bed.fake.state.subscriptions.values()].filter((s) => s.customer === mine[0]!.id)).toHaveLength(1);
    // Every creating call carried an idempotency key.
    expect(bed.fake.state.requests.filter((r) => r.method === 'POST' && /\/v1\/(customers|subscriptions|products|prices)$/.test(r.path)).every((r) => r.idempotencyKey !== null)).toBe(true);
  });

  it('does not make a second customer when a crash lost the stored id (found again by email and tenant id)', async () => {
    const t = await newTenant('starter', 'Crash Retry');
    await enrollStripeTenants(bed.core.billing, [t.id]);
    const first = await billingRow(t.code);
    await pool().query('UPDATE tenant_billing SET stripe_customer_id = NULL, stripe_subscription_id = NULL WHERE tenant_id = $1', [t.id]);
    await enrollStripeTenants(bed.core.billing, [t.id]);
    const again = await billingRow(t.code);
    expect(again.stripe_customer_id).toBe(first.stripe_customer_id);
    expect(again.stripe_subscription_id).toBe(first.stripe_subscription_id);
  });

  it('upgrades mid-period with proration: the quote equals what Stripe bills, the limits rise in the tenant database, the invoice is mirrored with its link', async () => {
    const t = await activePayingTenant('starter', 'Upgrade Co');
    const billing = await billingRow(t.code);
    expect(billing.payment_method_present).toBe(true);
    expect(billing.payment_method_label).toBe('visa •••• 4242');

    bed.clock.advanceDays(10);
    const quote = await call(bed.core, 'billing:quotePlanChange', { ref: t.code, plan: 'professional' });
    const start = billing.current_period_start!.getTime();
    const end = billing.current_period_end!.getTime();
    const fraction = (end / 1000 - Math.floor(bed.clock.now().getTime() / 1000)) / ((end - start) / 1000);
    expect(quote).toMatchObject({ direction: 'upgrade', effective: 'now', prorationBehavior: 'create_prorations', violations: [] });
    expect(quote.prorationCents).toBe(Math.round(19900 * fraction) - Math.round(4900 * fraction));
    expect(quote.prorationCents).toBeGreaterThan(0);

    const row = await tenantRow(t.code);
    await applyPlanChange(bed.core.billing, { ref: t.code, plan: 'professional', expectedVersion: row.version, force: false });
    expect((await tenantRow(t.code)).plan_code).toBe('professional');
    expect(await tenantDatabaseLimits(bed.url, row.database_name)).toMatchObject({ companies: 3, users: 20, transactions: 10000 });
    const pending = [...bed.fake.state.invoiceItems.values()].filter((i) => i.customer === billing.stripe_customer_id && i.invoice === null);
    expect(pending.reduce((sum, i) => sum + i.line.amount, 0)).toBe(quote.prorationCents);

    // The renewal bills the new price plus the proration; the sync mirrors it with its hosted page.
    bed.clock.set(new Date(end + 1000));
    await bed.fake.tick();
    await syncStripeEvents(bed.core.billing);
    const { rows } = await pool().query<{ total_cents: string; state: string; hosted_invoice_url: string | null; number: string | null }>(
      `SELECT total_cents, state, hosted_invoice_url, number FROM invoices WHERE tenant_id = $1 AND source = 'stripe' ORDER BY created_at DESC, period_start DESC LIMIT 1`,
      [t.id],
    );
    const renewal = [...bed.fake.state.invoices.values()].filter((i) => i.customer === billing.stripe_customer_id && i.billingReason === 'subscription_cycle')[0]!;
    const mirrored = await pool().query<{ total_cents: string; state: string; hosted_invoice_url: string | null; number: string | null }>(
      'SELECT total_cents, state, hosted_invoice_url, number FROM invoices WHERE stripe_invoice_id = $1',
      [renewal.id],
    );
    expect(rows.length).toBe(1);
    expect(Number(mirrored.rows[0]!.total_cents)).toBe(19900 + quote.prorationCents);
    expect(mirrored.rows[0]).toMatchObject({ state: 'paid', number: renewal.number });
    expect(mirrored.rows[0]!.hosted_invoice_url).toBe(`${bed.fake.url}/hosted/invoices/${renewal.id}`);
    const lines = await pool().query<{ kind: string }>('SELECT kind FROM invoice_lines il JOIN invoices i ON i.id = il.invoice_id WHERE i.stripe_invoice_id = $1 ORDER BY position', [renewal.id]);
    expect(lines.rows.map((l) => l.kind).sort()).toEqual(['plan', 'proration', 'proration']);
  });

  it('downgrades at the period end: nothing changes until the period passes, then the plan and limits move', async () => {
    const t = await activePayingTenant('professional', 'Downgrade Co');
    const before = await billingRow(t.code);
    const row = await tenantRow(t.code);
    const quote = await applyPlanChange(bed.core.billing, { ref: t.code, plan: 'starter', expectedVersion: row.version, force: false });
    expect(quote).toMatchObject({ direction: 'downgrade', effective: 'period_end', prorationCents: 0, effectiveAt: before.current_period_end!.toISOString() });
    expect((await tenantRow(t.code)).plan_code).toBe('professional');
    expect((await billingRow(t.code)).pending_plan_code).toBe('starter');
    // Stripe bills the lower price from the next renewal, with no proration now.
    const sub = bed.fake.state.subscriptions.get(before.stripe_subscription_id!)!;
    expect(bed.fake.state.prices.get(sub.priceId)!.unit_amount).toBe(4900);
    expect([...bed.fake.state.invoiceItems.values()].filter((i) => i.customer === before.stripe_customer_id)).toEqual([]);

    expect(await applyDuePendingDowngrades(bed.core.billing)).toEqual([]);
    bed.clock.set(new Date(before.current_period_end!.getTime() + 60_000));
    await bed.fake.tick();
    await syncStripeEvents(bed.core.billing);
    expect((await tenantRow(t.code)).plan_code).toBe('professional');
    const actions = await applyDuePendingDowngrades(bed.core.billing);
    expect(actions).toContainEqual(expect.objectContaining({ kind: 'downgrade_applied', tenantCode: t.code }));
    expect((await tenantRow(t.code)).plan_code).toBe('starter');
    expect(await tenantDatabaseLimits(bed.url, row.database_name)).toMatchObject({ companies: 1, users: 5, transactions: 1000 });
    const after = await billingRow(t.code);
    expect(after.pending_plan_code).toBeNull();
    expect(after.current_period_start!.getTime()).toBe(before.current_period_end!.getTime());
    // Idempotent: a second run does nothing for this tenant.
    expect((await applyDuePendingDowngrades(bed.core.billing)).filter((a) => a.tenantCode === t.code)).toEqual([]);
    const renewal = [...bed.fake.state.invoices.values()].find((i) => i.customer === before.stripe_customer_id && i.billingReason === 'subscription_cycle')!;
    expect(renewal.lines.reduce((s, l) => s + l.amount, 0)).toBe(4900);
  });

  it('cancels at the period end (resume takes it back) and now', async () => {
    const a = await activePayingTenant('starter', 'Cancel Later');
    await applyCancellation(bed.core.billing, { ref: a.code, when: 'period_end' });
    const scheduled = await billingRow(a.code);
    expect(scheduled.cancel_at_period_end).toBe(true);
    expect(bed.fake.state.subscriptions.get(scheduled.stripe_subscription_id!)!.cancelAtPeriodEnd).toBe(true);
    await applyResume(bed.core.billing, a.code);
    expect((await billingRow(a.code)).cancel_at_period_end).toBe(false);
    expect(bed.fake.state.subscriptions.get(scheduled.stripe_subscription_id!)!.cancelAtPeriodEnd).toBe(false);
    await applyCancellation(bed.core.billing, { ref: a.code, when: 'period_end' });
    bed.clock.set(new Date(scheduled.current_period_end!.getTime() + 1000));
    await bed.fake.tick();
    await syncStripeEvents(bed.core.billing);
    expect((await billingRow(a.code)).state).toBe('canceled');

    const b = await activePayingTenant('starter', 'Cancel Now');
    await applyCancellation(bed.core.billing, { ref: b.code, when: 'now' });
    const now = await billingRow(b.code);
    expect(now).toMatchObject({ state: 'canceled', stripe_subscription_status: 'canceled' });
    expect(bed.fake.state.subscriptions.get(now.stripe_subscription_id!)!.status).toBe('canceled');
    await expect(applyCancellation(bed.core.billing, { ref: b.code, when: 'now' })).rejects.toThrow(/already canceled/);
  });

  it('applies each event once: polled twice, and when the same event also arrives by webhook', async () => {
    const t = await activePayingTenant('starter', 'Events Once');
    const first = await call(bed.core, 'billing:syncStripe', {});
    expect(first.eventsApplied).toBe(0);
    const stored = await pool().query<{ n: string }>('SELECT count(*) AS n FROM stripe_events');

    // A new event, delivered by webhook before the poll sees it.
    const customerId = (await billingRow(t.code)).stripe_customer_id!;
    await bed.stripe.customers.update(customerId, { name: 'Events Once Renamed' });
    const event = bed.fake.state.events.at(-1)!;
    const payload = JSON.stringify(event);
    const header = bed.stripe.webhooks.generateTestHeaderString({ payload, secret: bed.webhookSecret });
    expect(await handleStripeWebhook(bed.core.billing, Buffer.from(payload), header)).toEqual({ eventId: event.id, applied: true });
    expect(await handleStripeWebhook(bed.core.billing, Buffer.from(payload), header)).toEqual({ eventId: event.id, applied: false });
    const polled = await call(bed.core, 'billing:syncStripe', {});
    expect(polled).toMatchObject({ eventsSeen: 1, eventsApplied: 0, eventsSkipped: 1, cursor: event.id });
    const again = await call(bed.core, 'billing:syncStripe', {});
    expect(again).toMatchObject({ eventsSeen: 0, eventsApplied: 0 });
    const after = await pool().query<{ n: string }>('SELECT count(*) AS n FROM stripe_events');
    expect(Number(after.rows[0]!.n)).toBe(Number(stored.rows[0]!.n) + 1);
    const via = await pool().query<{ via: string }>('SELECT via FROM stripe_events WHERE event_id = $1', [event.id]);
    expect(via.rows).toEqual([{ via: 'webhook' }]);
  });

  it('records an event for a customer the console does not know, without error', async () => {
    const stranger = await bed.stripe.customers.create({ email: 'stranger@example.com' });
    const report = await syncStripeEvents(bed.core.billing);
    expect(report.eventsApplied).toBeGreaterThanOrEqual(1);
    const { rows } = await pool().query<{ tenant_id: string | null }>('SELECT tenant_id FROM stripe_events WHERE object_id = $1', [stranger.id]);
    expect(rows).toEqual([{ tenant_id: null }]);
  });

  it('refuses a webhook with a bad signature over HTTP (400) and applies nothing; a good one is applied', async () => {
    const rendererDir = await mkdtemp(join(tmpdir(), 'tc-renderer-'));
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>test</title>');
    const server = await startHostServer(bed.core, { rendererDir });
    try {
      const t = await activePayingTenant('starter', 'Webhook Co');
      await bed.stripe.customers.update((await billingRow(t.code)).stripe_customer_id!, { name: 'Webhook Co 2' });
      const event = bed.fake.state.events.at(-1)!;
      const payload = JSON.stringify(event);
      const forged = bed.stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_notTheRealSecret123' });
      const bad = await fetch(`http://127.0.0.1:${server.port}/stripe/webhook`, { method: 'POST', headers: { 'stripe-signature': forged, 'content-type': 'application/json' }, body: payload });
      expect(bad.status).toBe(400);
      expect((await pool().query('SELECT 1 FROM stripe_events WHERE event_id = $1', [event.id])).rowCount).toBe(0);
      const unsigned = await fetch(`http://127.0.0.1:${server.port}/stripe/webhook`, { method: 'POST', body: payload });
      expect(unsigned.status).toBe(400);
      const tooBig = await fetch(`http://127.0.0.1:${server.port}/stripe/webhook`, { method: 'POST', headers: { 'stripe-signature': forged }, body: 'x'.repeat(600 * 1024) });
      expect(tooBig.status).toBe(413);

      const good = bed.stripe.webhooks.generateTestHeaderString({ payload, secret: bed.webhookSecret });
      const ok = await fetch(`http://127.0.0.1:${server.port}/stripe/webhook`, { method: 'POST', headers: { 'stripe-signature': good, 'content-type': 'application/json' }, body: payload });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ received: true, eventId: event.id, applied: true });
      // The console's API itself still needs the session.
      expect((await fetch(`http://127.0.0.1:${server.port}/api/invoke/billing:settings`, { method: 'POST' })).status).toBe(401);
    } finally {
      await server.close();
      await rm(rendererDir, { recursive: true, force: true });
    }
  });

  it('links an operator-made price only when it bills what the plan says', async () => {
    const product = await bed.stripe.products.create({ name: 'Pro by hand' });
    const wrong = await bed.stripe.prices.create({ product: product.id, unit_amount: 19000, currency: 'usd', recurring: { interval: 'month' } });
    const refused = await callError(bed.core, 'billing:linkStripePrice', { code: 'professional', version: 1, priceId: wrong.id });
    expect(refused.code).toBe('VALIDATION');
    expect(refused.message).toContain('amount 19000 cents, the plan says 19900');
    const right = await bed.stripe.prices.create({ product: product.id, unit_amount: 19900, currency: 'usd', recurring: { interval: 'month' } });
    expect(await call(bed.core, 'billing:linkStripePrice', { code: 'professional', version: 1, priceId: right.id })).toMatchObject({ stripePriceId: right.id, linked: true });
    expect((await call(bed.core, 'billing:stripePrices', {})).find((p) => p.planCode === 'professional')).toMatchObject({ stripePriceId: right.id });
  });

  it('follows Stripe through a trial: with a card it turns active at the trial end; without one past_due; a failed renewal past_due, paid → active', async () => {
    const withCard = await newTenant('trial', 'Trial With Card');
    const without = await newTenant('trial', 'Trial Without Card');
    // Earlier tests moved the shared clock past the trials the database dated by its own clock.
    await pool().query('UPDATE tenants SET trial_ends_at = $2 WHERE id = ANY($1::uuid[])', [[withCard.id, without.id], new Date(bed.clock.now().getTime() + 14 * 86_400_000)]);
    await enrollStripeTenants(bed.core.billing, [withCard.id, without.id]);
    expect((await billingRow(without.code)).stripe_subscription_status).toBe('trialing');
    const card = (await billingRow(withCard.code)).stripe_customer_id!;
    const pm = await bed.stripe.paymentMethods.attach('pm_card_mastercard', { customer: card });
    await bed.stripe.customers.update(card, { invoice_settings: { default_payment_method: pm.id } });
    await syncStripeEvents(bed.core.billing);
    expect(await billingRow(withCard.code)).toMatchObject({ state: 'trialing', payment_method_present: true, payment_method_label: 'mastercard •••• 4444' });
    expect(await billingRow(without.code)).toMatchObject({ state: 'trialing', payment_method_present: false });

    const trialEnd = (await tenantRow(withCard.code)).trial_ends_at!;
    bed.clock.set(new Date(trialEnd.getTime() + 60_000));
    await bed.fake.tick();
    const report = await syncStripeEvents(bed.core.billing);
    expect(report.tenantsUpdated).toEqual(expect.arrayContaining([withCard.code, without.code]));
    const converted = await billingRow(withCard.code);
    expect(converted).toMatchObject({ state: 'active', stripe_subscription_status: 'active' });
    expect(converted.current_period_start!.getTime()).toBe(Math.floor(trialEnd.getTime() / 1000) * 1000);
    expect(await billingRow(without.code)).toMatchObject({ state: 'past_due', stripe_subscription_status: 'past_due' });
    const open = await pool().query<{ state: string; total_cents: string }>(`SELECT state, total_cents FROM invoices WHERE tenant_id = $1 AND source = 'stripe' AND total_cents > 0`, [without.id]);
    expect(open.rows.map((r) => ({ state: r.state, total: Number(r.total_cents) }))).toEqual([{ state: 'open', total: 4900 }]);

    // The card is declined at the renewal: past_due; once it works and the invoice is paid: active again.
    await bed.fake.failPayments(card);
    bed.clock.set(new Date(converted.current_period_end!.getTime() + 60_000));
    await bed.fake.tick();
    await syncStripeEvents(bed.core.billing);
    expect((await billingRow(withCard.code)).state).toBe('past_due');
    await bed.fake.failPayments(card, false);
    const unpaid = (await bed.stripe.invoices.list({ customer: card })).data.find((i) => i.status === 'open')!;
    await bed.stripe.invoices.pay(unpaid.id);
    await syncStripeEvents(bed.core.billing);
    expect((await billingRow(withCard.code)).state).toBe('active');
    const paid = await pool().query<{ state: string }>('SELECT state FROM invoices WHERE stripe_invoice_id = $1', [unpaid.id]);
    expect(paid.rows).toEqual([{ state: 'paid' }]);
  });

  it('a failing Stripe call is a clear error and changes nothing locally', async () => {
    const t = await activePayingTenant('starter', 'Stripe Down');
    const row = await tenantRow(t.code);
    await call(bed.core, 'billing:updateSettings', { stripeSecretKey: `sk_test_${'7'.repeat(24)}` });
    try {
      const error = await applyPlanChange(bed.core.billing, { ref: t.code, plan: 'professional', expectedVersion: row.version, force: false }).catch((e: unknown) => e as Error);
      expect((error as Error).message).toMatch(/^Stripe: .* failed — /);
      expect((await tenantRow(t.code)).plan_code).toBe('starter');
      expect((await billingRow(t.code)).pending_plan_code).toBeNull();
      const fresh = await newTenant('starter', 'Not Enrolled');
      await expect(enrollStripeTenants(bed.core.billing, [fresh.id])).rejects.toThrow(/Stripe: looking up a customer failed/);
      expect((await billingRow(fresh.code)).stripe_customer_id).toBeNull();
    } finally {
      await call(bed.core, 'billing:updateSettings', { stripeSecretKey: bed.key });
    }
  });

  it('refuses to set a payment method by hand in Stripe mode', async () => {
    const t = await newTenant('starter', 'No Manual Card');
    const error = await callError(bed.core, 'billing:setPaymentMethod', { ref: t.code, present: true, label: 'visa •••• 1111' });
    expect(error).toMatchObject({ code: 'INVALID_STATE' });
  });

  it('upgrades a tenant not yet enrolled in Stripe without a manual proration item; enrolment then bills the new plan', async () => {
    const t = await newTenantNotEnrolled('starter', 'Not Yet Enrolled');
    const quote = await call(bed.core, 'billing:quotePlanChange', { ref: t.code, plan: 'professional' });
    expect(quote).toMatchObject({ direction: 'upgrade', effective: 'now', prorationCents: 0, lines: [] });
    await applyPlanChange(bed.core.billing, { ref: t.code, plan: 'professional', expectedVersion: (await tenantRow(t.code)).version, force: false });
    expect((await pool().query('SELECT 1 FROM billing_pending_items WHERE tenant_id = $1', [t.id])).rowCount).toBe(0);
    await enrollStripeTenants(bed.core.billing, [t.id]);
    const sub = bed.fake.state.subscriptions.get((await billingRow(t.code)).stripe_subscription_id!)!;
    const link = (await call(bed.core, 'billing:stripePrices', {})).find((p) => p.planCode === 'professional' && p.planVersion === 1)!;
    expect(sub.priceId).toBe(link.stripePriceId);
    expect(bed.fake.state.prices.get(sub.priceId)!.unit_amount).toBe(19900);
  });

  it('answers through the contract: the tenant’s billing shows the card, the Stripe ids and mirrored invoices; change, cancel and resume return it', async () => {
    const t = await activePayingTenant('starter', 'Contract Co');
    const shown = await call(bed.core, 'billing:tenant', { ref: t.code });
    expect(shown).toMatchObject({ mode: 'stripe', state: 'active', paymentMethodPresent: true, paymentMethodLabel: 'visa •••• 4242' });
    expect(shown.stripe).toMatchObject({ customerId: expect.stringMatching(/^cus_/), subscriptionId: expect.stringMatching(/^sub_/), subscriptionStatus: 'active' });
    expect(shown.invoices.find((i) => i.source === 'stripe' && i.totalCents === 4900)).toMatchObject({ state: 'paid', hostedInvoiceUrl: expect.stringContaining('/hosted/invoices/') });

    const upgraded = await call(bed.core, 'billing:changePlan', { ref: t.code, plan: 'professional', prorationBehavior: 'none', expectedVersion: shown.tenantVersion });
    expect(upgraded.plan.code).toBe('professional');
    const cancelling = await call(bed.core, 'billing:cancelSubscription', { ref: t.code, when: 'period_end' });
    expect(cancelling.cancelAtPeriodEnd).toBe(true);
    const resumed = await call(bed.core, 'billing:resumeSubscription', { ref: t.code });
    expect(resumed.cancelAtPeriodEnd).toBe(false);
    expect(JSON.stringify(resumed)).not.toContain(bed.key);
  });

  it('never shows the Stripe key: not in settings, the log file, the audit log or stored errors', async () => {
    const settings = await call(bed.core, 'billing:settings', {});
    expect(settings.stripeSecretKeySet).toBe(true);
    expect(JSON.stringify(settings)).not.toContain(bed.key);
    // A failing call (a wrong key at the fake) leaves an error that names Stripe, not the key.
    const wrongKey = `sk_test_${'9'.repeat(24)}`;
    await call(bed.core, 'billing:updateSettings', { stripeSecretKey: wrongKey });
    const failed = await callError(bed.core, 'billing:syncStripe', {});
    expect(failed.message).toMatch(/^Stripe: listing events failed/);
    expect(failed.message).not.toContain(wrongKey);
    await call(bed.core, 'billing:updateSettings', { stripeSecretKey: bed.key });
    const audit = await call(bed.core, 'audit:list', { source: 'local', limit: 1000 });
    const auditText = JSON.stringify(audit);
    expect(auditText).toContain('billing:updateSettings');
    expect(auditText).not.toContain(bed.key);
    expect(auditText).not.toContain(wrongKey);
    const log = await readFile(join(bed.dataDir, 'logs', 'console.log'), 'utf8').catch(() => '');
    expect(log).not.toContain(bed.key);
    expect(log).not.toContain(wrongKey);
    const stored = await pool().query<{ text: string }>(`SELECT coalesce(string_agg(last_error, ' '), '') AS text FROM (SELECT last_error FROM tenant_billing UNION ALL SELECT last_error FROM stripe_sync_state) e`);
    expect(stored.rows[0]!.text).not.toContain(bed.key);
    expect(stored.rows[0]!.text).not.toContain(wrongKey);
  });
});
