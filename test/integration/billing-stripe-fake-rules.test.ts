/**
 * The tests' FAKE of Stripe's HTTP API (an external service, out of reach here) follows
 * Stripe's documented behaviour, not a kinder one — issue 15, "Stripe behaviour the fake must
 * follow". Each describe is one numbered item, driven through the real `stripe` SDK; every
 * expectation here failed against the fake before it was made to follow the documentation
 * (the sources are quoted in test/support/fake-stripe/*.ts). The console's side of each item
 * is tested in billing-stripe-documented.test.ts and billing-stripe-lifecycle.test.ts.
 */
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/billing/clock';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server';

const DAY = 86_400;
const HOUR = 3_600;
const key = 'sk_test_fakeRULESrules1234';

const opened: FakeStripe[] = [];
afterEach(async () => {
  for (const fake of opened.splice(0)) await fake.close();
});

/** A fresh fake at `start`, the SDK pointed at it, and a few helpers. */
async function account(start = '2027-03-01T00:00:00Z') {
  const clock = new ManualClock(start);
  const fake = await startFakeStripe({ key, clock });
  opened.push(fake);
  const stripe = new Stripe(key, { host: fake.endpoint.host, port: fake.endpoint.port, protocol: 'http', maxNetworkRetries: 0 });
  const product = await stripe.products.create({ name: 'Plans' });
  const monthly = await stripe.prices.create({ product: product.id, unit_amount: 3000, currency: 'usd', recurring: { interval: 'month' } });
  const dearer = await stripe.prices.create({ product: product.id, unit_amount: 9000, currency: 'usd', recurring: { interval: 'month' } });
  const yearly = await stripe.prices.create({ product: product.id, unit_amount: 30000, currency: 'usd', recurring: { interval: 'year' } });
  const now = () => Math.floor(clock.now().getTime() / 1000);
  const customer = async (withCard: boolean) => {
    const made = await stripe.customers.create({ email: `c${Math.random().toString(36).slice(2, 8)}@example.com` });
    if (withCard) {
      const card = await stripe.paymentMethods.attach('pm_card_visa', { customer: made.id });
      await stripe.customers.update(made.id, { invoice_settings: { default_payment_method: card.id } });
    }
    return made.id;
  };
  const eventTypes = async () => {
    const types: string[] = [];
    for await (const event of stripe.events.list({ limit: 100 })) types.push(event.type);
    return types;
  };
  return { clock, fake, stripe, monthly, dearer, yearly, now, customer, eventTypes };
}

const errorOf = async (promise: Promise<unknown>): Promise<Stripe.errors.StripeError> => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Stripe.errors.StripeError);
  return error as Stripe.errors.StripeError;
};

describe('1. a first invoice not paid within 23 hours; customers without a card billed by invoice', () => {
  it('charge_automatically without a payment method: incomplete, then incomplete_expired after 23 hours with the invoice voided', async () => {
    const a = await account();
    const sub = await a.stripe.subscriptions.create({ customer: await a.customer(false), items: [{ price: a.monthly.id }] });
    expect(sub.status).toBe('incomplete');
    const invoice = await a.stripe.invoices.retrieve(sub.latest_invoice as string);
    expect(invoice.status).toBe('open');

    await a.fake.advance(22 * HOUR);
    expect((await a.stripe.subscriptions.retrieve(sub.id)).status).toBe('incomplete');
    await a.fake.advance(2 * HOUR);
    const expired = await a.stripe.subscriptions.retrieve(sub.id);
    expect(expired.status).toBe('incomplete_expired');
    expect((await a.stripe.invoices.retrieve(invoice.id)).status).toBe('void');
    // Terminal: no further invoices, ever.
    await a.fake.advance(70 * DAY);
    expect((await a.stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(1);
    expect(await a.eventTypes()).toContain('invoice.voided');
  });

  it('paying the first invoice in time makes it active', async () => {
    const a = await account();
    const customer = await a.customer(false);
    const sub = await a.stripe.subscriptions.create({ customer, items: [{ price: a.monthly.id }] });
    const card = await a.stripe.paymentMethods.attach('pm_card_visa', { customer });
    await a.stripe.customers.update(customer, { invoice_settings: { default_payment_method: card.id } });
    await a.fake.advance(10 * HOUR);
    await a.stripe.invoices.pay(sub.latest_invoice as string);
    expect((await a.stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
    await a.fake.advance(2 * DAY);
    expect((await a.stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
  });

  it('send_invoice + days_until_due: active at once, an invoice due in N days that is never charged; past_due when unpaid by the due date', async () => {
    const a = await account();
    const sub = await a.stripe.subscriptions.create({ customer: await a.customer(true), items: [{ price: a.monthly.id }], collection_method: 'send_invoice', days_until_due: 14 });
    expect(sub).toMatchObject({ status: 'active', collection_method: 'send_invoice', days_until_due: 14 });
    const invoice = await a.stripe.invoices.retrieve(sub.latest_invoice as string);
    expect(invoice).toMatchObject({ status: 'open', collection_method: 'send_invoice', due_date: a.now() + 14 * DAY, next_payment_attempt: null, attempt_count: 0 });

    await a.fake.advance(2 * DAY);
    expect((await a.stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
    await a.fake.advance(13 * DAY);
    expect((await a.stripe.subscriptions.retrieve(sub.id)).status).toBe('past_due');
    expect(await a.eventTypes()).toContain('invoice.overdue');
  });

  it('send_invoice: days_until_due is required with it and refused without it', async () => {
    const a = await account();
    const customer = await a.customer(false);
    const missing = await errorOf(a.stripe.subscriptions.create({ customer, items: [{ price: a.monthly.id }], collection_method: 'send_invoice' }));
    expect(missing).toMatchObject({ type: 'StripeInvalidRequestError', param: 'days_until_due', code: 'parameter_missing' });
    const stray = await errorOf(a.stripe.subscriptions.create({ customer, items: [{ price: a.monthly.id }], days_until_due: 5 }));
    expect(stray).toMatchObject({ param: 'days_until_due' });
    expect(a.fake.state.subscriptions.size).toBe(0);
  });
});

describe('2. an incomplete subscription accepts only metadata updates', () => {
  it('refuses a price change and cancel_at_period_end; takes metadata; can be canceled', async () => {
    const a = await account();
    const sub = await a.stripe.subscriptions.create({ customer: await a.customer(false), items: [{ price: a.monthly.id }] });
    expect(sub.status).toBe('incomplete');
    const item = sub.items.data[0]!.id;
    const priceChange = await errorOf(a.stripe.subscriptions.update(sub.id, { items: [{ id: item, price: a.dearer.id }], proration_behavior: 'none' }));
    expect(priceChange).toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 400 });
    expect(priceChange.message).toMatch(/incomplete/);
    const cancelAtEnd = await errorOf(a.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true }));
    expect(cancelAtEnd.param).toBe('cancel_at_period_end');
    const fresh = await a.stripe.subscriptions.retrieve(sub.id);
    expect(fresh.items.data[0]!.price.id).toBe(a.monthly.id);
    expect(fresh.cancel_at_period_end).toBe(false);

    expect((await a.stripe.subscriptions.update(sub.id, { metadata: { note: 'kept' } })).metadata).toEqual({ note: 'kept' });
    expect((await a.stripe.subscriptions.cancel(sub.id)).status).toBe('canceled');
  });
});

describe('3. failed renewals are retried on a schedule; after the last retry the account settings decide', () => {
  async function pastDue(a: Awaited<ReturnType<typeof account>>) {
    const customer = await a.customer(true);
    const sub = await a.stripe.subscriptions.create({ customer, items: [{ price: a.monthly.id }] });
    await a.fake.failPayments(customer);
    const periodEnd = sub.items.data[0]!.current_period_end;
    a.clock.set(new Date(periodEnd * 1000));
    await a.fake.tick();
    const renewal = (await a.stripe.invoices.list({ subscription: sub.id })).data[0]!;
    return { customer, sub, periodEnd, renewal };
  }

  it('retries 3, 5 and 7 days after the previous attempt, each on next_payment_attempt; a retry that works makes it active', async () => {
    const a = await account();
    const { customer, sub, periodEnd, renewal } = await pastDue(a);
    expect(renewal).toMatchObject({ status: 'open', attempt_count: 1, next_payment_attempt: periodEnd + 3 * DAY });
    expect((await a.stripe.subscriptions.retrieve(sub.id)).status).toBe('past_due');
    await a.fake.advance(3 * DAY);
    expect(await a.stripe.invoices.retrieve(renewal.id)).toMatchObject({ attempt_count: 2, next_payment_attempt: periodEnd + 8 * DAY });
    await a.fake.failPayments(customer, false);
    await a.fake.advance(5 * DAY);
    expect(await a.stripe.invoices.retrieve(renewal.id)).toMatchObject({ status: 'paid', attempt_count: 3, next_payment_attempt: null });
    expect((await a.stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
  });

  it('after the last retry: canceled (reason payment_failed) by default', async () => {
    const a = await account();
    const { sub, periodEnd, renewal } = await pastDue(a);
    // One jump over the whole schedule: each retry happens at its own time.
    a.clock.set(new Date((periodEnd + 16 * DAY) * 1000));
    await a.fake.tick();
    expect(await a.stripe.invoices.retrieve(renewal.id)).toMatchObject({ status: 'open', attempt_count: 4, next_payment_attempt: null });
    const canceled = await a.stripe.subscriptions.retrieve(sub.id);
    expect(canceled).toMatchObject({ status: 'canceled', ended_at: periodEnd + 15 * DAY });
    expect(canceled.cancellation_details?.reason).toBe('payment_failed');
  });

  it('after the last retry: unpaid (the setting "mark as unpaid"); its later invoices are made but not attempted; paying the latest makes it active', async () => {
    const a = await account();
    await a.fake.settings({ afterRetries: 'unpaid' });
    const { customer, sub, periodEnd } = await pastDue(a);
    await a.fake.advance(16 * DAY);
    expect((await a.stripe.subscriptions.retrieve(sub.id)).status).toBe('unpaid');
    await a.fake.failPayments(customer, false);
    a.clock.set(new Date((periodEnd + 32 * DAY) * 1000));
    await a.fake.tick();
    const invoices = (await a.stripe.invoices.list({ subscription: sub.id })).data;
    const latest = invoices[0]!;
    expect(latest).toMatchObject({ status: 'open', attempt_count: 0, billing_reason: 'subscription_cycle' });
    expect((await a.stripe.subscriptions.retrieve(sub.id)).status).toBe('unpaid');
    await a.stripe.invoices.pay(latest.id);
    expect((await a.stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
  });

  it('after the last retry: left past_due (the setting "leave it past-due")', async () => {
    const a = await account();
    await a.fake.settings({ afterRetries: 'past_due', retryDays: [1, 2] });
    const { sub, renewal, periodEnd } = await pastDue(a);
    expect(renewal.next_payment_attempt).toBe(periodEnd + DAY);
    await a.fake.advance(5 * DAY);
    expect((await a.stripe.subscriptions.retrieve(sub.id)).status).toBe('past_due');
    expect(await a.stripe.invoices.retrieve(renewal.id)).toMatchObject({ attempt_count: 3, next_payment_attempt: null });
  });
});

describe('4. billing_cycle_anchor is fixed and month ends are clamped', () => {
  it('Jan 31 → Feb 28 → Mar 31 → Apr 30, the anchor unchanged through the renewals', async () => {
    const a = await account('2027-01-31T12:00:00Z');
    const sub = await a.stripe.subscriptions.create({ customer: await a.customer(true), items: [{ price: a.monthly.id }] });
    const anchor = sub.billing_cycle_anchor;
    const ends: string[] = [];
    let period = sub.items.data[0]!;
    ends.push(new Date(period.current_period_end * 1000).toISOString());
    for (let i = 0; i < 3; i += 1) {
      a.clock.set(new Date(period.current_period_end * 1000));
      await a.fake.tick();
      const renewed = await a.stripe.subscriptions.retrieve(sub.id);
      expect(renewed.billing_cycle_anchor).toBe(anchor);
      period = renewed.items.data[0]!;
      ends.push(new Date(period.current_period_end * 1000).toISOString());
    }
    expect(ends).toEqual(['2027-02-28T12:00:00.000Z', '2027-03-31T12:00:00.000Z', '2027-04-30T12:00:00.000Z', '2027-05-31T12:00:00.000Z']);
  });

  it('with a trial, the anchor is the trial end', async () => {
    const a = await account();
    const trialEnd = a.now() + 10 * DAY;
    const sub = await a.stripe.subscriptions.create({ customer: await a.customer(true), items: [{ price: a.monthly.id }], trial_end: trialEnd });
    expect(sub.billing_cycle_anchor).toBe(trialEnd);
    await a.fake.advance(10 * DAY + 60);
    const active = await a.stripe.subscriptions.retrieve(sub.id);
    expect(active.billing_cycle_anchor).toBe(trialEnd);
    expect(active.items.data[0]!.current_period_start).toBe(trialEnd);
  });
});

describe('5. changing the billing interval resets the period and invoices at once; schedules change it at a period end', () => {
  it('monthly → yearly: credit for the unused time, the yearly price billed now, the period and anchor reset to now', async () => {
    const a = await account();
    const sub = await a.stripe.subscriptions.create({ customer: await a.customer(true), items: [{ price: a.monthly.id }] });
    const start = sub.items.data[0]!.current_period_start;
    const end = sub.items.data[0]!.current_period_end;
    a.clock.set(new Date((start + Math.floor((end - start) / 2)) * 1000));
    const at = a.now();
    const updated = await a.stripe.subscriptions.update(sub.id, { items: [{ id: sub.items.data[0]!.id, price: a.yearly.id }] });
    expect(updated.billing_cycle_anchor).toBe(at);
    expect(updated.items.data[0]!.current_period_start).toBe(at);
    const yearLater = new Date(at * 1000);
    yearLater.setUTCFullYear(yearLater.getUTCFullYear() + 1);
    expect(updated.items.data[0]!.current_period_end).toBe(yearLater.getTime() / 1000);
    const invoice = await a.stripe.invoices.retrieve(updated.latest_invoice as string);
    expect(invoice.billing_reason).toBe('subscription_update');
    const credit = -Math.round(3000 * ((end - at) / (end - start)));
    expect(invoice.lines.data.map((l) => l.amount).sort((x, y) => x - y)).toEqual([credit, 30000]);
    expect(invoice.status).toBe('paid');
  });

  it('with proration_behavior none: no credit, but still reset and billed at once', async () => {
    const a = await account();
    const sub = await a.stripe.subscriptions.create({ customer: await a.customer(true), items: [{ price: a.monthly.id }] });
    await a.fake.advance(10 * DAY);
    const updated = await a.stripe.subscriptions.update(sub.id, { items: [{ id: sub.items.data[0]!.id, price: a.yearly.id }], proration_behavior: 'none' });
    expect(updated.items.data[0]!.current_period_start).toBe(a.now());
    const invoice = await a.stripe.invoices.retrieve(updated.latest_invoice as string);
    expect(invoice.lines.data.map((l) => l.amount)).toEqual([30000]);
  });

  it('a schedule keeps the yearly price to the period end, then the monthly one (billed from then, not before), and is released', async () => {
    const a = await account();
    const sub = await a.stripe.subscriptions.create({ customer: await a.customer(true), items: [{ price: a.yearly.id }] });
    const { current_period_start: start, current_period_end: end } = sub.items.data[0]!;
    await a.fake.advance(100 * DAY);
    const schedule = await a.stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    expect(schedule.phases).toHaveLength(1);
    expect((await a.stripe.subscriptions.retrieve(sub.id)).schedule).toBe(schedule.id);
    await a.stripe.subscriptionSchedules.update(schedule.id, {
      end_behavior: 'release',
      phases: [
        { items: [{ price: a.yearly.id }], start_date: start, end_date: end },
        { items: [{ price: a.monthly.id }], proration_behavior: 'none' },
      ],
    });
    const before = (await a.stripe.invoices.list({ subscription: sub.id })).data.length;
    await a.fake.advance(200 * DAY);
    expect((await a.stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(before);
    expect((await a.stripe.subscriptions.retrieve(sub.id)).items.data[0]!.price.id).toBe(a.yearly.id);

    a.clock.set(new Date((end + 60) * 1000));
    await a.fake.tick();
    const moved = await a.stripe.subscriptions.retrieve(sub.id);
    expect(moved.items.data[0]!.price.id).toBe(a.monthly.id);
    expect(moved.items.data[0]!.current_period_start).toBe(end);
    const first = (await a.stripe.invoices.list({ subscription: sub.id })).data[0]!;
    expect(first.lines.data.map((l) => l.amount)).toEqual([3000]);
    expect(first.created).toBe(end);
    // The second phase (one month) ends, the schedule is released and the subscription runs on.
    await a.fake.advance(40 * DAY);
    expect((await a.stripe.subscriptionSchedules.retrieve(schedule.id)).status).toBe('released');
    expect((await a.stripe.subscriptions.retrieve(sub.id))).toMatchObject({ status: 'active', schedule: null });
  });

  it('a schedule refuses to move the current phase’s start', async () => {
    const a = await account();
    const sub = await a.stripe.subscriptions.create({ customer: await a.customer(true), items: [{ price: a.yearly.id }] });
    const schedule = await a.stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    const moved = await errorOf(a.stripe.subscriptionSchedules.update(schedule.id, { phases: [{ items: [{ price: a.yearly.id }], start_date: a.now() + DAY }] }));
    expect(moved.param).toBe('phases[0][start_date]');
  });
});

describe('6. canceled_at, cancel now, a canceled subscription, lists', () => {
  it('canceled_at is the time of the cancel-at-period-end request, not the period end; resume clears it', async () => {
    const a = await account();
    const sub = await a.stripe.subscriptions.create({ customer: await a.customer(true), items: [{ price: a.monthly.id }] });
    await a.fake.advance(5 * DAY);
    const requested = a.now();
    expect((await a.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true })).canceled_at).toBe(requested);
    expect((await a.stripe.subscriptions.update(sub.id, { cancel_at_period_end: false })).canceled_at).toBeNull();
    await a.fake.advance(DAY);
    const again = a.now();
    await a.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    await a.fake.advance(40 * DAY);
    const ended = await a.stripe.subscriptions.retrieve(sub.id);
    expect(ended).toMatchObject({ status: 'canceled', canceled_at: again, ended_at: sub.items.data[0]!.current_period_end });
  });

  it('cancel now removes the pending proration items by default; invoice_now bills them', async () => {
    const a = await account();
    const customer = await a.customer(true);
    const pendingOf = async () => (await a.stripe.invoiceItems.list({ customer, pending: true })).data;
    const sub = await a.stripe.subscriptions.create({ customer, items: [{ price: a.monthly.id }] });
    await a.fake.advance(10 * DAY);
    await a.stripe.subscriptions.update(sub.id, { items: [{ id: sub.items.data[0]!.id, price: a.dearer.id }] });
    expect(await pendingOf()).toHaveLength(2);
    await a.stripe.subscriptions.cancel(sub.id);
    expect(await pendingOf()).toEqual([]);

    const other = await a.stripe.subscriptions.create({ customer, items: [{ price: a.monthly.id }] });
    await a.fake.advance(10 * DAY);
    await a.stripe.subscriptions.update(other.id, { items: [{ id: other.items.data[0]!.id, price: a.dearer.id }] });
    const count = (await a.stripe.invoices.list({ customer })).data.length;
    await a.stripe.subscriptions.cancel(other.id, { invoice_now: true });
    expect(await pendingOf()).toEqual([]);
    expect((await a.stripe.invoices.list({ customer })).data).toHaveLength(count + 1);
  });

  it('a canceled subscription still takes metadata (and cancellation_details), nothing else', async () => {
    const a = await account();
    const sub = await a.stripe.subscriptions.create({ customer: await a.customer(true), items: [{ price: a.monthly.id }] });
    await a.stripe.subscriptions.cancel(sub.id);
    expect((await a.stripe.subscriptions.update(sub.id, { metadata: { replaced_by: 'sub_x' }, cancellation_details: { comment: 'moved' } })).metadata).toEqual({ replaced_by: 'sub_x' });
    const refused = await errorOf(a.stripe.subscriptions.update(sub.id, { cancel_at_period_end: false }));
    expect(refused.message).toMatch(/canceled subscription can only update its cancellation_details and metadata/);
  });

  it('lists leave canceled subscriptions out unless asked (status all, canceled, ended)', async () => {
    const a = await account();
    const customer = await a.customer(true);
    const kept = await a.stripe.subscriptions.create({ customer, items: [{ price: a.monthly.id }] });
    const gone = await a.stripe.subscriptions.create({ customer, items: [{ price: a.monthly.id }] });
    await a.stripe.subscriptions.cancel(gone.id);
    const ids = async (params: Stripe.SubscriptionListParams) => (await a.stripe.subscriptions.list({ customer, ...params })).data.map((s) => s.id).sort();
    expect(await ids({})).toEqual([kept.id]);
    expect(await ids({ status: 'all' })).toEqual([kept.id, gone.id].sort());
    expect(await ids({ status: 'canceled' })).toEqual([gone.id]);
    expect(await ids({ status: 'ended' })).toEqual([gone.id]);
  });
});

describe('7. idempotency keys as documented', () => {
  it('the same key with other parameters, or on another endpoint, is an idempotency error; the same request is replayed', async () => {
    const a = await account();
    const first = await a.stripe.customers.create({ email: 'k@example.com' }, { idempotencyKey: 'k-1' });
    expect((await a.stripe.customers.create({ email: 'k@example.com' }, { idempotencyKey: 'k-1' })).id).toBe(first.id);
    const other = await errorOf(a.stripe.customers.create({ email: 'other@example.com' }, { idempotencyKey: 'k-1' }));
    expect(other).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(other.message).toMatch(/same parameters/);
    const elsewhere = await errorOf(a.stripe.products.create({ name: 'X' }, { idempotencyKey: 'k-1' }));
    expect(elsewhere).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(elsewhere.message).toMatch(/same endpoint/);
    expect((await a.stripe.customers.list({ email: 'other@example.com' })).data).toEqual([]);
  });

  it('keys expire after 24 hours: the same key then makes a new request', async () => {
    const a = await account();
    const first = await a.stripe.customers.create({ email: 'e@example.com' }, { idempotencyKey: 'k-24' });
    await a.fake.advance(23 * HOUR);
    expect((await a.stripe.customers.create({ email: 'e@example.com' }, { idempotencyKey: 'k-24' })).id).toBe(first.id);
    await a.fake.advance(HOUR);
    expect((await a.stripe.customers.create({ email: 'e@example.com' }, { idempotencyKey: 'k-24' })).id).not.toBe(first.id);
  });

  it('a request refused for its parameters saves nothing: the corrected retry with the same key runs', async () => {
    const a = await account();
    const refused = await errorOf(a.stripe.customers.create({ email: 'r@example.com', nmae: 'typo' } as Stripe.CustomerCreateParams, { idempotencyKey: 'k-bad' }));
    expect(refused).toMatchObject({ param: 'nmae', code: 'parameter_unknown' });
    const made = await a.stripe.customers.create({ email: 'r@example.com', name: 'Fixed' }, { idempotencyKey: 'k-bad' });
    expect(made.name).toBe('Fixed');
    // The same for a rule between parameters (send_invoice needs days_until_due).
    const customer = await a.customer(false);
    const noDays = await errorOf(a.stripe.subscriptions.create({ customer, items: [{ price: a.monthly.id }], collection_method: 'send_invoice' }, { idempotencyKey: 'k-days' }));
    expect(noDays.param).toBe('days_until_due');
    const sub = await a.stripe.subscriptions.create({ customer, items: [{ price: a.monthly.id }], collection_method: 'send_invoice', days_until_due: 7 }, { idempotencyKey: 'k-days' });
    expect(sub.status).toBe('active');
  });

  it('a 500 is saved and replayed to a retry with the same key; a new key runs', async () => {
    const a = await account();
    await a.fake.failNext('POST', '/v1/customers');
    const failed = await errorOf(a.stripe.customers.create({ email: 'f@example.com' }, { idempotencyKey: 'k-500' }));
    expect(failed).toBeInstanceOf(Stripe.errors.StripeAPIError);
    const replayed = await errorOf(a.stripe.customers.create({ email: 'f@example.com' }, { idempotencyKey: 'k-500' }));
    expect(replayed).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(replayed.headers?.['idempotent-replayed']).toBe('true');
    expect((await a.stripe.customers.list({ email: 'f@example.com' })).data).toEqual([]);
    expect((await a.stripe.customers.create({ email: 'f@example.com' }, { idempotencyKey: 'k-500-new' })).email).toBe('f@example.com');
  });

  it('keys do nothing on DELETE: canceling twice with one key is a second request (refused: already canceled)', async () => {
    const a = await account();
    const sub = await a.stripe.subscriptions.create({ customer: await a.customer(true), items: [{ price: a.monthly.id }] });
    await a.stripe.subscriptions.cancel(sub.id, {}, { idempotencyKey: 'k-del' });
    const second = await errorOf(a.stripe.subscriptions.cancel(sub.id, {}, { idempotencyKey: 'k-del' }));
    expect(second).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(second.headers?.['idempotent-replayed']).toBeUndefined();
  });
});

describe('8. parameters are validated on every endpoint; missing objects named in parameters', () => {
  it('unknown, missing and badly typed parameters answer 400 invalid_request_error naming the parameter', async () => {
    const a = await account();
    const customer = await a.customer(true);
    const cases: [Promise<unknown>, string, string | undefined][] = [
      [a.stripe.subscriptions.create({ customer, items: [{ price: a.monthly.id }], colection_method: 'send_invoice' } as unknown as Stripe.SubscriptionCreateParams), 'colection_method', 'parameter_unknown'],
      [a.stripe.subscriptions.create({ items: [{ price: a.monthly.id }] } as unknown as Stripe.SubscriptionCreateParams), 'customer', 'parameter_missing'],
      [a.stripe.subscriptions.create({ customer, items: [{ price: a.monthly.id }], collection_method: 'by_carrier_pigeon' } as unknown as Stripe.SubscriptionCreateParams), 'collection_method', undefined],
      [a.stripe.subscriptions.create({ customer, items: [{ price: a.monthly.id }], metadata: { a: 'b' }, cancel_at_period_end: 'maybe' } as unknown as Stripe.SubscriptionCreateParams), 'cancel_at_period_end', undefined],
      [a.stripe.subscriptions.create({ customer, items: [{ price: a.monthly.id, quantityy: 2 }] } as unknown as Stripe.SubscriptionCreateParams), 'items[0][quantityy]', 'parameter_unknown'],
      [a.stripe.prices.create({ product: 'prod_x', currency: 'usd', unit_amount: 10, recurring: { interval: 'fortnight' } } as unknown as Stripe.PriceCreateParams), 'recurring[interval]', undefined],
      [a.stripe.prices.list({ limit: 1000 }), 'limit', undefined],
      [a.stripe.invoices.list({ status: 'sent' } as unknown as Stripe.InvoiceListParams), 'status', undefined],
      [a.stripe.customers.update(customer, { invoice_settings: { default_payment_method: 'pm_x', footer: 'hi' } }), 'invoice_settings[footer]', 'parameter_unknown'],
      [a.stripe.events.list({ types: ['a'] } as unknown as Stripe.EventListParams), 'types', 'parameter_unknown'],
    ];
    for (const [call, param, code] of cases) {
      const error = await errorOf(call);
      expect(error, param).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error.statusCode, param).toBe(400);
      expect(error.param, param).toBe(param);
      if (code) expect(error.code, param).toBe(code);
    }
    expect(a.fake.state.subscriptions.size).toBe(0);
  });

  it('a missing object named in a parameter is 400 resource_missing with the parameter; in the URL it is 404', async () => {
    const a = await account();
    const customer = await a.customer(true);
    const inParam = await errorOf(a.stripe.subscriptions.create({ customer, items: [{ price: 'price_gone' }] }));
    expect(inParam).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'items[0][price]' });
    const noCustomer = await errorOf(a.stripe.paymentMethods.attach('pm_card_visa', { customer: 'cus_gone' }));
    expect(noCustomer).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'customer' });
    const inPath = await errorOf(a.stripe.subscriptions.retrieve('sub_gone'));
    expect(inPath).toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });

  it('trial_end may be now and at most two years out', async () => {
    const a = await account();
    const customer = await a.customer(true);
    const now = await a.stripe.subscriptions.create({ customer, items: [{ price: a.monthly.id }], trial_end: 'now' });
    expect(now).toMatchObject({ status: 'active', trial_end: null });
    const within = await a.stripe.subscriptions.create({ customer, items: [{ price: a.monthly.id }], trial_end: a.now() + 730 * DAY });
    expect(within.status).toBe('trialing');
    const beyond = await errorOf(a.stripe.subscriptions.create({ customer, items: [{ price: a.monthly.id }], trial_end: a.now() + 731 * DAY }));
    expect(beyond.param).toBe('trial_end');
    const past = await errorOf(a.stripe.subscriptions.create({ customer, items: [{ price: a.monthly.id }], trial_end: a.now() - 60 }));
    expect(past.param).toBe('trial_end');
  });

  it('proration_date is refused with proration_behavior none (update and preview)', async () => {
    const a = await account();
    const customer = await a.customer(true);
    const sub = await a.stripe.subscriptions.create({ customer, items: [{ price: a.monthly.id }] });
    const item = sub.items.data[0]!.id;
    const update = await errorOf(a.stripe.subscriptions.update(sub.id, { items: [{ id: item, price: a.dearer.id }], proration_behavior: 'none', proration_date: a.now() }));
    expect(update.param).toBe('proration_date');
    expect((await a.stripe.subscriptions.retrieve(sub.id)).items.data[0]!.price.id).toBe(a.monthly.id);
    const preview = await errorOf(
      a.stripe.invoices.createPreview({ customer, subscription: sub.id, subscription_details: { items: [{ id: item, price: a.dearer.id }], proration_behavior: 'none', proration_date: a.now() } }),
    );
    expect(preview.param).toBe('subscription_details[proration_date]');
  });
});
