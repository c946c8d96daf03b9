import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingOverviewSchema, tenantBillingSchema } from '../../src-shared/contract/billing-models';
import { ManualClock } from '../../src-main/billing/clock';
import { openConsoleCore, type ConsoleCore } from '../../src-main/app/console-core';
import { createSilentLogger } from '../../src-main/logging/logger';
import { call, callError, uniqueTenantInput } from '../support/core-calls';
import { dropTestPlatform, embeddedTarget, uniquePlatformDatabase } from '../support/servers';

/**
 * The Billing page's and the Billing tab's queries against real PostgreSQL. Most tenants here
 * are registry rows only (the read side reads nothing but the platform database); one is
 * provisioned for real, to show that a new paying tenant's billing row reads as active.
 * Time is the console's ManualClock, never the machine's.
 */
const NOW = '2027-03-01T12:00:00.000Z';
const DAY = 86_400_000;
const at = (days: number) => new Date(Date.parse(NOW) + days * DAY).toISOString();

describe('billing read side: overview and tenant billing (embedded PostgreSQL)', () => {
  const clock = new ManualClock(NOW);
  const platformDatabase = uniquePlatformDatabase('billingq');
  let url = '';
  let dataDir = '';
  let core: ConsoleCore;

  beforeAll(async () => {
    url = embeddedTarget().url;
    // Its own data folder: the secret store (a Stripe key set below) is this test's alone.
    dataDir = await mkdtemp(join(tmpdir(), 'billing-queries-'));
    core = await openConsoleCore({
      platformDatabase,
      mode: 'cli',
      databaseUrl: url,
      dataDir,
      logger: createSilentLogger(),
      reconcileOnStart: false,
      clock,
    });
  });

  afterAll(async () => {
    await core?.close();
    await dropTestPlatform(url, platformDatabase);
    await rm(dataDir, { recursive: true, force: true });
  });

  const sql = <R extends object = Record<string, unknown>>(text: string, params: unknown[] = []) => core.platform.pool.query<R>(text, params);

  /** A registry-only tenant with its billing row; returns its id. */
  async function registryTenant(code: string, plan: string, billing: Record<string, unknown>, tenant: { status?: string; trialEndsAt?: string } = {}): Promise<string> {
    const { rows } = await sql<{ id: string }>(
      `INSERT INTO tenants (tenant_code, company_name, subdomain, admin_email, plan_code, plan_version, status, trial_ends_at, server_id, database_name, db_role)
       SELECT $1, $2, lower($1), 'admin@' || lower($1) || '.example', $3, 1, $4, $5, (SELECT id FROM servers WHERE is_primary), 'reg_' || lower($1), 'reg_' || lower($1)
       RETURNING id`,
      [code, `Company ${code}`, plan, tenant.status ?? 'active', tenant.trialEndsAt ?? null],
    );
    const id = rows[0]!.id;
    const columns = Object.keys(billing);
    await sql(
      `INSERT INTO tenant_billing (tenant_id${columns.map((column) => `, ${column}`).join('')})
       VALUES ($1${columns.map((_, index) => `, $${index + 2}`).join('')})`,
      [id, ...Object.values(billing)],
    );
    return id;
  }

  async function invoice(tenantId: string, values: { state: string; number: string | null; currency?: string; total: number; paid?: number; dueAt?: string; createdAt?: string }): Promise<void> {
    await sql(
      `INSERT INTO invoices (tenant_id, source, series, sequence_number, number, state, currency, subtotal_cents, total_cents, amount_paid_cents, issued_at, due_at, created_by, created_at)
       VALUES ($1, 'manual', NULL, NULL, $2, $3, $4, $5, $5, $6, $7, $8, 'test', $9)`,
      [tenantId, values.number, values.state, values.currency ?? 'USD', values.total, values.paid ?? 0, values.number ? at(-20) : null, values.dueAt ?? null, values.createdAt ?? at(-20)],
    );
  }

  let starterCode = '';
  let starterSubdomain = '';

  beforeAll(async () => {
    // One tenant provisioned for real on a paid plan: active from the start.
    const created = await call(core, 'tenants:create', uniqueTenantInput('starter', 'Real Starter'));
    starterCode = created.tenant.tenantCode;
    starterSubdomain = created.tenant.subdomain;
    const starterId = (await sql<{ id: string }>('SELECT id FROM tenants WHERE tenant_code = $1', [starterCode])).rows[0]!.id;

    await sql(`INSERT INTO plans (code, version, name, price_cents, currency, billing_interval, support_level, sort_order)
               VALUES ('annual-eur', 1, 'Annual (EUR)', 120000, 'EUR', 'year', 'email', 9)`);

    await registryTenant('BQA001', 'trial', { state: 'trialing' }, { trialEndsAt: at(2) });
    await registryTenant('BQA002', 'trial', { state: 'trialing' }, { trialEndsAt: at(10) });
    const pastDue = await registryTenant('BQA003', 'professional', {
      state: 'past_due',
      grace_reason: 'invoice_overdue',
      grace_started_at: at(-3),
      grace_ends_at: at(4),
      current_period_start: at(-40),
      current_period_end: at(-10),
    });
    await registryTenant(
      'BQA004',
      'starter',
      { state: 'unpaid', grace_reason: 'payment_failed', grace_started_at: at(-8), grace_ends_at: at(-1), suspended_by_billing: true },
      { status: 'suspended' },
    );
    const annual = await registryTenant('BQA005', 'annual-eur', {
      state: 'active',
      payment_method_present: true,
      payment_method_label: 'SEPA mandate',
      current_period_start: at(-30),
      current_period_end: at(335),
      cancel_at_period_end: true,
      pending_plan_code: 'starter',
      pending_plan_version: 1,
    });
    await registryTenant('BQA006', 'starter', { state: 'canceled' }, { status: 'cancelled' });

    await invoice(pastDue, { state: 'open', number: 'INV-000001', total: 19_900, dueAt: at(-10) });
    await invoice(starterId, { state: 'open', number: 'INV-000002', total: 4_900, paid: 1_000, dueAt: at(5) });
    await invoice(annual, { state: 'paid', number: 'INV-000003', currency: 'EUR', total: 120_000, paid: 120_000, dueAt: at(-16) });
    await invoice(annual, { state: 'draft', number: null, currency: 'EUR', total: 500, createdAt: at(-1) });

    await sql(
      `INSERT INTO billing_notices (idempotency_key, tenant_id, kind, recipient, subject, state, attempts, created_at, sent_at)
       VALUES ('payment_failed:BQA003:1', $1, 'payment_failed', 'admin@bqa003.example', 'Your payment is overdue', 'sent', 1, $2, $2)`,
      [pastDue, at(-3)],
    );
    await sql(
      `INSERT INTO billing_job_runs (trigger, runner, clock_at, started_at, finished_at, outcome, summary) VALUES
         ('schedule', 'console-a', $1, $1, $1, 'failed', '{}'),
         ('cli', 'cron', $2, $2, $2, 'ok', '{"actions": [{"kind": "grace_started"}, {"kind": "notice_sent"}], "errors": []}')`,
      [at(-2), at(-1)],
    );
  });

  it('counts tenants by billing state and sums MRR per currency (yearly plans as a twelfth)', async () => {
    const overview = billingOverviewSchema.parse(await call(core, 'billing:overview', {}));
    expect(overview.now).toBe(NOW);
    expect(overview.mode).toBe('manual');
    expect(overview.currency).toBe('USD');
    expect(overview.counts).toEqual({ trialing: 2, active: 2, pastDue: 1, unpaid: 1, inGrace: 2, suspendedByBilling: 1 });
    // USD: the real starter (4,900) and the past-due professional (19,900); EUR: 120,000 / 12. Unpaid and canceled do not count.
    expect(overview.mrr).toEqual([
      { currency: 'EUR', cents: 10_000 },
      { currency: 'USD', cents: 24_800 },
    ]);
    expect(overview.stripeSync).toBeNull();
  });

  it('lists the trials ending within a week of the clock, and follows the clock when it moves', async () => {
    const overview = await call(core, 'billing:overview', {});
    expect(overview.trialsEndingThisWeek.map((row) => [row.tenantCode, row.trialEndsAt, row.state])).toEqual([['BQA001', at(2), 'trialing']]);
    clock.advanceDays(4);
    try {
      const later = await call(core, 'billing:overview', {});
      // BQA001's trial has lapsed (the job has not handled it yet) and stays first; BQA002's now ends within the week.
      expect(later.trialsEndingThisWeek.map((row) => row.tenantCode)).toEqual(['BQA001', 'BQA002']);
      expect(later.now).toBe(at(4));
    } finally {
      clock.set(NOW);
    }
  });

  it('lists the tenants behind on payment, soonest grace end first, with what they owe', async () => {
    const { pastDue } = await call(core, 'billing:overview', {});
    expect(pastDue).toEqual([
      expect.objectContaining({ tenantCode: 'BQA004', state: 'unpaid', tenantStatus: 'suspended', graceReason: 'payment_failed', graceEndsAt: at(-1), amountDueCents: 0 }),
      expect.objectContaining({ tenantCode: 'BQA003', state: 'past_due', graceReason: 'invoice_overdue', graceEndsAt: at(4), amountDueCents: 19_900, planCode: 'professional' }),
    ]);
  });

  it('sums the open invoices and marks the overdue ones by the clock', async () => {
    const { openInvoices } = await call(core, 'billing:overview', {});
    expect(openInvoices).toMatchObject({ count: 2, totalCents: 19_900 + 3_900, overdueCount: 1, overdueCents: 19_900 });
    expect(openInvoices.rows.map((row) => [row.number, row.tenantCode, row.overdue, row.totalCents, row.amountPaidCents, row.dueAt])).toEqual([
      ['INV-000001', 'BQA003', true, 19_900, 0, at(-10)],
      ['INV-000002', starterCode, false, 4_900, 1_000, at(5)],
    ]);
    clock.advanceDays(6);
    try {
      const later = await call(core, 'billing:overview', {});
      expect(later.openInvoices).toMatchObject({ overdueCount: 2, overdueCents: 19_900 + 3_900 });
    } finally {
      clock.set(NOW);
    }
  });

  it('shows the latest lifecycle run with its counts, and Stripe sync only in Stripe mode', async () => {
    const overview = await call(core, 'billing:overview', {});
    expect(overview.lastRun).toMatchObject({ trigger: 'cli', runner: 'cron', outcome: 'ok', actionCount: 2, errorCount: 0, clockAt: at(-1) });

    await sql(`UPDATE stripe_sync_state SET last_event_id = 'evt_123', last_synced_at = $1, last_error = NULL`, [at(-1)]);
    await call(core, 'billing:updateSettings', { mode: 'stripe', stripeSecretKey: 'sk_test_abcdefgh12345678' });
    try {
      const stripe = await call(core, 'billing:overview', {});
      expect(stripe.mode).toBe('stripe');
      expect(stripe.stripeSync).toEqual({ lastSyncedAt: at(-1), lastEventId: 'evt_123', lastError: null });
    } finally {
      await call(core, 'billing:updateSettings', { mode: 'manual', stripeSecretKey: null });
    }
  });

  it("gives one tenant's billing: grace period, invoices newest first, notices", async () => {
    const billing = tenantBillingSchema.parse(await call(core, 'billing:tenant', { ref: 'bqa003' }));
    expect(billing).toMatchObject({
      tenantCode: 'BQA003',
      tenantStatus: 'active',
      mode: 'manual',
      state: 'past_due',
      plan: { code: 'professional', version: 1, name: 'Professional', priceCents: 19_900, currency: 'USD', interval: 'month' },
      grace: { reason: 'invoice_overdue', startedAt: at(-3), endsAt: at(4) },
      currentPeriodEnd: at(-10),
      suspendedByBilling: false,
      paymentMethodPresent: false,
      stripe: null,
      conversionPlanCode: 'starter',
      nextInvoice: { date: at(-10), estimatedCents: 19_900, currency: 'USD' },
    });
    expect(billing.invoices.map((row) => [row.number, row.state, row.overdue])).toEqual([['INV-000001', 'open', true]]);
    expect(billing.notices).toEqual([
      expect.objectContaining({ idempotencyKey: 'payment_failed:BQA003:1', kind: 'payment_failed', state: 'sent', tenantCode: 'BQA003', sentAt: at(-3) }),
    ]);
  });

  it('reads a yearly tenant with a payment method, a pending downgrade and a cancellation at period end', async () => {
    const billing = await call(core, 'billing:tenant', { ref: 'BQA005' });
    expect(billing).toMatchObject({
      state: 'active',
      plan: { code: 'annual-eur', priceCents: 120_000, currency: 'EUR', interval: 'year' },
      paymentMethodPresent: true,
      paymentMethodLabel: 'SEPA mandate',
      cancelAtPeriodEnd: true,
      pendingPlan: { code: 'starter', version: 1 },
      currentPeriodEnd: at(335),
      grace: null,
      // Invoicing's estimate: the yearly price at the end of the period (no tax set, no usage).
      nextInvoice: { date: at(335), estimatedCents: 120_000, currency: 'EUR' },
    });
    // Newest first: the draft (no number yet), then the paid one.
    expect(billing.invoices.map((row) => [row.number, row.state])).toEqual([
      [null, 'draft'],
      ['INV-000003', 'paid'],
    ]);
  });

  it('reads a tenant provisioned on a paid plan as active, by subdomain; an unknown tenant is NOT_FOUND', async () => {
    const billing = await call(core, 'billing:tenant', { ref: starterSubdomain });
    expect(billing).toMatchObject({ tenantCode: starterCode, state: 'active', tenantStatus: 'active', trialEndsAt: null, plan: { code: 'starter', priceCents: 4_900 } });
    expect(billing.currentPeriodStart).not.toBeNull();
    expect(Date.parse(billing.currentPeriodEnd!)).toBeGreaterThan(Date.parse(billing.currentPeriodStart!));
    const missing = await callError(core, 'billing:tenant', { ref: 'NOPE999' });
    expect(missing.code).toBe('NOT_FOUND');
  });

  it('answers the overview over 10,000 more tenants in well under a second or two', async () => {
    await sql(
      `WITH made AS (
         INSERT INTO tenants (tenant_code, company_name, subdomain, admin_email, plan_code, plan_version, status, trial_ends_at, server_id, database_name, db_role)
         SELECT 'BQZ' || lpad(g::text, 6, '0'), 'Fleet ' || g, 'bqz' || g, 'a' || g || '@x.example',
                CASE WHEN g % 5 = 0 THEN 'trial' WHEN g % 3 = 0 THEN 'professional' ELSE 'starter' END, 1, 'active',
                CASE WHEN g % 5 = 0 THEN $1::timestamptz + (g % 30) * interval '1 day' END,
                (SELECT id FROM servers WHERE is_primary), 'bqz_' || g, 'bqz_' || g
           FROM generate_series(1, 10000) g
         RETURNING id, plan_code, trial_ends_at, tenant_code
       )
       INSERT INTO tenant_billing (tenant_id, state, grace_reason, grace_started_at, grace_ends_at)
       SELECT id, CASE WHEN plan_code = 'trial' THEN 'trialing' WHEN right(tenant_code, 2) = '07' THEN 'past_due' ELSE 'active' END,
              CASE WHEN right(tenant_code, 2) = '07' THEN 'invoice_overdue' END,
              CASE WHEN right(tenant_code, 2) = '07' THEN $1::timestamptz END,
              CASE WHEN right(tenant_code, 2) = '07' THEN $1::timestamptz + interval '7 days' END
         FROM made`,
      [NOW],
    );
    await sql(
      `INSERT INTO invoices (tenant_id, source, number, state, currency, subtotal_cents, total_cents, issued_at, due_at, created_by)
       SELECT t.id, 'manual', 'BQZ-' || t.tenant_code, CASE WHEN random() < 0.2 THEN 'open' ELSE 'paid' END, 'USD', 4900, 4900,
              $1::timestamptz - interval '20 days', $1::timestamptz - (random() * 20)::int * interval '1 day', 'bench'
         FROM tenants t WHERE t.tenant_code LIKE 'BQZ%' AND t.plan_code <> 'trial'`,
      [NOW],
    );
    await sql('ANALYZE');
    await call(core, 'billing:overview', {}); // warm the pool and the plan cache
    const started = performance.now();
    const overview = await call(core, 'billing:overview', {});
    const overviewMs = performance.now() - started;
    const tenantStarted = performance.now();
    await call(core, 'billing:tenant', { ref: 'BQZ000007' });
    const tenantMs = performance.now() - tenantStarted;
    console.log(`[measure] billing:overview over ${overview.counts.active + overview.counts.trialing + overview.counts.pastDue} billed tenants: ${overviewMs.toFixed(0)} ms; billing:tenant: ${tenantMs.toFixed(0)} ms`);
    expect(overview.counts.trialing).toBe(2 + 2000);
    expect(overview.trialsEndingThisWeek.length).toBeLessThanOrEqual(100);
    expect(overview.pastDue.length).toBe(100);
    expect(overviewMs).toBeLessThan(2000);
    expect(tenantMs).toBeLessThan(500);
  });
});
