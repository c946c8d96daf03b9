import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TenantDetail } from '../../src-shared/contract/models';
import type { BillingContext } from '../../src-main/billing/billing-context';
import { ManualClock } from '../../src-main/billing/clock';
import { createInvoice, estimateNextInvoice, finalizeInvoice, generateDueInvoices } from '../../src-main/billing/invoices/invoice-service';
import { openConsoleCore, type ConsoleCore } from '../../src-main/app/console-core';
import { createSilentLogger } from '../../src-main/logging/logger';
import { clientConfig, endpointFromUrl } from '../../src-main/postgres/server-endpoint';
import { call, callError, uniqueTenantInput } from '../support/core-calls';
import { provisionMany } from '../support/provision-many';
import { dropTestPlatform, embeddedTarget, uniquePlatformDatabase } from '../support/servers';
import { pdfPageCount, pdfText } from './billing-invoices-pdf-text';

/**
 * Manual invoicing against a real PostgreSQL (the embedded server) with a ManualClock
 * injected through openConsoleCore: periodic invoices, gapless numbers under concurrency,
 * payments, void, overdue, PDF. Nothing is faked.
 */
describe('manual invoicing', () => {
  const clock = new ManualClock('2027-01-01T00:00:00Z');
  const platformDatabase = uniquePlatformDatabase('invoices');
  let url: string;
  let dataDir: string;
  let core: ConsoleCore;
  const runners: { b: BillingContext; pool: pg.Pool }[] = [];

  beforeAll(async () => {
    url = embeddedTarget().url;
    dataDir = await mkdtemp(join(tmpdir(), 'tc-invoices-'));
    core = await openConsoleCore({
      platformDatabase,
      mode: 'cli',
      databaseUrl: url,
      dataDir,
      cacheFile: join(dataDir, 'cache.sqlite'),
      logger: createSilentLogger(),
      reconcileOnStart: false,
      clock,
    });
  });
  afterEach(async () => {
    // Each scenario's tenants stop being billed, so a later scenario's clock does not invoice them again.
    await core.platform.pool.query(`UPDATE tenant_billing SET state = 'none'`);
  });
  afterAll(async () => {
    await Promise.all(runners.map((runner) => runner.pool.end()));
    await core?.close();
    await dropTestPlatform(url, platformDatabase);
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Another runner (a second console or cron job): the same clock, its own connections to the platform database. */
  function separateRunner(max = 2): BillingContext {
    const pool = new pg.Pool({ ...clientConfig(endpointFromUrl(url), platformDatabase), max });
    const b: BillingContext = { ...core.billing, ctx: { ...core.platform, pool } };
    runners.push({ b, pool });
    return b;
  }

  async function payingTenant(plan: string, company: string, periodStart: string, periodEnd: string): Promise<TenantDetail> {
    const { tenant } = await call(core, 'tenants:create', uniqueTenantInput(plan, company));
    await setPeriod(tenant.id, periodStart, periodEnd);
    return tenant;
  }

  async function setPeriod(tenantId: string, periodStart: string, periodEnd: string): Promise<void> {
    await core.platform.pool.query(`UPDATE tenant_billing SET state = 'active', current_period_start = $2, current_period_end = $3 WHERE tenant_id = $1`, [
      tenantId,
      periodStart,
      periodEnd,
    ]);
  }

  async function billingPeriod(tenantId: string): Promise<{ start: string; end: string }> {
    const { rows } = await core.platform.pool.query<{ start: Date; end: Date }>(
      'SELECT current_period_start AS start, current_period_end AS end FROM tenant_billing WHERE tenant_id = $1',
      [tenantId],
    );
    return { start: rows[0]!.start.toISOString(), end: rows[0]!.end.toISOString() };
  }

  const actionsFor = (actions: Awaited<ReturnType<typeof generateDueInvoices>>, tenant: TenantDetail) => actions.filter((action) => action.tenantCode === tenant.tenantCode);

  async function draft(tenant: TenantDetail, lines: { description: string; quantity: number; unitCents: number }[]) {
    return call(core, 'invoices:create', { ref: tenant.tenantCode, lines });
  }

  it('invoices a month in arrears: plan, overage by calendar month, pending proration and credit, tax rounded half up', async () => {
    await call(core, 'billing:updateSettings', { invoiceSeries: 'PER', taxRatePercent: 12.5, invoiceDueDays: 14, autoFinalize: true });
    // Fixture: Professional (10,000 transactions a month) charges 5 cents per transaction above it.
    await core.platform.pool.query(`UPDATE plans SET overage_price_cents = 5 WHERE code = 'professional'`);
    const tenant = await payingTenant('professional', 'Periodic Arrears', '2027-01-01T00:00:00Z', '2027-02-01T00:00:00Z');
    // Usage figures as the collector leaves them: the latest figure of January counts; December and February are other periods.
    await core.platform.pool.query(
      `INSERT INTO tenant_usage (tenant_id, usage_date, month_start, transactions_month) VALUES
         ($1, '2026-12-31', '2026-12-01', 50000), ($1, '2027-01-15', '2027-01-01', 800),
         ($1, '2027-01-31', '2027-01-01', 10250), ($1, '2027-02-01', '2027-02-01', 10100)`,
      [tenant.id],
    );
    await core.platform.pool.query(
      `INSERT INTO billing_pending_items (tenant_id, kind, description, amount_cents, created_by, created_at) VALUES
         ($1, 'proration', 'Upgrade to Professional (10 days)', 1234, 'test', now() - interval '1 minute'),
         ($1, 'adjustment', 'Goodwill credit', -500, 'test', now())`,
      [tenant.id],
    );
    // 19,900 + 250 × 5 + 1,234 − 500 = 21,884; tax 12.5 % = 2,735.5 → 2,736 (half up); total 24,620.
    clock.set('2027-01-20T00:00:00Z');
    const estimate = await estimateNextInvoice(core.billing, tenant.id);
    expect(estimate).toMatchObject({ date: '2027-02-01T00:00:00.000Z', estimatedCents: 24_620, currency: 'USD' });
    // The lines the invoice will have (the plan line names the whole period).
    expect(estimate!.lines.map((line) => [line.kind, line.description, line.amountCents])).toEqual([
      ['plan', 'Professional plan, 2027-01-01 – 2027-02-01', 19_900],
      ['overage', 'Transactions over 10,000 in January 2027 (10,250 counted)', 1_250],
      ['proration', 'Upgrade to Professional (10 days)', 1_234],
      ['adjustment', 'Goodwill credit', -500],
    ]);
    expect(actionsFor(await generateDueInvoices(core.billing), tenant)).toEqual([]);

    clock.set('2027-02-01T06:00:00Z');
    expect(actionsFor(await generateDueInvoices(core.billing), tenant)).toEqual([{ kind: 'invoice_issued', tenantCode: tenant.tenantCode, detail: 'PER-000001 246.20 USD' }]);
    const invoice = await call(core, 'invoices:get', { id: 'per-000001' });
    expect(invoice).toMatchObject({
      tenantCode: tenant.tenantCode,
      source: 'manual',
      number: 'PER-000001',
      state: 'open',
      currency: 'USD',
      periodStart: '2027-01-01T00:00:00.000Z',
      periodEnd: '2027-02-01T00:00:00.000Z',
      planCode: 'professional',
      planVersion: 1,
      subtotalCents: 21_884,
      taxRatePercent: 12.5,
      taxCents: 2_736,
      totalCents: 24_620,
      amountPaidCents: 0,
      issuedAt: '2027-02-01T06:00:00.000Z',
      dueAt: '2027-02-15T06:00:00.000Z',
      overdue: false,
      createdBy: 'billing-job',
    });
    expect(invoice.lines).toEqual([
      { kind: 'plan', description: 'Professional plan, 2027-01-01 – 2027-02-01', quantity: 1, unitCents: 19_900, amountCents: 19_900 },
      { kind: 'overage', description: 'Transactions over 10,000 in January 2027 (10,250 counted)', quantity: 250, unitCents: 5, amountCents: 1_250 },
      { kind: 'proration', description: 'Upgrade to Professional (10 days)', quantity: 1, unitCents: 1_234, amountCents: 1_234 },
      { kind: 'adjustment', description: 'Goodwill credit', quantity: 1, unitCents: -500, amountCents: -500 },
    ]);
    const pending = await core.platform.pool.query<{ invoice_id: string | null }>('SELECT invoice_id FROM billing_pending_items WHERE tenant_id = $1', [tenant.id]);
    expect(pending.rows.map((row) => row.invoice_id)).toEqual([invoice.id, invoice.id]);
    expect(await billingPeriod(tenant.id)).toEqual({ start: '2027-02-01T00:00:00.000Z', end: '2027-03-01T00:00:00.000Z' });

    const audited = await call(core, 'audit:list', { source: 'local', action: 'invoices:generate', tenant: tenant.tenantCode });
    expect(audited.rows.map((event) => [event.outcome, (JSON.parse(event.details) as { invoice: string }).invoice])).toEqual([['ok', 'PER-000001 246.20 USD']]);
    // Run again: nothing new.
    expect(actionsFor(await generateDueInvoices(core.billing), tenant)).toEqual([]);
    expect((await call(core, 'invoices:list', { ref: tenant.tenantCode })).total).toBe(1);
    // The next one so far: February's 100 over the limit; 19,900 + 500 = 20,400, tax 2,550.
    expect(await estimateNextInvoice(core.billing, tenant.id)).toMatchObject({ date: '2027-03-01T00:00:00.000Z', estimatedCents: 22_950, currency: 'USD' });
  });

  it('makes one invoice for each missed period, and two runners at once never make two', async () => {
    await call(core, 'billing:updateSettings', { invoiceSeries: 'MIS', taxRatePercent: 0 });
    const tenant = await payingTenant('starter', 'Missed Periods', '2027-01-01T00:00:00Z', '2027-02-01T00:00:00Z');
    clock.set('2027-04-10T00:00:00Z');
    const [first, second] = await Promise.all([generateDueInvoices(separateRunner()), generateDueInvoices(separateRunner())]);
    const actions = actionsFor([...first, ...second], tenant);
    expect(actions.map((action) => action.detail).sort()).toEqual(['MIS-000001 49.00 USD', 'MIS-000002 49.00 USD', 'MIS-000003 49.00 USD']);
    const page = await call(core, 'invoices:list', { ref: tenant.tenantCode });
    expect(page.total).toBe(3);
    // Numbered in period order, each period once.
    expect(page.rows.map((row) => [row.periodStart?.slice(0, 10), row.number]).sort()).toEqual([
      ['2027-01-01', 'MIS-000001'],
      ['2027-02-01', 'MIS-000002'],
      ['2027-03-01', 'MIS-000003'],
    ]);
    expect(await billingPeriod(tenant.id)).toEqual({ start: '2027-04-01T00:00:00.000Z', end: '2027-05-01T00:00:00.000Z' });
    expect(actionsFor(await generateDueInvoices(core.billing), tenant)).toEqual([]);
  });

  it('leaves periodic invoices as drafts with autoFinalize off; finalize numbers them once', async () => {
    await call(core, 'billing:updateSettings', { invoiceSeries: 'DRF', autoFinalize: false, taxRatePercent: 0 });
    try {
      const tenant = await payingTenant('starter', 'Draft Periods', '2027-03-01T00:00:00Z', '2027-04-01T00:00:00Z');
      clock.set('2027-04-02T00:00:00Z');
      const actions = actionsFor(await generateDueInvoices(core.billing), tenant);
      expect(actions).toEqual([{ kind: 'invoice_drafted', tenantCode: tenant.tenantCode, detail: 'draft 2027-03-01 – 2027-04-01 49.00 USD' }]);
      const [row] = (await call(core, 'invoices:list', { ref: tenant.tenantCode })).rows;
      expect(row).toMatchObject({ state: 'draft', number: null, issuedAt: null, dueAt: null, totalCents: 4_900 });

      clock.set('2027-04-03T09:00:00Z');
      const finalized = await call(core, 'invoices:finalize', { id: row!.id });
      expect(finalized).toMatchObject({ state: 'open', number: 'DRF-000001', issuedAt: '2027-04-03T09:00:00.000Z', dueAt: '2027-04-17T09:00:00.000Z' });
      const again = await callError(core, 'invoices:finalize', { id: row!.id });
      expect(again.code).toBe('INVALID_STATE');
      expect(again.message).toBe('DRF-000001 is open: only a draft can be finalized.');
    } finally {
      await call(core, 'billing:updateSettings', { autoFinalize: true });
    }
  });

  it('numbers without gaps or duplicates with 8 concurrent generators and finalizers on separate connections', async () => {
    await call(core, 'billing:updateSettings', { invoiceSeries: 'GAP', taxRatePercent: 0 });
    const tenants = (await provisionMany(core, 10, ['starter'])).map((made) => made.tenant);
    for (const tenant of tenants) await setPeriod(tenant.id, '2027-01-01T00:00:00Z', '2027-02-01T00:00:00Z');
    clock.set('2027-04-10T00:00:00Z');
    // 10 tenants × 3 missed months = 30 periodic invoices, plus 8 workers × 3 one-off invoices = 24, all racing for numbers.
    const workers = Array.from({ length: 8 }, (_, index) => ({ b: separateRunner(2), tenant: tenants[index % tenants.length]! }));
    await Promise.all(
      workers.map(async ({ b, tenant }, index) => {
        for (let round = 0; round < 3; round += 1) {
          const oneOff = await createInvoice(b, { ref: tenant.tenantCode, lines: [{ description: `Worker ${index} round ${round}`, quantity: 1, unitCents: 1_000 }] });
          await generateDueInvoices(b);
          await finalizeInvoice(b, oneOff.id);
        }
      }),
    );
    const { rows } = await core.platform.pool.query<{ sequence_number: number; number: string; periodic: boolean }>(
      `SELECT sequence_number, number, period_start IS NOT NULL AS periodic FROM invoices WHERE series = 'GAP' ORDER BY sequence_number`,
    );
    expect(rows.map((row) => row.sequence_number)).toEqual(Array.from({ length: 54 }, (_, index) => index + 1));
    expect(new Set(rows.map((row) => row.number)).size).toBe(54);
    expect(rows.filter((row) => row.periodic)).toHaveLength(30);
    const next = await core.platform.pool.query<{ next_number: number }>(`SELECT next_number FROM invoice_sequences WHERE series = 'GAP'`);
    expect(next.rows[0]!.next_number).toBe(55);
    const perTenant = await core.platform.pool.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM invoices WHERE tenant_id = ANY($1::uuid[]) AND period_start IS NOT NULL GROUP BY tenant_id`,
      [tenants.map((tenant) => tenant.id)],
    );
    expect(perTenant.rows.map((row) => row.count)).toEqual(Array(10).fill(3));
  });

  it('gives the number back when a finalization fails after taking it', async () => {
    await call(core, 'billing:updateSettings', { invoiceSeries: 'FAIL', taxRatePercent: 0 });
    const { tenant } = await call(core, 'tenants:create', uniqueTenantInput('starter', 'Failed Finalize'));
    const poisoned = await draft(tenant, [{ description: 'Fails on finalize', quantity: 1, unitCents: 700 }]);
    const healthy = await draft(tenant, [{ description: 'Finalizes', quantity: 1, unitCents: 800 }]);
    // A real failure inside the finalizing transaction, after the number was taken: a trigger refuses the state change.
    await core.platform.pool.query(`
      CREATE FUNCTION test_refuse_finalize() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.id = '${poisoned.id}' AND NEW.state <> 'draft' THEN RAISE EXCEPTION 'injected failure after numbering'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_refuse_finalize BEFORE UPDATE ON invoices FOR EACH ROW EXECUTE FUNCTION test_refuse_finalize();`);
    try {
      const failed = await callError(core, 'invoices:finalize', { id: poisoned.id });
      expect(failed.code).toBe('INTERNAL');
      expect(await call(core, 'invoices:get', { id: poisoned.id })).toMatchObject({ state: 'draft', number: null });
      expect((await call(core, 'invoices:finalize', { id: healthy.id })).number).toBe('FAIL-000001');
    } finally {
      await core.platform.pool.query('DROP TRIGGER test_refuse_finalize ON invoices; DROP FUNCTION test_refuse_finalize()');
    }
    expect((await call(core, 'invoices:finalize', { id: poisoned.id })).number).toBe('FAIL-000002');
  });

  it('records partial payments, refuses overpayment with the numbers, marks paid at the completing payment', async () => {
    await call(core, 'billing:updateSettings', { invoiceSeries: 'PAY', taxRatePercent: 0 });
    clock.set('2027-05-01T00:00:00Z');
    const { tenant } = await call(core, 'tenants:create', uniqueTenantInput('starter', 'Payments'));
    const stillDraft = await draft(tenant, [{ description: 'Not yet issued', quantity: 1, unitCents: 100 }]);
    const onDraft = await callError(core, 'invoices:recordPayment', { id: stillDraft.id, amountCents: 100, method: 'cash' });
    expect([onDraft.code, onDraft.message]).toEqual(['INVALID_STATE', `draft ${stillDraft.id} is a draft: finalize it before recording a payment.`]);

    const created = await draft(tenant, [{ description: 'Consulting day', quantity: 2, unitCents: 10_000 }]);
    const open = await call(core, 'invoices:finalize', { id: created.id });
    expect(open).toMatchObject({ number: 'PAY-000001', totalCents: 20_000 });

    const partial = await call(core, 'invoices:recordPayment', { id: 'PAY-000001', amountCents: 5_000, method: 'bank transfer', reference: 'R-1', receivedAt: '2027-05-02T10:00:00Z' });
    expect(partial).toMatchObject({ state: 'open', amountPaidCents: 5_000, paidAt: null });
    const over = await callError(core, 'invoices:recordPayment', { id: 'PAY-000001', amountCents: 16_000, method: 'bank transfer' });
    expect(over.code).toBe('VALIDATION');
    expect(over.message).toBe('A payment of 160.00 USD is more than the 150.00 USD still due on PAY-000001 (total 200.00 USD, paid 50.00 USD).');
    expect(await call(core, 'invoices:get', { id: 'PAY-000001' })).toMatchObject({ state: 'open', amountPaidCents: 5_000, payments: [expect.objectContaining({ amountCents: 5_000 })] });

    const paid = await call(core, 'invoices:recordPayment', { id: open.id, amountCents: 15_000, method: 'card', receivedAt: '2027-05-03T09:00:00+02:00' });
    expect(paid).toMatchObject({ state: 'paid', amountPaidCents: 20_000, paidAt: '2027-05-03T07:00:00.000Z' });
    expect(paid.payments.map((payment) => [payment.amountCents, payment.method, payment.reference, payment.receivedAt])).toEqual([
      [5_000, 'bank transfer', 'R-1', '2027-05-02T10:00:00.000Z'],
      [15_000, 'card', null, '2027-05-03T07:00:00.000Z'],
    ]);
    const afterPaid = await callError(core, 'invoices:recordPayment', { id: open.id, amountCents: 1, method: 'card' });
    expect([afterPaid.code, afterPaid.message]).toEqual(['INVALID_STATE', 'PAY-000001 is paid: payments are recorded only on open invoices.']);
    const voidPaid = await callError(core, 'invoices:void', { id: open.id, reason: 'customer asked' });
    expect(voidPaid.code).toBe('INVALID_STATE');
    expect((await call(core, 'invoices:get', { id: open.id })).state).toBe('paid');
  });

  it('voids drafts and open invoices; a void invoice keeps its number and takes no payment', async () => {
    await call(core, 'billing:updateSettings', { invoiceSeries: 'VOI', taxRatePercent: 0 });
    clock.set('2027-05-10T12:00:00Z');
    const { tenant } = await call(core, 'tenants:create', uniqueTenantInput('starter', 'Voids'));
    const first = await call(core, 'invoices:finalize', { id: (await draft(tenant, [{ description: 'Wrong amount', quantity: 1, unitCents: 999 }])).id });
    const voided = await call(core, 'invoices:void', { id: first.number!, reason: 'wrong amount' });
    expect(voided).toMatchObject({ state: 'void', number: 'VOI-000001', voidReason: 'wrong amount', voidedAt: '2027-05-10T12:00:00.000Z' });
    expect((await callError(core, 'invoices:recordPayment', { id: first.id, amountCents: 999, method: 'cash' })).code).toBe('INVALID_STATE');
    expect((await callError(core, 'invoices:void', { id: first.id, reason: 'again' })).code).toBe('INVALID_STATE');
    expect((await callError(core, 'invoices:finalize', { id: first.id })).code).toBe('INVALID_STATE');
    // The next number is the next one: a void number is never reused.
    const second = await call(core, 'invoices:finalize', { id: (await draft(tenant, [{ description: 'Right amount', quantity: 1, unitCents: 990 }])).id });
    expect(second.number).toBe('VOI-000002');
    // A voided draft is numbered as it is voided (only drafts lack a number): the series records it.
    const voidDraft = await call(core, 'invoices:void', { id: (await draft(tenant, [{ description: 'Never sent', quantity: 1, unitCents: 1 }])).id, reason: 'duplicate' });
    expect(voidDraft).toMatchObject({ state: 'void', number: 'VOI-000003', issuedAt: null, voidReason: 'duplicate' });
    const missing = await callError(core, 'invoices:get', { id: 'VOI-000099' });
    expect([missing.code, missing.message]).toEqual(['NOT_FOUND', 'No invoice VOI-000099.']);
  });

  it('returns the pending items of a voided periodic invoice to the next one', async () => {
    await call(core, 'billing:updateSettings', { invoiceSeries: 'REL', taxRatePercent: 0 });
    const tenant = await payingTenant('starter', 'Released Items', '2027-05-01T00:00:00Z', '2027-06-01T00:00:00Z');
    await core.platform.pool.query(`INSERT INTO billing_pending_items (tenant_id, kind, description, amount_cents, created_by) VALUES ($1, 'proration', 'Upgrade proration', 700, 'test')`, [tenant.id]);
    clock.set('2027-06-01T01:00:00Z');
    expect(actionsFor(await generateDueInvoices(core.billing), tenant).map((action) => action.detail)).toEqual(['REL-000001 56.00 USD']);
    await call(core, 'invoices:void', { id: 'REL-000001', reason: 'billed the wrong entity' });
    clock.set('2027-07-01T01:00:00Z');
    expect(actionsFor(await generateDueInvoices(core.billing), tenant).map((action) => action.detail)).toEqual(['REL-000002 56.00 USD']);
    const second = await call(core, 'invoices:get', { id: 'REL-000002' });
    expect(second.lines.map((line) => line.description)).toEqual(['Starter plan, 2027-06-01 – 2027-07-01', 'Upgrade proration']);
    const item = await core.platform.pool.query<{ invoice_id: string }>('SELECT invoice_id FROM billing_pending_items WHERE tenant_id = $1', [tenant.id]);
    expect(item.rows).toEqual([{ invoice_id: second.id }]);
  });

  it("issues a credit note paid as it is issued, its tax mirroring a charge's", async () => {
    await call(core, 'billing:updateSettings', { invoiceSeries: 'CRN', taxRatePercent: 7.5 });
    clock.set('2027-05-20T00:00:00Z');
    const { tenant } = await call(core, 'tenants:create', uniqueTenantInput('starter', 'Credit Note'));
    // −1,010 × 7.5 % = −75.75 → −76.
    const credit = await call(core, 'invoices:finalize', { id: (await draft(tenant, [{ description: 'Service credit', quantity: 1, unitCents: -1_010 }])).id });
    expect(credit).toMatchObject({ number: 'CRN-000001', state: 'paid', subtotalCents: -1_010, taxCents: -76, totalCents: -1_086, paidAt: '2027-05-20T00:00:00.000Z' });
  });

  it('flags an open invoice overdue by the billing clock, in lists and filters', async () => {
    await call(core, 'billing:updateSettings', { invoiceSeries: 'OVD', taxRatePercent: 0, invoiceDueDays: 14 });
    clock.set('2027-06-01T00:00:00Z');
    const { tenant } = await call(core, 'tenants:create', uniqueTenantInput('starter', 'Overdue'));
    const invoice = await call(core, 'invoices:finalize', { id: (await draft(tenant, [{ description: 'Support', quantity: 1, unitCents: 5_000 }])).id });
    expect(invoice.dueAt).toBe('2027-06-15T00:00:00.000Z');
    const overdueRows = async () => (await call(core, 'invoices:list', { ref: tenant.tenantCode, overdueOnly: true })).rows.map((row) => row.number);

    clock.set('2027-06-15T00:00:00Z');
    expect((await call(core, 'invoices:get', { id: invoice.id })).overdue).toBe(false);
    expect(await overdueRows()).toEqual([]);
    clock.set('2027-06-16T00:00:00Z');
    expect((await call(core, 'invoices:get', { id: invoice.id })).overdue).toBe(true);
    expect(await overdueRows()).toEqual(['OVD-000001']);
    const fleet = await call(core, 'invoices:list', { state: ['open'], overdueOnly: true, limit: 500 });
    expect(fleet.rows.find((row) => row.id === invoice.id)).toMatchObject({ overdue: true, tenantCode: tenant.tenantCode, companyName: 'Overdue' });
    // Paid: no longer overdue.
    await call(core, 'invoices:recordPayment', { id: invoice.id, amountCents: 5_000, method: 'bank transfer' });
    expect(await overdueRows()).toEqual([]);
  });

  it('writes a readable A4 PDF per invoice atomically into the data folder, stamped by state', async () => {
    await call(core, 'billing:updateSettings', { invoiceSeries: 'PDF', taxRatePercent: 20, seller: { name: 'Northwind Billing GmbH', address: 'Hauptstrasse 1\n10115 Berlin' } });
    clock.set('2027-07-01T08:00:00Z');
    const { tenant } = await call(core, 'tenants:create', uniqueTenantInput('starter', 'Paper Trail AG'));
    const open = await call(core, 'invoices:finalize', {
      id: (await draft(tenant, [{ description: 'Data migration', quantity: 3, unitCents: 12_500 }, { description: 'Training session', quantity: 1, unitCents: 30_000 }])).id,
    });
    expect(open).toMatchObject({ subtotalCents: 67_500, taxCents: 13_500, totalCents: 81_000 });
    await call(core, 'invoices:recordPayment', { id: open.id, amountCents: 81_000, method: 'bank transfer' });

    const pdf = await call(core, 'invoices:pdf', { id: 'PDF-000001' });
    expect(pdf).toEqual({ path: join(dataDir, 'invoices', 'PDF-000001.pdf'), bytes: expect.any(Number), number: 'PDF-000001' });
    const bytes = await readFile(pdf.path);
    expect((await stat(pdf.path)).size).toBe(pdf.bytes);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdfPageCount(bytes)).toBe(1);
    const text = pdfText(bytes);
    for (const expected of [
      'Northwind Billing GmbH',
      'Hauptstrasse 1',
      'INVOICE',
      'Number: PDF-000001',
      'Issued: 2027-07-01',
      'Due: 2027-07-15',
      'Bill to',
      'Paper Trail AG',
      tenant.adminEmail,
      `Tenant ${tenant.tenantCode}`,
      'Data migration',
      '125.00 USD',
      '375.00 USD',
      'Training session',
      'Subtotal',
      '675.00 USD',
      'Tax (20%)',
      '135.00 USD',
      '810.00 USD',
      'Amount due',
      '0.00 USD',
      'PAID',
    ]) {
      expect(text, expected).toContain(expected);
    }

    const pending = await draft(tenant, [{ description: 'Not yet final', quantity: 1, unitCents: 100 }]);
    const draftPdf = await call(core, 'invoices:pdf', { id: pending.id });
    expect(draftPdf).toMatchObject({ path: join(dataDir, 'invoices', `draft-${pending.id}.pdf`), number: null });
    const draftText = pdfText(await readFile(draftPdf.path));
    expect(draftText).toContain('DRAFT INVOICE');
    expect(draftText).toContain('DRAFT');
    expect(draftText).toContain('(not yet numbered)');
    // Written again (replaced), and no temporary file left behind.
    await call(core, 'invoices:pdf', { id: 'PDF-000001' });
    expect((await readdir(join(dataDir, 'invoices'))).sort()).toEqual(['PDF-000001.pdf', `draft-${pending.id}.pdf`].sort());
  });

  it('does nothing in Stripe mode: no periodic invoice, no manual estimate', async () => {
    await call(core, 'billing:updateSettings', { invoiceSeries: 'STR', taxRatePercent: 0 });
    const tenant = await payingTenant('starter', 'Stripe Mode', '2027-07-01T00:00:00Z', '2027-08-01T00:00:00Z');
    clock.set('2027-08-02T00:00:00Z');
    await call(core, 'billing:updateSettings', { mode: 'stripe', stripeSecretKey: 'sk_test_invoicetests123' });
    try {
      expect(await generateDueInvoices(core.billing)).toEqual([]);
      expect(await estimateNextInvoice(core.billing, tenant.id)).toBeNull();
      expect((await call(core, 'invoices:list', { ref: tenant.tenantCode })).total).toBe(0);
    } finally {
      await call(core, 'billing:updateSettings', { mode: 'manual', stripeSecretKey: null });
    }
    expect(actionsFor(await generateDueInvoices(core.billing), tenant)).toEqual([{ kind: 'invoice_issued', tenantCode: tenant.tenantCode, detail: 'STR-000001 49.00 USD' }]);
    // A free plan or a trial is never estimated.
    const { tenant: trial } = await call(core, 'tenants:create', uniqueTenantInput('trial', 'Trial Estimate'));
    expect(await estimateNextInvoice(core.billing, trial.id)).toBeNull();
  });
});
