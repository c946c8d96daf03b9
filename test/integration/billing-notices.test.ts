import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/billing/clock';
import { runBillingJobs } from '../../src-main/billing/lifecycle/run-billing-jobs';
import { messageIdFor } from '../../src-main/billing/notices/mailer';
import { loadNoticeFacts } from '../../src-main/billing/notices/notice-facts';
import { renderNotice, type LifecycleNoticeKind } from '../../src-main/billing/notices/notice-templates';
import { sendNoticeOnce } from '../../src-main/billing/notices/send-notice';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { call, callError, uniqueTenantInput } from '../support/core-calls';
import { dropTestPlatform, embeddedTarget, uniquePlatformDatabase } from '../support/servers';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture';
import { actionsFor, openClockCore, realErrors, useSmtp } from './billing-lifecycle-fixtures';

const FROM = 'Your ERP Billing <billing@yourerp.test>';
const KINDS: LifecycleNoticeKind[] = ['welcome', 'trial_ending', 'trial_ended', 'payment_failed', 'suspended', 'reactivated', 'limit_warning', 'limit_reached'];

/** E-mail notices through a real SMTP server on loopback (smtp-server), real PostgreSQL (embedded). */
describe('billing e-mail notices', () => {
  const platformDatabase = uniquePlatformDatabase('notices');
  const clock = new ManualClock(new Date());
  let url: string;
  let core: ConsoleCore;
  let smtp: SmtpCapture;

  const createTenant = async (plan: string, company: string) => {
    const input = uniqueTenantInput(plan, company);
    const created = await call(core, 'tenants:create', input);
    return { ...created.tenant, adminEmail: input.adminEmail, subdomain: input.subdomain, credentials: created.credentials };
  };

  beforeAll(async () => {
    url = embeddedTarget().url;
    core = await openClockCore(url, platformDatabase, clock);
    smtp = await startSmtpCapture();
  });
  afterAll(async () => {
    await core?.close();
    await smtp?.close();
    await dropTestPlatform(url, platformDatabase);
  });

  it("renders every template with the tenant's company, plan and sign-in URL — and never its credentials", async () => {
    const tenant = await createTenant('trial', "Template & Co's");
    await core.platform.pool.query(`UPDATE tenant_billing SET grace_reason = 'trial_ended', grace_started_at = now(), grace_ends_at = now() + interval '7 days' WHERE tenant_id = $1`, [tenant.id]);
    const facts = await loadNoticeFacts(core.platform.pool, tenant.id);
    expect(facts.signInUrl).toBe(`https://${tenant.subdomain}.yourerp.com`);
    const secrets = [tenant.credentials.password, tenant.credentials.user, tenant.credentials.database, tenant.databaseName, tenant.dbRole];
    for (const kind of KINDS) {
      const notice = renderNotice(kind, facts, { resource: 'users', current: 3, limit: 3, percent: 100 });
      expect(notice.subject.length, kind).toBeGreaterThan(5);
      expect(notice.text, kind).toContain("Template & Co's");
      expect(notice.text, kind).toContain(facts.signInUrl);
      expect(notice.html, kind).toContain('Template &amp; Co&#39;s'); // escaped in HTML
      expect(notice.html, kind).not.toContain("Co's");
      for (const secret of secrets) {
        for (const part of [notice.subject, notice.text, notice.html]) expect(part, `${kind} leaks a credential`).not.toContain(secret);
      }
    }
  });

  it('without SMTP a notice waits as pending (no run error); once SMTP is set the next run sends it', async () => {
    await useSmtp(core, null);
    const tenant = await createTenant('starter', 'Pending Mail');
    const first = await runBillingJobs(core.billing, 'test');
    expect(realErrors(first)).toEqual([]);
    expect(actionsFor(first, tenant.tenantCode)).toEqual([]);
    let notices = await call(core, 'billing:notices', { ref: tenant.tenantCode });
    expect(notices).toMatchObject([{ kind: 'welcome', state: 'pending', attempts: 0, lastError: 'SMTP is not configured', recipient: tenant.adminEmail }]);

    await useSmtp(core, smtp.port);
    const second = await runBillingJobs(core.billing, 'test');
    expect(actionsFor(second, tenant.tenantCode)).toEqual(['notice_sent']);
    expect(second.actions.find((a) => a.tenantCode === tenant.tenantCode)?.detail).toMatch(/\(retry\)$/);
    notices = await call(core, 'billing:notices', { ref: tenant.tenantCode });
    expect(notices).toMatchObject([{ kind: 'welcome', state: 'sent', attempts: 1, lastError: null }]);
    expect(smtp.messages.filter((m) => m.to.includes(tenant.adminEmail)).map((m) => m.messageId)).toEqual([messageIdFor(`welcome:${tenant.id}`, FROM)]);
  });

  it('sends once per key with a Message-ID derived from the key; a refused message is failed, audited and retried', async () => {
    await useSmtp(core, smtp.port);
    const tenant = await createTenant('starter', 'Once Only');
    const input = { idempotencyKey: `custom:${tenant.id}`, tenantId: tenant.id, kind: 'welcome' as const, recipient: tenant.adminEmail, subject: 'Hello once', text: 'Hello.' };
    expect(await sendNoticeOnce(core.billing, input)).toMatchObject({ state: 'sent', messageId: messageIdFor(input.idempotencyKey, FROM) });
    expect(await sendNoticeOnce(core.billing, input)).toEqual({ state: 'exists' });
    expect(smtp.messages.filter((m) => m.subject === 'Hello once')).toHaveLength(1);

    smtp.refuseWith('Mailbox unavailable');
    try {
      const refused = await sendNoticeOnce(core.billing, { ...input, idempotencyKey: `limit_warning:${tenant.id}:users:2099-01`, kind: 'limit_warning', subject: 'Refused' });
      expect(refused).toMatchObject({ state: 'failed' });
      const notices = await call(core, 'billing:notices', { ref: tenant.tenantCode });
      expect(notices.find((n) => n.subject === 'Refused')).toMatchObject({ state: 'failed', attempts: 1 });
      expect(notices.find((n) => n.subject === 'Refused')?.lastError).toMatch(/Mailbox unavailable/);
      const failed = await call(core, 'audit:list', { source: 'local', action: 'billing:notice_failed', tenant: tenant.tenantCode });
      expect(failed.rows).toHaveLength(1);
    } finally {
      smtp.refuseWith(null);
    }
    const retry = await runBillingJobs(core.billing, 'test');
    expect(retry.actions.filter((a) => a.tenantCode === tenant.tenantCode).map((a) => a.detail)).toContain(`limit_warning to ${tenant.adminEmail} (retry)`);
    const sent = await call(core, 'audit:list', { source: 'local', action: 'billing:notice_sent', tenant: tenant.tenantCode });
    expect(sent.rows.length).toBeGreaterThanOrEqual(2);
  });

  it('limit notices: warning at the threshold and reached at 100 %, per resource, once per calendar month', async () => {
    await useSmtp(core, smtp.port);
    // This month and the next, as the clock sees them; the tenant's paid period covers both (no invoice in between).
    const now = new Date();
    clock.set(now);
    const month = now.toISOString().slice(0, 7);
    const nextMonthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 1));
    const nextMonth = nextMonthStart.toISOString().slice(0, 7);
    const tenant = await createTenant('starter', 'Near Limits'); // starter: 1 company, 5 users per company, 1,000 transactions a month
    await core.platform.pool.query(`UPDATE tenant_billing SET current_period_end = $2::timestamptz + interval '1 year' WHERE tenant_id = $1`, [tenant.id, now]);
    await core.platform.pool.query(
      `INSERT INTO tenant_usage (tenant_id, usage_date, companies, users_total, largest_company_users, month_start, transactions_month)
       VALUES ($1, $2::date, 1, 4, 4, $3::date, 500)`,
      [tenant.id, now.toISOString().slice(0, 10), `${month}-01`],
    );
    const first = await runBillingJobs(core.billing, 'test');
    expect(realErrors(first)).toEqual([]);
    const subjects = smtp.messages.filter((m) => m.to.includes(tenant.adminEmail)).map((m) => m.subject);
    expect(subjects).toEqual(expect.arrayContaining([expect.stringMatching(/reached its companies limit/), expect.stringMatching(/used 80% of its users in a company limit/)]));
    expect(subjects.some((s) => /transactions/.test(s))).toBe(false);
    const keys = (await call(core, 'billing:notices', { ref: tenant.tenantCode })).map((n) => n.idempotencyKey).filter((key) => key.startsWith('limit_')).sort();
    expect(keys).toEqual([`limit_reached:${tenant.id}:companies:${month}`, `limit_warning:${tenant.id}:users:${month}`]);
    expect(actionsFor(await runBillingJobs(core.billing, 'test'), tenant.tenantCode)).toEqual([]);

    // A new month: the same figures warn again, the old month's transaction count does not.
    clock.set(nextMonthStart);
    await core.platform.pool.query(`UPDATE tenant_usage SET transactions_month = 990 WHERE tenant_id = $1`, [tenant.id]);
    const next = await runBillingJobs(core.billing, 'test');
    expect(actionsFor(next, tenant.tenantCode)).toEqual(['notice_sent', 'notice_sent']);
    const nextKeys = (await call(core, 'billing:notices', { ref: tenant.tenantCode })).map((n) => n.idempotencyKey).filter((key) => key.endsWith(nextMonth));
    expect(nextKeys.sort()).toEqual([`limit_reached:${tenant.id}:companies:${nextMonth}`, `limit_warning:${tenant.id}:users:${nextMonth}`]);
    clock.set(new Date());
  });

  it('billing:testEmail sends through the SMTP settings and refuses clearly without them', async () => {
    await useSmtp(core, smtp.port);
    const { messageId } = await call(core, 'billing:testEmail', { to: 'ops@example.com' });
    const message = smtp.messages.find((m) => m.messageId === messageId);
    expect(message?.to).toEqual(['ops@example.com']);
    expect(message?.subject).toMatch(/test e-mail/);
    const fleet = await call(core, 'billing:notices', {});
    expect(fleet.some((n) => n.kind === 'test' && n.state === 'sent' && n.tenantCode === null)).toBe(true);

    await useSmtp(core, null);
    const error = await callError(core, 'billing:testEmail', { to: 'ops@example.com' });
    expect(error).toMatchObject({ code: 'INVALID_STATE' });
    expect(error.message).toMatch(/SMTP is not configured/);
  });
});
