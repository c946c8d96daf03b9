import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, ManualClock } from '../../src-main/billing/clock';
import { runBillingJobs } from '../../src-main/billing/lifecycle/run-billing-jobs';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { call, uniqueTenantInput } from '../support/core-calls';
import { dropTestPlatform, embeddedTarget, uniquePlatformDatabase } from '../support/servers';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture';
import { actionsFor, billingRow, openClockCore, realErrors, useSmtp } from './billing-lifecycle-fixtures';

/**
 * Dunning end to end with the console's own periodic invoicing (manual mode): the invoice the
 * lifecycle run issues goes overdue, the tenant is suspended after the grace period, and
 * recording the payment reactivates it. A platform of its own: moving the clock past the
 * period end would invoice every other test's tenants too.
 */
describe('billing lifecycle with periodic invoices', () => {
  const platformDatabase = uniquePlatformDatabase('lifecycleinv');
  const clock = new ManualClock(new Date());
  let url: string;
  let core: ConsoleCore;
  let smtp: SmtpCapture;
  let folder: string;

  beforeAll(async () => {
    url = embeddedTarget().url;
    core = await openClockCore(url, platformDatabase, clock);
    smtp = await startSmtpCapture();
    await useSmtp(core, smtp.port);
    // Due in 7 days, overdue 7 days later, 7 days' grace: all inside the next period.
    await call(core, 'billing:updateSettings', { invoiceDueDays: 7, overdueDays: 7, gracePeriodDays: 7 });
    folder = await mkdtemp(join(tmpdir(), 'tc-billing-invoices-'));
    await call(core, 'backups:updateSettings', { directory: folder });
  });
  afterAll(async () => {
    await core?.close();
    await smtp?.close();
    await dropTestPlatform(url, platformDatabase);
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('issued invoice → overdue → grace + notice → suspended (backup first) → payment recorded → reactivated', async () => {
    const input = uniqueTenantInput('starter', 'Invoice Dunning');
    const tenant = (await call(core, 'tenants:create', input)).tenant;
    const { rows } = await core.platform.pool.query<{ current_period_end: Date }>('SELECT current_period_end FROM tenant_billing WHERE tenant_id = $1', [tenant.id]);
    const periodEnd = rows[0]!.current_period_end;

    clock.set(addDays(periodEnd, 0.05));
    const issuedRun = await runBillingJobs(core.billing, 'test');
    expect(realErrors(issuedRun)).toEqual([]);
    expect(actionsFor(issuedRun, tenant.tenantCode)).toContain('invoice_issued');
    const invoices = await call(core, 'invoices:list', { ref: tenant.tenantCode });
    expect(invoices.rows).toHaveLength(1);
    const invoice = invoices.rows[0]!;
    expect(invoice.state).toBe('open');

    clock.set(addDays(new Date(invoice.dueAt!), 7.05));
    const failRun = await runBillingJobs(core.billing, 'test');
    expect(actionsFor(failRun, tenant.tenantCode)).toEqual(['grace_started', 'notice_sent']);
    expect((await billingRow(core, tenant.tenantCode)).grace_reason).toBe('invoice_overdue');
    const notice = smtp.messages.find((m) => m.to.includes(input.adminEmail) && /Payment needed/.test(m.subject));
    expect(notice?.decoded).toContain((invoice.totalCents / 100).toFixed(2));

    clock.advanceDays(7.05);
    const suspendRun = await runBillingJobs(core.billing, 'test');
    expect(actionsFor(suspendRun, tenant.tenantCode)).toEqual(['suspended', 'notice_sent']);
    expect((await billingRow(core, tenant.tenantCode)).status).toBe('suspended');
    expect((await call(core, 'backups:list', { ref: tenant.tenantCode })).some((b) => b.kind === 'pre-suspension')).toBe(true);

    await call(core, 'invoices:recordPayment', { id: invoice.id, amountCents: invoice.totalCents, method: 'bank transfer', reference: 'late payment' });
    const paidRun = await runBillingJobs(core.billing, 'test');
    expect(actionsFor(paidRun, tenant.tenantCode)).toEqual(['grace_cleared', 'reactivated', 'notice_sent']);
    expect(await billingRow(core, tenant.tenantCode)).toMatchObject({ status: 'active', suspended_by_billing: false, grace_reason: null });
    expect(actionsFor(await runBillingJobs(core.billing, 'test'), tenant.tenantCode)).toEqual([]);
  });
});
