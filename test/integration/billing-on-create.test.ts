/**
 * Stripe enrolment and the welcome e-mail right after tenants:create, best effort. Real
 * PostgreSQL (embedded), a real SMTP server on loopback, and the tests' FAKE of Stripe's
 * HTTP API (an external service, out of reach here — the only fake in this file).
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBillingJobs } from '../../src-main/billing/lifecycle/run-billing-jobs';
import { call, uniqueTenantInput } from '../support/core-calls';
import { embeddedTarget } from '../support/servers';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture';
import { openStripeTestBed, type StripeTestBed } from '../support/stripe-billing-setup';
import { actionsFor, useSmtp } from './billing-lifecycle-fixtures';

/** A loopback port nothing listens on (taken and released): an SMTP server that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('billing right after tenants:create', () => {
  let bed: StripeTestBed;
  let smtp: SmtpCapture;
  beforeAll(async () => {
    bed = await openStripeTestBed(embeddedTarget().url, 'oncreate');
    smtp = await startSmtpCapture();
    await call(bed.core, 'billing:updateSettings', { stripeSecretKey: bed.key });
  });
  afterAll(async () => {
    await bed?.close();
    await smtp?.close();
  });

  const pool = () => bed.core.billing.ctx.pool;
  const create = async (plan: string, company: string) => {
    const input = uniqueTenantInput(plan, company);
    const started = performance.now();
    const { tenant } = await call(bed.core, 'tenants:create', input);
    return { id: tenant.id, code: tenant.tenantCode, email: input.adminEmail, ms: performance.now() - started };
  };
  const billing = async (id: string) =>
    (
      await pool().query<{ stripe_customer_id: string | null; stripe_subscription_id: string | null; state: string; last_error: string | null }>(
        'SELECT stripe_customer_id, stripe_subscription_id, state, last_error FROM tenant_billing WHERE tenant_id = $1',
        [id],
      )
    ).rows[0]!;
  const notices = async (id: string) =>
    (await pool().query<{ kind: string; state: string; last_error: string | null }>('SELECT kind, state, last_error FROM billing_notices WHERE tenant_id = $1', [id])).rows;
  const welcomesTo = (email: string) => smtp.messages.filter((m) => m.to.includes(email) && /welcome/i.test(m.subject + m.decoded));

  it('Stripe mode: the customer and the subscription with the trial end exist, and the welcome is sent, when create returns', async () => {
    await call(bed.core, 'billing:updateSettings', { mode: 'stripe' });
    await useSmtp(bed.core, smtp.port);
    const t = await create('trial', 'Enrolled At Create');
    const row = await billing(t.id);
    expect(row).toMatchObject({ state: 'trialing', last_error: null });
    const customer = bed.fake.state.customers.get(row.stripe_customer_id!)!;
    expect(customer.metadata).toMatchObject({ tenant_id: t.id, tenant_code: t.code });
    const sub = bed.fake.state.subscriptions.get(row.stripe_subscription_id!)!;
    const { rows } = await pool().query<{ trial_ends_at: Date }>('SELECT trial_ends_at FROM tenants WHERE id = $1', [t.id]);
    expect(sub).toMatchObject({ status: 'trialing', trialEnd: Math.floor(rows[0]!.trial_ends_at.getTime() / 1000) });
    expect(welcomesTo(t.email)).toHaveLength(1);
    expect(await notices(t.id)).toEqual([{ kind: 'welcome', state: 'sent', last_error: null }]);
    const audited = await call(bed.core, 'audit:list', { source: 'local', action: 'billing:stripe_customer_created', limit: 10 });
    expect(audited.rows.some((r) => r.tenant === t.code)).toBe(true);

    // The next run has nothing left to do for it.
    const report = await runBillingJobs(bed.core.billing, 'test');
    expect(report.errors).toEqual([]);
    expect(actionsFor(report, t.code).filter((k) => k !== 'stripe_event_applied')).toEqual([]);
    expect(welcomesTo(t.email)).toHaveLength(1);
  });

  it('manual mode with SMTP: the welcome is captured right after create, once', async () => {
    await call(bed.core, 'billing:updateSettings', { mode: 'manual' });
    await useSmtp(bed.core, smtp.port);
    const t = await create('starter', 'Welcome At Create');
    expect(welcomesTo(t.email)).toHaveLength(1);
    expect((await billing(t.id)).stripe_customer_id).toBeNull();
    const report = await runBillingJobs(bed.core.billing, 'test');
    expect(actionsFor(report, t.code)).toEqual([]);
    expect(welcomesTo(t.email)).toHaveLength(1);
  });

  it('manual mode without SMTP: nothing is tried at create (no notice row, no wait); the run sends the welcome once SMTP is set', async () => {
    await call(bed.core, 'billing:updateSettings', { mode: 'manual' });
    await useSmtp(bed.core, null);
    const requestsBefore = bed.fake.state.requests.length;
    const t = await create('starter', 'No Smtp Yet');
    expect(await notices(t.id)).toEqual([]);
    expect(bed.fake.state.requests.length).toBe(requestsBefore);
    expect(t.ms).toBeLessThan(10_000);
    await useSmtp(bed.core, smtp.port);
    const report = await runBillingJobs(bed.core.billing, 'test');
    expect(actionsFor(report, t.code)).toEqual(['notice_sent']);
    expect(welcomesTo(t.email)).toHaveLength(1);
  });

  it('Stripe and SMTP down: the create still succeeds, the failures are kept, and the next run enrols and welcomes', async () => {
    await call(bed.core, 'billing:updateSettings', { mode: 'stripe', stripeSecretKey: `sk_test_${'5'.repeat(24)}` });
    await useSmtp(bed.core, await closedPort());
    const t = await create('trial', 'Everything Down');
    const detail = await call(bed.core, 'tenants:get', { ref: t.code });
    expect(detail.status).toBe('active');
    const row = await billing(t.id);
    expect(row).toMatchObject({ stripe_customer_id: null, stripe_subscription_id: null });
    expect(row.last_error).toMatch(/^Stripe: /);
    expect(row.last_error).not.toContain('5'.repeat(24));
    const [notice] = await notices(t.id);
    expect(notice).toMatchObject({ kind: 'welcome', state: 'failed' });
    expect(notice!.last_error).toBeTruthy();
    expect(welcomesTo(t.email)).toHaveLength(0);

    await call(bed.core, 'billing:updateSettings', { stripeSecretKey: bed.key });
    await useSmtp(bed.core, smtp.port);
    const report = await runBillingJobs(bed.core.billing, 'test');
    expect(report.errors).toEqual([]);
    expect(actionsFor(report, t.code).filter((k) => k !== 'stripe_event_applied').sort()).toEqual(['notice_sent', 'stripe_customer_created']);
    const after = await billing(t.id);
    expect(after).toMatchObject({ state: 'trialing', last_error: null });
    expect(after.stripe_subscription_id).not.toBeNull();
    expect(welcomesTo(t.email)).toHaveLength(1);
  });
});
