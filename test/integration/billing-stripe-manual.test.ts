/**
 * Plan changes, cancellation and payment methods in MANUAL billing mode (no Stripe): the
 * proration is computed by the billing clock and waits as a pending item for the next manual
 * invoice. Real PostgreSQL (embedded); the console is opened with the same test bed as the
 * Stripe tests (its fake Stripe API — a fake of an external service — is simply never called).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src-main/billing/clock';
import { generateDueInvoices } from '../../src-main/billing/invoices/invoice-generation';
import { applyCancellation, applyConversionPlan, applyDuePendingDowngrades, applyPaymentMethod, applyPlanChange, applyResume } from '../../src-main/billing/plan-billing';
import { call, callError, uniqueTenantInput } from '../support/core-calls';
import { embeddedTarget } from '../support/servers';
import { connectAsTenant } from '../support/tenant-clients';
import { openStripeTestBed, tenantDatabaseLimits, type StripeTestBed } from '../support/stripe-billing-setup';

describe('plan changes in manual billing mode — embedded PostgreSQL', () => {
  let bed: StripeTestBed;
  beforeAll(async () => {
    bed = await openStripeTestBed(embeddedTarget().url, 'manualplans');
    expect((await call(bed.core, 'billing:settings', {})).mode).toBe('manual');
  });
  afterAll(async () => bed?.close());

  const pool = () => bed.core.billing.ctx.pool;
  async function tenant(plan: string, company: string) {
    const { tenant: created, credentials } = await call(bed.core, 'tenants:create', uniqueTenantInput(plan, company));
    const { rows } = await pool().query<{ id: string; version: number; database_name: string }>('SELECT id, version, database_name FROM tenants WHERE tenant_code = $1', [created.tenantCode]);
    return { code: created.tenantCode, credentials, ...rows[0]! };
  }
  /** A 30-day period of which `elapsed` days have passed, by the billing clock. */
  async function setPeriod(id: string, elapsed: number, length = 30) {
    const start = addDays(bed.clock.now(), -elapsed);
    await pool().query('UPDATE tenant_billing SET current_period_start = $2, current_period_end = $3 WHERE tenant_id = $1', [id, start, addDays(start, length)]);
  }
  const billing = async (id: string) =>
    (await pool().query('SELECT * FROM tenant_billing WHERE tenant_id = $1', [id])).rows[0] as {
      pending_plan_code: string | null;
      conversion_plan_code: string | null;
      cancel_at_period_end: boolean;
      state: string;
      payment_method_present: boolean;
      payment_method_label: string | null;
    };
  const pendingItems = async (id: string) =>
    (await pool().query<{ kind: string; amount_cents: string; description: string }>('SELECT kind, amount_cents, description FROM billing_pending_items WHERE tenant_id = $1', [id])).rows.map((r) => ({
      ...r,
      amount_cents: Number(r.amount_cents),
    }));
  const planOf = async (id: string) => (await pool().query<{ plan_code: string; version: number }>('SELECT plan_code, version FROM tenants WHERE id = $1', [id])).rows[0]!;

  it('upgrades now; the in-arrears invoice charges the old price for the part before the change (a credit line), the new one after', async () => {
    const t = await tenant('starter', 'Manual Upgrade');
    await setPeriod(t.id, 10);
    // 10 of 30 days on starter (49.00), 20 on professional (199.00): 16.33 + 132.67 = 149.00.
    // The period is charged at professional at its end, so the line is (49 − 199) × 10/30 = −50.00.
    const quote = await call(bed.core, 'billing:quotePlanChange', { ref: t.code, plan: 'professional' });
    expect(quote).toMatchObject({ direction: 'upgrade', effective: 'now', prorationBehavior: 'create_prorations', prorationCents: -5000, currency: 'USD' });
    expect(quote.lines).toEqual([{ description: expect.stringContaining('Starter → Professional, Starter price for the 33.3% of the period'), amountCents: -5000 }]);

    await applyPlanChange(bed.core.billing, { ref: t.code, plan: 'professional', expectedVersion: t.version, force: false });
    expect((await planOf(t.id)).plan_code).toBe('professional');
    expect(await tenantDatabaseLimits(bed.url, t.database_name)).toMatchObject({ companies: 3, users: 20, transactions: 10000 });
    expect(await pendingItems(t.id)).toEqual([expect.objectContaining({ kind: 'proration', amount_cents: -5000 })]);

    // Regression: the line was (new − old) × the remaining part (+100.00), on top of a period
    // already charged in full at the new price — 299.00 for a period worth 149.00.
    bed.clock.advanceDays(21);
    await generateDueInvoices(bed.core.billing);
    const invoiced = await pool().query<{ subtotal_cents: string }>(`SELECT subtotal_cents FROM invoices WHERE tenant_id = $1 AND source = 'manual'`, [t.id]);
    expect(invoiced.rows.map((r) => Number(r.subtotal_cents))).toEqual([14900]);
    bed.clock.advanceDays(-21);
  });

  it('follows the clock: later in the period the credit for the old price is larger; none adds nothing; always_invoice waits for the next run too', async () => {
    const late = await tenant('starter', 'Manual Late');
    await setPeriod(late.id, 27);
    await applyPlanChange(bed.core.billing, { ref: late.code, plan: 'professional', expectedVersion: late.version, force: false });
    // 27 of 30 days at the old price: (49 − 199) × 0.9.
    expect(await pendingItems(late.id)).toEqual([expect.objectContaining({ amount_cents: -13500 })]);

    const none = await tenant('starter', 'Manual None');
    await setPeriod(none.id, 10);
    await applyPlanChange(bed.core.billing, { ref: none.code, plan: 'professional', prorationBehavior: 'none', expectedVersion: none.version, force: false });
    expect((await planOf(none.id)).plan_code).toBe('professional');
    expect(await pendingItems(none.id)).toEqual([]);

    const now = await tenant('starter', 'Manual Always');
    await setPeriod(now.id, 15);
    await applyPlanChange(bed.core.billing, { ref: now.code, plan: 'professional', prorationBehavior: 'always_invoice', expectedVersion: now.version, force: false });
    expect(await pendingItems(now.id)).toEqual([expect.objectContaining({ amount_cents: -7500 })]);
  });

  it('downgrades at the period end; a downgrade below usage is refused unless forced', async () => {
    const t = await tenant('professional', 'Manual Down');
    await setPeriod(t.id, 5);
    // Two companies: over the starter limit of one.
    const erp = await connectAsTenant(t.credentials);
    try {
      await erp.query(`INSERT INTO companies (name) VALUES ('North'), ('South')`);
    } finally {
      await erp.end();
    }

    const refused = await callError(bed.core, 'billing:changePlan', { ref: t.code, plan: 'starter', expectedVersion: t.version });
    expect(refused.code).toBe('INVALID_STATE');
    expect(refused.message).toMatch(/over the limits of starter v1 — companies: 2, new limit 1/);
    expect((await billing(t.id)).pending_plan_code).toBeNull();

    const quote = await applyPlanChange(bed.core.billing, { ref: t.code, plan: 'starter', expectedVersion: t.version, force: true });
    expect(quote).toMatchObject({ direction: 'downgrade', effective: 'period_end', prorationCents: 0 });
    expect((await billing(t.id)).pending_plan_code).toBe('starter');
    expect((await planOf(t.id)).plan_code).toBe('professional');
    expect((await applyDuePendingDowngrades(bed.core.billing)).filter((a) => a.tenantCode === t.code)).toEqual([]);

    bed.clock.advanceDays(26);
    const actions = await applyDuePendingDowngrades(bed.core.billing);
    expect(actions).toContainEqual({ kind: 'downgrade_applied', tenantCode: t.code, detail: 'professional v1 → starter v1' });
    // The period that ended was invoiced in arrears at the plan it ran on, before the plan moved.
    const invoiced = await pool().query<{ plan_code: string; subtotal_cents: string }>(`SELECT plan_code, subtotal_cents FROM invoices WHERE tenant_id = $1 AND source = 'manual'`, [t.id]);
    expect(invoiced.rows.map((r) => ({ plan: r.plan_code, subtotal: Number(r.subtotal_cents) }))).toEqual([{ plan: 'professional', subtotal: 19900 }]);
    // The downgrade waited for that roll: the next period runs on starter.
    expect((await pool().query('SELECT 1 FROM tenant_billing WHERE tenant_id = $1 AND current_period_end > $2', [t.id, bed.clock.now()])).rowCount).toBe(1);
    expect((await planOf(t.id)).plan_code).toBe('starter');
    expect(await tenantDatabaseLimits(bed.url, t.database_name)).toMatchObject({ companies: 1, users: 5, transactions: 1000 });
    expect((await billing(t.id)).pending_plan_code).toBeNull();
    expect(await pendingItems(t.id)).toEqual([]);
  });

  it('takes back a waiting downgrade when the current plan is chosen again', async () => {
    const t = await tenant('professional', 'Manual Keep');
    await setPeriod(t.id, 5);
    await applyPlanChange(bed.core.billing, { ref: t.code, plan: 'starter', expectedVersion: t.version, force: false });
    expect((await billing(t.id)).pending_plan_code).toBe('starter');
    await applyPlanChange(bed.core.billing, { ref: t.code, plan: 'professional', expectedVersion: t.version, force: false });
    expect((await billing(t.id)).pending_plan_code).toBeNull();
    const again = await callError(bed.core, 'billing:changePlan', { ref: t.code, plan: 'professional', expectedVersion: t.version });
    expect(again.message).toMatch(/already on professional v1/);
  });

  it('a trial choosing a plan sets what it converts to; a stale version is refused', async () => {
    const t = await tenant('trial', 'Manual Trial');
    const quote = await applyPlanChange(bed.core.billing, { ref: t.code, plan: 'professional', expectedVersion: t.version, force: false });
    expect(quote).toMatchObject({ effective: 'period_end', prorationCents: 0 });
    expect((await planOf(t.id)).plan_code).toBe('trial');
    expect((await billing(t.id)).conversion_plan_code).toBe('professional');
    await applyConversionPlan(bed.core.billing, { ref: t.code, plan: 'starter' });
    expect((await billing(t.id)).conversion_plan_code).toBe('starter');
    const stale = await callError(bed.core, 'billing:changePlan', { ref: t.code, plan: 'starter', expectedVersion: t.version + 5 });
    expect(stale.code).toBe('CONFLICT');
    const paid = await tenant('starter', 'Not A Trial');
    await expect(applyConversionPlan(bed.core.billing, { ref: paid.code, plan: 'professional' })).rejects.toThrow(/not on a trial/);
  });

  it('cancels at the period end (resume undoes it) and now; records a payment method by hand', async () => {
    const t = await tenant('starter', 'Manual Cancel');
    await applyCancellation(bed.core.billing, { ref: t.code, when: 'period_end' });
    expect((await billing(t.id)).cancel_at_period_end).toBe(true);
    await applyResume(bed.core.billing, t.code);
    expect((await billing(t.id)).cancel_at_period_end).toBe(false);
    await expect(applyResume(bed.core.billing, t.code)).rejects.toThrow(/no cancellation to take back/);
    await applyCancellation(bed.core.billing, { ref: t.code, when: 'now' });
    expect((await billing(t.id)).state).toBe('canceled');

    const p = await tenant('starter', 'Manual Card');
    await applyPaymentMethod(bed.core.billing, { ref: p.code, present: true, label: 'SEPA mandate' });
    expect(await billing(p.id)).toMatchObject({ payment_method_present: true, payment_method_label: 'SEPA mandate' });
    await applyPaymentMethod(bed.core.billing, { ref: p.code, present: false });
    expect(await billing(p.id)).toMatchObject({ payment_method_present: false, payment_method_label: null });
  });

  it('refuses Stripe work in manual mode with a clear message', async () => {
    const error = await callError(bed.core, 'billing:syncStripe', {});
    expect(error).toMatchObject({ code: 'INVALID_STATE', message: expect.stringContaining('manual mode') });
  });
});
