import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRunReport } from '../../src-shared/contract/billing-models';
import { addDays, ManualClock } from '../../src-main/billing/clock';
import { BillingScheduler } from '../../src-main/billing/lifecycle/billing-scheduler';
import { runBillingJobs } from '../../src-main/billing/lifecycle/run-billing-jobs';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { call, uniqueTenantInput } from '../support/core-calls';
import { dropTestPlatform, embeddedTarget, uniquePlatformDatabase } from '../support/servers';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture';
import { actionsFor, billingRow, insertOpenInvoice, markInvoicePaid, openClockCore, realErrors, useSmtp } from './billing-lifecycle-fixtures';

/**
 * The billing lifecycle against real PostgreSQL (embedded), real backups and a real SMTP
 * server on loopback, in manual billing mode, with time moved by a ManualClock.
 */
describe('billing lifecycle jobs', () => {
  const platformDatabase = uniquePlatformDatabase('lifecycle');
  const clock = new ManualClock(new Date());
  let url: string;
  let core: ConsoleCore;
  let smtp: SmtpCapture;
  let folder: string;

  const run = async (): Promise<JobRunReport> => {
    const report = await runBillingJobs(core.billing, 'test');
    expect(report.ran).toBe(true);
    expect(realErrors(report)).toEqual([]);
    return report;
  };
  const mailsTo = (email: string) => smtp.messages.filter((message) => message.to.includes(email));
  const passwords: string[] = [];
  const createTenant = async (plan: string, company: string) => {
    const input = uniqueTenantInput(plan, company);
    const created = await call(core, 'tenants:create', input);
    passwords.push(created.credentials.password);
    return { ...created.tenant, adminEmail: input.adminEmail, password: created.credentials.password };
  };
  const setTrialEnd = (tenantId: string, at: Date) => core.platform.pool.query('UPDATE tenants SET trial_ends_at = $2 WHERE id = $1', [tenantId, at]);
  const setPaymentMethod = (tenantId: string) =>
    core.platform.pool.query(`UPDATE tenant_billing SET payment_method_present = true, payment_method_label = 'visa •••• 4242' WHERE tenant_id = $1`, [tenantId]);

  beforeAll(async () => {
    url = embeddedTarget().url;
    core = await openClockCore(url, platformDatabase, clock);
    smtp = await startSmtpCapture();
    await useSmtp(core, smtp.port);
    folder = await mkdtemp(join(tmpdir(), 'tc-billing-lifecycle-'));
    await call(core, 'backups:updateSettings', { directory: folder });
  });
  afterAll(async () => {
    await core?.close();
    await smtp?.close();
    await dropTestPlatform(url, platformDatabase);
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('sends the trial-ending notice once, then converts a trial with a payment method to starter (limits pushed)', async () => {
    clock.set(new Date());
    const tenant = await createTenant('trial', 'Convert Me');
    await setTrialEnd(tenant.id, addDays(clock.now(), 2));
    await setPaymentMethod(tenant.id);

    const first = await run();
    expect(actionsFor(first, tenant.tenantCode)).toEqual(['notice_sent']); // trial ending (the welcome went out at create)
    expect(mailsTo(tenant.adminEmail).map((m) => m.subject).join('\n')).toMatch(/Your trial ends on/);
    expect(actionsFor(await run(), tenant.tenantCode)).toEqual([]);

    const at = clock.advanceDays(3);
    const converted = await run();
    expect(actionsFor(converted, tenant.tenantCode)).toEqual(['trial_converted']);
    const row = await billingRow(core, tenant.tenantCode);
    expect(row).toMatchObject({ plan_code: 'starter', state: 'active', grace_reason: null, status: 'active' });
    expect(row.current_period_start?.toISOString()).toBe(at.toISOString());
    const detail = await call(core, 'tenants:get', { ref: tenant.tenantCode });
    expect(detail.plan).toBe('starter');
    // The starter limits were pushed into the tenant database by the plan change.
    const { rows } = await core.platform.pool.query<{ limits_pushed_at: Date | null }>('SELECT limits_pushed_at FROM tenants WHERE id = $1', [tenant.id]);
    expect(rows[0]!.limits_pushed_at).not.toBeNull();
    expect(actionsFor(await run(), tenant.tenantCode)).toEqual([]);
  });

  it('trial without payment method → grace + notice → suspended with a backup first → payment method → converted and reactivated', async () => {
    clock.set(new Date());
    const tenant = await createTenant('trial', 'Grace Trial');
    await setTrialEnd(tenant.id, addDays(clock.now(), -0.01));

    const graceRun = await run();
    expect(actionsFor(graceRun, tenant.tenantCode)).toEqual(['grace_started', 'notice_sent']); // trial ended (the welcome went out at create)
    let row = await billingRow(core, tenant.tenantCode);
    expect(row.grace_reason).toBe('trial_ended');
    expect(row.grace_ends_at?.toISOString()).toBe(addDays(clock.now(), 7).toISOString());
    expect(mailsTo(tenant.adminEmail).some((m) => /Your trial has ended/.test(m.subject))).toBe(true);

    clock.advanceDays(3);
    expect(actionsFor(await run(), tenant.tenantCode)).toEqual([]); // a running grace period is not restarted

    clock.advanceDays(5);
    const suspendRun = await run();
    expect(actionsFor(suspendRun, tenant.tenantCode)).toEqual(['suspended', 'notice_sent']);
    row = await billingRow(core, tenant.tenantCode);
    expect(row).toMatchObject({ status: 'suspended', suspended_by_billing: true });
    const backups = await call(core, 'backups:list', { ref: tenant.tenantCode });
    expect(backups.some((backup) => backup.kind === 'pre-suspension' && backup.verifiedAt !== null)).toBe(true);
    expect(mailsTo(tenant.adminEmail).some((m) => /is suspended/.test(m.subject))).toBe(true);
    expect(actionsFor(await run(), tenant.tenantCode)).toEqual([]);

    await setPaymentMethod(tenant.id);
    const paidRun = await run();
    expect(actionsFor(paidRun, tenant.tenantCode)).toEqual(['trial_converted', 'reactivated', 'notice_sent']);
    row = await billingRow(core, tenant.tenantCode);
    expect(row).toMatchObject({ status: 'active', suspended_by_billing: false, grace_reason: null, plan_code: 'starter', state: 'active' });
    expect(mailsTo(tenant.adminEmail).some((m) => /active again/.test(m.subject))).toBe(true);
    expect(actionsFor(await run(), tenant.tenantCode)).toEqual([]);
  });

  it('an overdue manual invoice → payment-failed notice → grace → suspension → payment → reactivated', async () => {
    clock.set(new Date());
    const tenant = await createTenant('starter', 'Overdue Payer');
    const invoice = await insertOpenInvoice(core, tenant.id, addDays(clock.now(), -8), 4900);

    const failRun = await run();
    expect(actionsFor(failRun, tenant.tenantCode)).toEqual(['grace_started', 'notice_sent']); // payment failed (the welcome went out at create)
    expect((await billingRow(core, tenant.tenantCode)).grace_reason).toBe('invoice_overdue');
    const notice = mailsTo(tenant.adminEmail).find((m) => /Payment needed/.test(m.subject));
    expect(notice?.decoded).toContain('49.00 USD');

    clock.advanceDays(7.5);
    expect(actionsFor(await run(), tenant.tenantCode)).toEqual(['suspended', 'notice_sent']);
    expect((await billingRow(core, tenant.tenantCode)).status).toBe('suspended');

    await markInvoicePaid(core, invoice, clock.now());
    expect(actionsFor(await run(), tenant.tenantCode)).toEqual(['grace_cleared', 'reactivated', 'notice_sent']);
    expect(await billingRow(core, tenant.tenantCode)).toMatchObject({ status: 'active', suspended_by_billing: false, grace_reason: null });
  });

  it("never lifts an operator's suspension, even when the billing cause is gone", async () => {
    clock.set(new Date());
    const tenant = await createTenant('starter', 'Operator Hold');
    const invoice = await insertOpenInvoice(core, tenant.id, addDays(clock.now(), -8));
    expect(actionsFor(await run(), tenant.tenantCode)).toContain('grace_started');

    const current = await call(core, 'tenants:get', { ref: tenant.tenantCode });
    await call(core, 'tenants:suspend', { ref: tenant.tenantCode, expectedVersion: current.version, reason: 'Operator: abuse report', backupFirst: false });
    clock.advanceDays(8);
    expect(actionsFor(await run(), tenant.tenantCode)).toEqual([]); // already suspended by the operator: billing does not suspend it again

    await markInvoicePaid(core, invoice, clock.now());
    expect(actionsFor(await run(), tenant.tenantCode)).toEqual(['grace_cleared']);
    expect(await billingRow(core, tenant.tenantCode)).toMatchObject({ status: 'suspended', suspended_by_billing: false, grace_reason: null });
  });

  it('audits every notice and action, and no message ever carries a password or database credentials', async () => {
    const sent = await call(core, 'audit:list', { source: 'local', action: 'billing:notice_sent', limit: 500 });
    expect(sent.rows.length).toBe(smtp.messages.length);
    const suspended = await call(core, 'audit:list', { source: 'local', action: 'billing:suspended', limit: 50 });
    expect(suspended.rows.length).toBe(2); // the two billing suspensions above (the operator's is not billing's)
    const { rows } = await core.platform.pool.query<{ database_name: string; db_role: string }>('SELECT database_name, db_role FROM tenants');
    expect(smtp.messages.length).toBeGreaterThan(10);
    for (const message of smtp.messages) {
      for (const tenant of rows) {
        expect(message.decoded).not.toContain(tenant.database_name);
        expect(message.decoded).not.toContain(tenant.db_role);
      }
      for (const password of passwords) expect(message.decoded).not.toContain(password);
      expect(message.decoded).not.toMatch(/password\s*[:=]/i);
    }
    // Each notice key went out once, and every one was sent.
    const keys = await core.platform.pool.query<{ state: string; n: number }>(`SELECT state, count(*)::int AS n FROM billing_notices GROUP BY state`);
    expect(keys.rows).toEqual([{ state: 'sent', n: smtp.messages.length }]);
    expect(new Set(smtp.messages.map((m) => m.messageId)).size).toBe(smtp.messages.length);
  });
  it('the same run twice: the second does nothing; a runner that finds the lock taken does nothing at once', async () => {
    await run();
    const second = await run();
    expect(second.actions).toEqual([]);
    expect(second.counts).toEqual({});

    const holder = await core.platform.pool.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1, $2)', [0x7c01, 12]);
      const started = performance.now();
      const locked = await runBillingJobs(core.billing, 'test');
      expect(locked).toMatchObject({ ran: false, outcome: 'locked', runId: null, actions: [] });
      expect(performance.now() - started).toBeLessThan(2_000);
      await holder.query('SELECT pg_advisory_unlock($1, $2)', [0x7c01, 12]);
    } finally {
      holder.release();
    }
    const runs = await call(core, 'billing:jobRuns', { limit: 5 });
    expect(runs[0]).toMatchObject({ trigger: 'test', clockAt: clock.now().toISOString(), actionCount: 0 });
  });

  it('the scheduler runs the same job (trigger schedule), audits it as billing:runJobs and stops cleanly', async () => {
    const scheduler = new BillingScheduler(core.billing, { startDelayMs: 60_000, intervalMs: 60_000 });
    scheduler.start();
    const report = await scheduler.runOnce();
    expect(report.ran).toBe(true);
    await scheduler.stop();
    const runs = await call(core, 'billing:jobRuns', { limit: 1 });
    expect(runs[0]).toMatchObject({ id: report.runId, trigger: 'schedule' });
    const audited = await call(core, 'audit:list', { source: 'local', action: 'billing:runJobs', limit: 5 });
    expect(audited.rows[0]?.details).toContain(report.runId!);
    expect(audited.rows[0]?.details).toContain('"trigger":"schedule"');
  });

  it('two runners at once (two consoles on one platform) act exactly once', async () => {
    clock.set(new Date());
    const other = await openClockCore(url, platformDatabase, clock, 'b');
    try {
      // Counted from before the creates: their welcomes go out at create.
      const before = smtp.messages.length;
      const ending = await createTenant('trial', 'Race Ending');
      await setTrialEnd(ending.id, addDays(clock.now(), 1));
      const converting = await createTenant('trial', 'Race Convert');
      await setTrialEnd(converting.id, addDays(clock.now(), -0.01));
      await setPaymentMethod(converting.id);
      const overdue = await createTenant('starter', 'Race Overdue');
      await insertOpenInvoice(core, overdue.id, addDays(clock.now(), -8));
      await core.platform.pool.query(
        `UPDATE tenant_billing SET grace_reason = 'invoice_overdue', grace_started_at = $2, grace_ends_at = $3 WHERE tenant_id = $1`,
        [overdue.id, addDays(clock.now(), -8), addDays(clock.now(), -1)],
      );

      const reports = await Promise.all([runBillingJobs(core.billing, 'test'), runBillingJobs(other.billing, 'test')]);
      for (const report of reports) expect(realErrors(report)).toEqual([]);
      const actions = reports.flatMap((report) => report.actions);
      const ours = new Set([ending.tenantCode, converting.tenantCode, overdue.tenantCode]);
      const kinds = (code: string) => actions.filter((a) => a.tenantCode === code).map((a) => a.kind).sort();
      expect(kinds(ending.tenantCode)).toEqual(['notice_sent']); // trial ending (welcomes went out at create)
      expect(kinds(converting.tenantCode)).toEqual(['trial_converted']);
      expect(kinds(overdue.tenantCode)).toEqual(['notice_sent', 'suspended']); // the suspended notice
      // Each message once: Message-IDs are unique among what the SMTP server received.
      const ids = smtp.messages.slice(before).map((m) => m.messageId);
      expect(new Set(ids).size).toBe(ids.length);
      // Each notice row once, and exactly the messages the SMTP server received for these tenants.
      const { rows } = await core.platform.pool.query<{ recipient: string }>(`SELECT recipient FROM billing_notices WHERE tenant_id = ANY($1::uuid[])`, [
        [ending.id, converting.id, overdue.id],
      ]);
      const emails = new Set([ending.adminEmail, converting.adminEmail, overdue.adminEmail]);
      expect(rows.length).toBe(smtp.messages.slice(before).filter((m) => m.to.some((to) => emails.has(to))).length);
      expect([...ours].every((code) => actions.some((a) => a.tenantCode === code))).toBe(true);
    } finally {
      await other.close();
    }
  });

});
