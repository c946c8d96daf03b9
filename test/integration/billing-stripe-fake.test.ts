/**
 * The tests' FAKE of an external service (Stripe's HTTP API, out of reach here), checked
 * through the real `stripe` SDK: it must understand what the SDK sends and answer in shapes
 * the SDK parses, or every Stripe test above it proves nothing.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/billing/clock';
import { parseForm, splitKey } from '../support/fake-stripe/form-body';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server';

describe('form bodies with bracket notation', () => {
  it('splits keys and builds nested objects and arrays', () => {
    expect(splitKey('items[0][price]')).toEqual(['items', '0', 'price']);
    expect(splitKey('expand[]')).toEqual(['expand', '']);
    expect(splitKey('plain')).toEqual(['plain']);
    expect(splitKey('broken[a')).toEqual(['broken[a']);
    expect(parseForm('customer=cus_1&items[0][price]=price_a&items[1][price]=price_b&metadata[tenant_code]=AB123&expand[]=x&expand[]=y&name=Acme+%26+Co')).toEqual({
      customer: 'cus_1',
      items: [{ price: 'price_a' }, { price: 'price_b' }],
      metadata: { tenant_code: 'AB123' },
      expand: ['x', 'y'],
      name: 'Acme & Co',
    });
    expect(parseForm('subscription_details[items][0][id]=si_1&subscription_details[proration_date]=17')).toEqual({
      subscription_details: { items: [{ id: 'si_1' }], proration_date: '17' },
    });
    expect(parseForm('')).toEqual({});
  });
});

describe('the fake Stripe API through the real SDK', () => {
  const clock = new ManualClock('2027-03-01T00:00:00Z');
  const key = 'sk_test_fakeFAKEfake1234';
  let fake: FakeStripe;
  let stripe: Stripe;
  beforeAll(async () => {
    fake = await startFakeStripe({ key, clock });
    stripe = new Stripe(key, { host: fake.endpoint.host, port: fake.endpoint.port, protocol: 'http', maxNetworkRetries: 0 });
  });
  afterAll(async () => fake.close());

  it('refuses a wrong key with Stripe’s error shape, without echoing the key', async () => {
    const wrong = new Stripe('sk_test_wrongWRONGwrong9876', { host: fake.endpoint.host, port: fake.endpoint.port, protocol: 'http', maxNetworkRetries: 0 });
    const error = await wrong.customers.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect((error as Stripe.errors.StripeError).message).not.toContain('wrongWRONGwrong');
  });

  it('replays the first answer for a repeated Idempotency-Key', async () => {
    const first = await stripe.customers.create({ email: 'a@example.com', name: 'A' }, { idempotencyKey: 'same-key' });
    const again = await stripe.customers.create({ email: 'a@example.com', name: 'A' }, { idempotencyKey: 'same-key' });
    expect(again.id).toBe(first.id);
    expect((await stripe.customers.list({ email: 'a@example.com' })).data).toHaveLength(1);
    const missing = await stripe.customers.retrieve('cus_nope').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((missing as Stripe.errors.StripeError).code).toBe('resource_missing');
  });

  it('finds prices by lookup key and pages lists with starting_after and ending_before', async () => {
    const product = await stripe.products.create({ name: 'P' });
    const made = [];
    for (let i = 0; i < 5; i += 1) made.push(await stripe.prices.create({ product: product.id, unit_amount: 100 * (i + 1), currency: 'usd', recurring: { interval: 'month' }, lookup_key: `k${i}` }));
    expect((await stripe.prices.list({ lookup_keys: ['k3'] })).data.map((p) => p.unit_amount)).toEqual([400]);
    const first = await stripe.prices.list({ limit: 2, product: product.id });
    expect(first.has_more).toBe(true);
    expect(first.data.map((p) => p.id)).toEqual([made[4]!.id, made[3]!.id]);
    const next = await stripe.prices.list({ limit: 2, product: product.id, starting_after: first.data[1]!.id });
    expect(next.data.map((p) => p.id)).toEqual([made[2]!.id, made[1]!.id]);
    const newer = await stripe.prices.list({ limit: 2, product: product.id, ending_before: made[0]!.id });
    expect(newer.data.map((p) => p.id)).toEqual([made[2]!.id, made[1]!.id]);
    expect(newer.has_more).toBe(true);
    const all: string[] = [];
    for await (const price of stripe.prices.list({ limit: 2, product: product.id })) all.push(price.id);
    expect(all).toHaveLength(5);
  });

  it('runs a subscription: trial → active with a card, prorations on a price change, past_due on a failed payment, canceled at period end', async () => {
    const product = await stripe.products.create({ name: 'Plans' });
    const cheap = await stripe.prices.create({ product: product.id, unit_amount: 3000, currency: 'usd', recurring: { interval: 'month' } });
    const dear = await stripe.prices.create({ product: product.id, unit_amount: 9000, currency: 'usd', recurring: { interval: 'month' } });
    const customer = await stripe.customers.create({ email: 'sub@example.com' });
    const trialEnd = Math.floor(clock.now().getTime() / 1000) + 10 * 86_400;
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: cheap.id }], trial_end: trialEnd });
    expect(sub.status).toBe('trialing');
    expect(sub.items.data[0]!.current_period_end).toBe(trialEnd);

    const card = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: card.id } });
    await fake.advance(10 * 86_400);
    const active = await stripe.subscriptions.retrieve(sub.id);
    expect(active.status).toBe('active');
    const periodStart = active.items.data[0]!.current_period_start;
    const periodEnd = active.items.data[0]!.current_period_end;
    expect(periodStart).toBe(trialEnd);

    // Half-way through the period, to the dearer price: the preview's prorations are what gets billed.
    const at = periodStart + Math.floor((periodEnd - periodStart) / 2);
    clock.set(new Date(at * 1000));
    const item = active.items.data[0]!.id;
    const preview = await stripe.invoices.createPreview({ customer: customer.id, subscription: sub.id, subscription_details: { items: [{ id: item, price: dear.id }], proration_date: at } });
    const previewed = preview.lines.data.filter((l) => l.parent?.invoice_item_details?.proration).reduce((s, l) => s + l.amount, 0);
    expect(previewed).toBe(Math.round(9000 * 0.5) - Math.round(3000 * 0.5));
    await stripe.subscriptions.update(sub.id, { items: [{ id: item, price: dear.id }], proration_behavior: 'always_invoice', proration_date: at });
    const invoices = await stripe.invoices.list({ customer: customer.id });
    expect(invoices.data[0]!.billing_reason).toBe('subscription_update');
    expect(invoices.data[0]!.total).toBe(previewed);
    expect(invoices.data[0]!.status).toBe('paid');

    await fake.failPayments(customer.id);
    clock.set(new Date(periodEnd * 1000));
    await fake.tick();
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('past_due');
    await fake.failPayments(customer.id, false);
    const open = (await stripe.invoices.list({ customer: customer.id })).data.find((i) => i.status === 'open')!;
    expect((await stripe.invoices.pay(open.id)).status).toBe('paid');
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('active');

    await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    await fake.advance(31 * 86_400);
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('canceled');
    const types = [];
    for await (const event of stripe.events.list({ limit: 100 })) types.push(event.type);
    expect(types).toContain('customer.subscription.deleted');
    expect(types).toContain('invoice.payment_failed');
    expect(types).toContain('payment_method.attached');
  });
});
