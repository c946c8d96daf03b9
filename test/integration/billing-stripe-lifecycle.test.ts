/**
 * The billing lifecycle in Stripe mode, end to end: `runBillingJobs` as the driver, the
 * console's real code and the real `stripe` SDK against the tests' FAKE of Stripe's HTTP API
 * (an external service, out of reach here — the only fake in this file), real PostgreSQL
 * (embedded), real verified backups, a real SMTP server on loopback. The console and the
 * fake share one ManualClock; after moving it, `fake.tick()` lets the fake bill what came due.
 * Each scenario has a platform and a fake of its own, so its clock starts at the real time
 * (the registry dates trials with the database's clock).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JobRunReport } from '../../src-shared/contract/billing-models';
import { addDays } from '../../src-main/billing/clock';
import { runBillingJobs } from '../../src-main/billing/lifecycle/run-billing-jobs';
import { enrollStripeTenants, handleStripeWebhook } from '../../src-main/billing/stripe/stripe-billing';
import { call, uniqueTenantInput } from '../support/core-calls';
import { embeddedTarget } from '../support/servers';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture';
import { openStripeTestBed, tenantDatabaseLimits, type StripeTestBed } from '../support/stripe-billing-setup';
import { fullTierOnly } from '../support/tier';
import { actionsFor, useSmtp } from './billing-lifecycle-fixtures';

/** What a lifecycle run did for one tenant, without the Stripe bookkeeping (event counts, enrolment). */
const lifecycleActions = (report: JobRunReport, code: string) => actionsFor(report, code).filter((kind) => kind !== 'stripe_event_applied' && kind !== 'stripe_customer_created');

describe('billing lifecycle in Stripe mode (fake Stripe API, real PostgreSQL, backups and SMTP)', () => {
  let smtp: SmtpCapture;
  const opened: { bed: StripeTestBed; folder: string }[] = [];

  beforeAll(async () => {
    smtp = await startSmtpCapture();
  });
  afterEach(async () => {
    for (const { bed, folder } of opened.splice(0)) {
      await bed.close();
      await rm(folder, { recursive: true, force: true });
    }
  });
  afterAll(async () => smtp?.close());

  /** A console in Stripe mode with SMTP and a backup folder, its fake, and helpers bound to them. */
  async function scenario(label: string) {
    const bed = await openStripeTestBed(embeddedTarget().url, label);
    const folder = await mkdtemp(join(tmpdir(), 'tc-stripe-life-'));
    opened.push({ bed, folder });
    await call(bed.core, 'billing:updateSettings', { mode: 'stripe', stripeSecretKey: bed.key, stripeWebhookSecret: bed.webhookSecret });
    await useSmtp(bed.core, smtp.port);
    await call(bed.core, 'backups:updateSettings', { directory: folder });
    const pool = bed.core.billing.ctx.pool;

    const run = async (): Promise<JobRunReport> => {
      const report = await runBillingJobs(bed.core.billing, 'test');
      expect(report.ran).toBe(true);
      expect(report.errors).toEqual([]);
      return report;
    };
    /** Moves the shared clock to `at` and lets the fake bill what came due. */
    const moveTo = async (at: Date) => {
      bed.clock.set(at);
      await bed.fake.tick();
    };
    const createTenant = async (plan: string, company: string) => {
      const input = uniqueTenantInput(plan, company);
      const { tenant } = await call(bed.core, 'tenants:create', input);
      return { code: tenant.tenantCode, id: tenant.id, email: input.adminEmail };
    };
    const row = async (code: string) => {
      const { rows } = await pool.query<{
        id: string;
        status: string;
        version: number;
        plan_code: string;
        database_name: string;
        trial_ends_at: Date | null;
        state: string;
        stripe_customer_id: string | null;
        stripe_subscription_id: string | null;
        stripe_subscription_status: string | null;
        current_period_start: Date | null;
        current_period_end: Date | null;
        grace_reason: string | null;
        suspended_by_billing: boolean;
        payment_method_present: boolean;
      }>(
        `SELECT t.id, t.status, t.version, t.plan_code, t.database_name, t.trial_ends_at, tb.state, tb.stripe_customer_id, tb.stripe_subscription_id,
                tb.stripe_subscription_status, tb.current_period_start, tb.current_period_end, tb.grace_reason, tb.suspended_by_billing, tb.payment_method_present
           FROM tenants t JOIN tenant_billing tb ON tb.tenant_id = t.id WHERE t.tenant_code = $1`,
        [code],
      );
      return rows[0]!;
    };
    const noticeKinds = async (tenantId: string) =>
      (await pool.query<{ kind: string }>(`SELECT kind FROM billing_notices WHERE tenant_id = $1 AND state = 'sent' ORDER BY created_at, kind`, [tenantId])).rows.map((r) => r.kind);
    const mailsTo = (email: string) => smtp.messages.filter((m) => m.to.includes(email)).map((m) => m.subject);
    /** What the tenant's admin does in Stripe: adds a card as the default, and pays what is open. */
    const addCard = async (customerId: string) => {
      const card = await bed.stripe.paymentMethods.attach('pm_card_visa', { customer: customerId });
      await bed.stripe.customers.update(customerId, { invoice_settings: { default_payment_method: card.id } });
    };
    const payOpenInvoices = async (customerId: string) => {
      let paid = 0;
      for (const invoice of (await bed.stripe.invoices.list({ customer: customerId })).data) {
        if (invoice.status === 'open') {
          await bed.stripe.invoices.pay(invoice.id);
          paid += 1;
        }
      }
      return paid;
    };
    /** A paying tenant with a card, enrolled and active in Stripe, with no grace period. */
    const activePayingTenant = async (company: string) => {
      const t = await createTenant('starter', company);
      await enrollStripeTenants(bed.core.billing, [t.id]);
      const customer = (await row(t.code)).stripe_customer_id!;
      await addCard(customer);
      await payOpenInvoices(customer);
      await run();
      expect(await row(t.code)).toMatchObject({ state: 'active', stripe_subscription_status: 'active', grace_reason: null, status: 'active' });
      return { ...t, customer };
    };
    const preSuspensionBackups = async (code: string) =>
      (await call(bed.core, 'backups:list', { ref: code })).filter((backup) => backup.kind === 'pre-suspension' && backup.verifiedAt !== null);
    /** Every lifecycle action for the tenant so far (none may ever be its cancellation). */
    const seen: Record<string, string[]> = {};
    const runFor = async (code: string) => {
      const kinds = lifecycleActions(await run(), code);
      (seen[code] ??= []).push(...kinds);
      return kinds;
    };
    const subscriptionOf = async (code: string) => bed.fake.state.subscriptions.get((await row(code)).stripe_subscription_id!)!;
    return { bed, pool, run, runFor, seen, moveTo, createTenant, row, noticeKinds, mailsTo, addCard, payOpenInvoices, activePayingTenant, preSuspensionBackups, subscriptionOf };
  }

  /**
   * A paying tenant with a card whose renewal fails and keeps failing: past_due, grace and
   * payment-failed notice, suspended after the grace period — then, after Stripe's last retry
   * (3 + 5 + 7 days), whatever the account's setting says.
   */
  async function renewalNeverPaid(label: string, afterRetries: 'cancel' | 'unpaid' | 'past_due') {
    const s = await scenario(label);
    await s.bed.fake.settings({ afterRetries, retryDays: [3, 5, 7] });
    const t = await s.activePayingTenant(`Retries ${afterRetries.replace('_', ' ')} Co`);
    const periodEnd = (await s.row(t.code)).current_period_end!;
    const oldSubscription = (await s.row(t.code)).stripe_subscription_id!;
    await s.bed.fake.failPayments(t.customer);
    await s.moveTo(new Date(periodEnd.getTime() + 60_000));
    expect(await s.runFor(t.code)).toEqual(['grace_started', 'notice_sent']);
    const renewal = s.bed.fake.state.invoices.get((await s.subscriptionOf(t.code)).latestInvoice!)!;
    expect(renewal.nextPaymentAttempt).toBe(Math.floor(periodEnd.getTime() / 1000) + 3 * 86_400);
    await s.moveTo(addDays(periodEnd, 7.1));
    expect(await s.runFor(t.code)).toEqual(['suspended', 'notice_sent']);
    await s.moveTo(addDays(periodEnd, 16));
    expect(await s.runFor(t.code)).toEqual([]);
    expect(renewal).toMatchObject({ attemptCount: 4, nextPaymentAttempt: null, status: 'open' });
    return { s, t, periodEnd, oldSubscription, renewal };
  }

  it('trial with a card in Stripe: trial-ending notice, then one run at the trial end converts it (Stripe active, starter limits pushed)', async () => {
    const s = await scenario('slife-convert');
    const t = await s.createTenant('trial', 'Card Trial');
    await s.run(); // enrols (if not done at create) and welcomes
    const enrolled = await s.row(t.code);
    expect(enrolled).toMatchObject({ state: 'trialing', stripe_subscription_status: 'trialing' });
    await s.addCard(enrolled.stripe_customer_id!);
    const trialEnd = enrolled.trial_ends_at!;

    await s.moveTo(addDays(trialEnd, -2));
    expect(lifecycleActions(await s.run(), t.code)).toEqual(['notice_sent']); // trial ending
    expect((await s.row(t.code)).payment_method_present).toBe(true);

    await s.moveTo(new Date(trialEnd.getTime() + 60_000));
    const converted = await s.run();
    expect(lifecycleActions(converted, t.code)).toEqual(['trial_converted']);
    const after = await s.row(t.code);
    const sub = s.bed.fake.state.subscriptions.get(after.stripe_subscription_id!)!;
    expect(sub.status).toBe('active');
    expect(after).toMatchObject({ status: 'active', plan_code: 'starter', state: 'active', stripe_subscription_status: 'active', grace_reason: null, suspended_by_billing: false });
    // The period is Stripe's (the first paid period starts at the trial end), not one the console made up.
    expect(after.current_period_start!.getTime()).toBe(sub.periodStart * 1000);
    expect(after.current_period_end!.getTime()).toBe(sub.periodEnd * 1000);
    expect(await tenantDatabaseLimits(s.bed.url, after.database_name)).toMatchObject({ companies: 1, users: 5, transactions: 1000 });
    expect(await s.noticeKinds(t.id)).toEqual(['welcome', 'trial_ending']);
    expect(s.mailsTo(t.email).some((subject) => /trial has ended/.test(subject))).toBe(false);
    expect(lifecycleActions(await s.run(), t.code)).toEqual([]);
  });

  it('trial without a card: grace (trial ended) → suspended with a verified backup → card + payment in Stripe → converted and reactivated', async () => {
    const s = await scenario('slife-grace');
    const t = await s.createTenant('trial', 'No Card Trial');
    await s.run();
    const trialEnd = (await s.row(t.code)).trial_ends_at!;

    await s.moveTo(new Date(trialEnd.getTime() + 60_000));
    const ended = await s.run();
    expect(lifecycleActions(ended, t.code)).toEqual(['grace_started', 'notice_sent']);
    expect(await s.row(t.code)).toMatchObject({ state: 'past_due', grace_reason: 'trial_ended', status: 'active', plan_code: 'trial' });
    expect((await s.noticeKinds(t.id)).filter((k) => k !== 'welcome' && k !== 'trial_ending')).toEqual(['trial_ended']);

    await s.moveTo(addDays(trialEnd, 7.1));
    expect(lifecycleActions(await s.run(), t.code)).toEqual(['suspended', 'notice_sent']);
    expect(await s.row(t.code)).toMatchObject({ status: 'suspended', suspended_by_billing: true });
    expect(await s.preSuspensionBackups(t.code)).toHaveLength(1);
    expect(lifecycleActions(await s.run(), t.code)).toEqual([]);

    const customer = (await s.row(t.code)).stripe_customer_id!;
    await s.addCard(customer);
    expect(await s.payOpenInvoices(customer)).toBe(1);
    const paid = await s.run();
    expect(lifecycleActions(paid, t.code)).toEqual(['trial_converted', 'reactivated', 'notice_sent']) // the conversion ends the grace period itself;
    expect(await s.row(t.code)).toMatchObject({ status: 'active', suspended_by_billing: false, grace_reason: null, plan_code: 'starter', state: 'active' });
    expect((await s.noticeKinds(t.id)).slice(-3)).toEqual(['trial_ended', 'suspended', 'reactivated']);
    expect(lifecycleActions(await s.run(), t.code)).toEqual([]);
  });

  it('a failed renewal: past_due → grace + payment-failed notice → suspended → invoice paid → reactivated', async () => {
    const s = await scenario('slife-dunning');
    const t = await s.activePayingTenant('Dunning Co');
    const periodEnd = (await s.row(t.code)).current_period_end!;

    await s.bed.fake.failPayments(t.customer);
    await s.moveTo(new Date(periodEnd.getTime() + 60_000));
    expect(lifecycleActions(await s.run(), t.code)).toEqual(['grace_started', 'notice_sent']);
    expect(await s.row(t.code)).toMatchObject({ state: 'past_due', grace_reason: 'payment_failed', status: 'active' });

    await s.moveTo(addDays(periodEnd, 7.1));
    expect(lifecycleActions(await s.run(), t.code)).toEqual(['suspended', 'notice_sent']);
    expect(await s.row(t.code)).toMatchObject({ status: 'suspended', suspended_by_billing: true });
    expect(await s.preSuspensionBackups(t.code)).toHaveLength(1);

    await s.bed.fake.failPayments(t.customer, false);
    expect(await s.payOpenInvoices(t.customer)).toBe(1);
    expect(lifecycleActions(await s.run(), t.code)).toEqual(['grace_cleared', 'reactivated', 'notice_sent']);
    expect(await s.row(t.code)).toMatchObject({ status: 'active', state: 'active', suspended_by_billing: false, grace_reason: null });
    expect((await s.noticeKinds(t.id)).filter((k) => k !== 'welcome')).toEqual(['payment_failed', 'suspended', 'reactivated']);
    expect(lifecycleActions(await s.run(), t.code)).toEqual([]);
  });

  it('a subscription canceled in Stripe (now, or at the period end) cancels the tenant, backup first', async () => {
    const s = await scenario('slife-cancel');
    const now = await s.activePayingTenant('Cancel Now Co');
    const later = await s.activePayingTenant('Cancel Later Co');
    await s.bed.stripe.subscriptions.cancel((await s.row(now.code)).stripe_subscription_id!);
    await s.bed.stripe.subscriptions.update((await s.row(later.code)).stripe_subscription_id!, { cancel_at_period_end: true });

    const first = await s.run();
    expect(lifecycleActions(first, now.code)).toEqual(['subscription_ended']);
    expect(lifecycleActions(first, later.code)).toEqual([]);
    expect(await s.row(now.code)).toMatchObject({ status: 'cancelled', state: 'canceled' });
    expect(await s.row(later.code)).toMatchObject({ status: 'active', state: 'active' });

    await s.moveTo(new Date((await s.row(later.code)).current_period_end!.getTime() + 60_000));
    expect(lifecycleActions(await s.run(), later.code)).toEqual(['subscription_ended']);
    expect(await s.row(later.code)).toMatchObject({ status: 'cancelled', state: 'canceled' });
    for (const code of [now.code, later.code]) {
      const backups = await call(s.bed.core, 'backups:list', { ref: code });
      expect(backups.filter((b) => b.kind === 'pre-cancellation' && b.verifiedAt !== null)).toHaveLength(1);
    }
    const again = await s.run();
    expect([...lifecycleActions(again, now.code), ...lifecycleActions(again, later.code)]).toEqual([]);
  });

  it('item 1 — a paying tenant enrolled without a card is billed by invoice and never cancelled: unpaid past the due date → grace → suspended → pays → reactivated', async () => {
    const s = await scenario('slife-nocard');
    const t = await s.createTenant('starter', 'Invoice Billed Co');
    const sub = await s.subscriptionOf(t.code);
    expect(sub).toMatchObject({ collectionMethod: 'send_invoice', daysUntilDue: 14 });
    const dueAt = new Date(s.bed.fake.state.invoices.get(sub.latestInvoice!)!.dueDate! * 1000);
    await s.runFor(t.code);

    // Past the 23 hours in which an automatically charged first invoice would have expired the subscription.
    await s.moveTo(addDays(s.bed.clock.now(), 2));
    expect(await s.runFor(t.code)).toEqual([]);
    expect(await s.row(t.code)).toMatchObject({ status: 'active', state: 'active', stripe_subscription_status: 'active' });

    // Unpaid at the due date: Stripe says past_due; the console's dunning follows.
    await s.moveTo(new Date(dueAt.getTime() + 60_000));
    expect(await s.runFor(t.code)).toEqual(['grace_started', 'notice_sent']);
    expect(await s.row(t.code)).toMatchObject({ status: 'active', state: 'past_due', grace_reason: 'payment_failed' });
    await s.moveTo(addDays(dueAt, 7.1));
    expect(await s.runFor(t.code)).toEqual(['suspended', 'notice_sent']);
    expect(await s.row(t.code)).toMatchObject({ status: 'suspended', suspended_by_billing: true });
    expect(await s.preSuspensionBackups(t.code)).toHaveLength(1);

    // The customer adds a card and pays the invoice: reactivated, and charged automatically from now on.
    await s.addCard(sub.customer);
    expect(await s.payOpenInvoices(sub.customer)).toBe(1);
    expect(await s.runFor(t.code)).toEqual(['grace_cleared', 'reactivated', 'notice_sent']);
    expect(await s.row(t.code)).toMatchObject({ status: 'active', state: 'active', suspended_by_billing: false, grace_reason: null });
    expect((await s.subscriptionOf(t.code)).collectionMethod).toBe('charge_automatically');
    expect((await s.noticeKinds(t.id)).filter((k) => k !== 'welcome')).toEqual(['payment_failed', 'suspended', 'reactivated']);
    expect(s.seen[t.code]).not.toContain('subscription_ended');
    expect(await s.runFor(t.code)).toEqual([]);
  });

  it('item 3 — after the last retry Stripe cancels (payment_failed): the tenant is not cancelled; the subscription is replaced, billed by invoice from the paid-through date, and dunning holds until the old invoice is paid', async () => {
    const { s, t, oldSubscription, renewal } = await renewalNeverPaid('slife-giveup', 'cancel');
    const old = s.bed.fake.state.subscriptions.get(oldSubscription)!;
    expect(old).toMatchObject({ status: 'canceled', cancellationReason: 'payment_failed' });
    const after = await s.row(t.code);
    expect(after).toMatchObject({ status: 'suspended', state: 'active', suspended_by_billing: true, grace_reason: 'payment_failed' });
    const replacement = await s.subscriptionOf(t.code);
    expect(replacement.id).not.toBe(oldSubscription);
    // Billed from the end of the period the unpaid renewal covers: nothing twice.
    expect(replacement).toMatchObject({ collectionMethod: 'send_invoice', billingCycleAnchor: old.periodEnd, periodEnd: old.periodEnd });
    expect(replacement.metadata.replaces).toBe(oldSubscription);
    expect(old.metadata.replaced_by).toBe(replacement.id);
    expect(s.bed.fake.state.invoices.get(replacement.latestInvoice!)!.lines.reduce((sum, l) => sum + l.amount, 0)).toBe(0);
    expect(await s.runFor(t.code)).toEqual([]);

    // A new card, and the old invoice paid: the debt is gone, the tenant is back; the new card is charged from now on.
    await s.bed.fake.failPayments(t.customer, false);
    await s.addCard(t.customer);
    await s.bed.stripe.invoices.pay(renewal.id);
    expect(await s.runFor(t.code)).toEqual(['grace_cleared', 'reactivated', 'notice_sent']);
    expect(await s.row(t.code)).toMatchObject({ status: 'active', state: 'active', suspended_by_billing: false, grace_reason: null });
    expect((await s.subscriptionOf(t.code)).collectionMethod).toBe('charge_automatically');
    expect(s.seen[t.code]).not.toContain('subscription_ended');
  });

  it('item 3 — after the last retry Stripe marks it unpaid: suspended until the latest invoice is paid, then active and reactivated', async () => {
    const { s, t, oldSubscription, renewal } = await renewalNeverPaid('slife-unpaid', 'unpaid');
    expect(await s.row(t.code)).toMatchObject({ status: 'suspended', state: 'unpaid', stripe_subscription_status: 'unpaid', stripe_subscription_id: oldSubscription });
    await s.bed.fake.failPayments(t.customer, false);
    await s.bed.stripe.invoices.pay(renewal.id);
    expect(await s.runFor(t.code)).toEqual(['grace_cleared', 'reactivated', 'notice_sent']);
    expect(await s.row(t.code)).toMatchObject({ status: 'active', state: 'active', stripe_subscription_status: 'active', suspended_by_billing: false });
    expect(s.seen[t.code]).not.toContain('subscription_ended');
  });

  it.skipIf(fullTierOnly('Stripe leaves a subscription past_due after its last retry'))('item 3 — after the last retry Stripe leaves it past_due: suspended until paid, then reactivated', async () => {
    const { s, t, renewal } = await renewalNeverPaid('slife-pastdue', 'past_due');
    expect(await s.row(t.code)).toMatchObject({ status: 'suspended', state: 'past_due', stripe_subscription_status: 'past_due' });
    await s.bed.fake.failPayments(t.customer, false);
    await s.bed.stripe.invoices.pay(renewal.id);
    expect(await s.runFor(t.code)).toEqual(['grace_cleared', 'reactivated', 'notice_sent']);
    expect(s.seen[t.code]).not.toContain('subscription_ended');
  });

  it.skipIf(fullTierOnly('a card declined at the first invoice, through the lifecycle'))('item 1 — a card declined at the first invoice: grace at once; expired after 23 hours it is replaced by an invoice-billed subscription, never the tenant cancelled', async () => {
    const s = await scenario('slife-declined');
    // Made while billing was manual, its customer with a card that is declined: the enrolment charges it automatically.
    await call(s.bed.core, 'billing:updateSettings', { mode: 'manual' });
    const t = await s.createTenant('starter', 'Declined Card Co');
    await call(s.bed.core, 'billing:updateSettings', { mode: 'stripe' });
    const customer = await s.bed.stripe.customers.create({ email: t.email, metadata: { tenant_id: t.id, tenant_code: t.code } });
    await s.addCard(customer.id);
    await s.bed.fake.failPayments(customer.id);
    expect(await s.runFor(t.code)).toEqual(['grace_started', 'notice_sent']);
    expect(await s.row(t.code)).toMatchObject({ state: 'past_due', stripe_subscription_status: 'incomplete' });
    const first = (await s.row(t.code)).stripe_subscription_id;

    await s.moveTo(new Date(s.bed.clock.now().getTime() + 24 * 3_600_000));
    expect(await s.runFor(t.code)).toEqual(['grace_cleared']);
    const replaced = await s.row(t.code);
    expect(replaced).toMatchObject({ status: 'active', state: 'active', grace_reason: null });
    expect(replaced.stripe_subscription_id).not.toBe(first);
    expect((await s.subscriptionOf(t.code)).collectionMethod).toBe('send_invoice');
    expect(s.bed.fake.state.subscriptions.get(first!)!.status).toBe('incomplete_expired');
    expect(s.seen[t.code]).not.toContain('subscription_ended');
  });

  it('events delivered by webhook and by the poll around runs: each action happens once', async () => {
    const s = await scenario('slife-webhook');
    const t = await s.activePayingTenant('Webhook Twice Co');
    const periodEnd = (await s.row(t.code)).current_period_end!;
    const deliver = async (eventIds: readonly string[]) => {
      const results = [];
      for (const id of eventIds) {
        const event = s.bed.fake.state.events.find((e) => e.id === id)!;
        const payload = JSON.stringify(event);
        const header = s.bed.stripe.webhooks.generateTestHeaderString({ payload, secret: s.bed.webhookSecret });
        results.push((await handleStripeWebhook(s.bed.core.billing, Buffer.from(payload), header)).applied);
      }
      return results;
    };

    await s.bed.fake.failPayments(t.customer);
    const before = s.bed.fake.state.events.length;
    await s.moveTo(new Date(periodEnd.getTime() + 60_000));
    const renewal = s.bed.fake.state.events.slice(before).map((e) => e.id);
    expect(renewal.length).toBeGreaterThan(2);
    // Half of the events arrive by webhook before the run, the run's poll reads them all.
    expect(await deliver(renewal.slice(0, Math.ceil(renewal.length / 2)))).toEqual(renewal.slice(0, Math.ceil(renewal.length / 2)).map(() => true));
    expect(lifecycleActions(await s.run(), t.code)).toEqual(['grace_started', 'notice_sent']);
    // Then every one of them again by webhook (Stripe retries), and a second run: nothing more.
    expect(await deliver(renewal)).toEqual(renewal.map(() => false));
    expect(lifecycleActions(await s.run(), t.code)).toEqual([]);

    // The payment's events by webhook only, then a run: reactivation once; the poll and a redelivery change nothing.
    await s.moveTo(addDays(periodEnd, 7.1));
    expect(lifecycleActions(await s.run(), t.code)).toEqual(['suspended', 'notice_sent']);
    await s.bed.fake.failPayments(t.customer, false);
    const beforePay = s.bed.fake.state.events.length;
    await s.payOpenInvoices(t.customer);
    const payment = s.bed.fake.state.events.slice(beforePay).map((e) => e.id);
    expect(await deliver(payment)).toEqual(payment.map(() => true));
    expect(lifecycleActions(await s.run(), t.code)).toEqual(['grace_cleared', 'reactivated', 'notice_sent']);
    expect(await deliver(payment)).toEqual(payment.map(() => false));
    expect(lifecycleActions(await s.run(), t.code)).toEqual([]);
    expect((await s.noticeKinds(t.id)).filter((k) => k !== 'welcome')).toEqual(['payment_failed', 'suspended', 'reactivated']);
    const stored = await s.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM stripe_events WHERE event_id = ANY($1::text[])', [[...renewal, ...payment]]);
    expect(stored.rows[0]!.n).toBe(renewal.length + payment.length);
    expect(await s.preSuspensionBackups(t.code)).toHaveLength(1);
  });
});
