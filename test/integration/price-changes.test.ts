/**
 * Announced price changes (issue 15): a plan's tenants on older versions moved to its current
 * version at a date, with a notice N days before — with the billing clock, real PostgreSQL
 * (embedded), a real SMTP server on loopback, the lifecycle job, and in Stripe mode the
 * tests' FAKE of Stripe's API (subscription schedules as Stripe documents them).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { addDays, ManualClock } from '../../src-main/billing/clock';
import { runBillingJobs } from '../../src-main/billing/lifecycle/run-billing-jobs';
import { call, callError, uniqueTenantInput } from '../support/core-calls';
import { runCliInProcess } from '../support/run-cli';
import { dropTestPlatform, embeddedTarget, openTestCore, operatorEnv, uniquePlatformDatabase } from '../support/servers';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture';
import { openStripeTestBed, type StripeTestBed } from '../support/stripe-billing-setup';
import { openClockCore, useSmtp } from './billing-lifecycle-fixtures';

const HOUR_MS = 3_600_000;

describe('announced price changes — manual billing, with the clock', () => {
  const platformDatabase = uniquePlatformDatabase('pricechg');
  const clock = new ManualClock(new Date('2031-03-03T10:00:00Z'));
  let url: string;
  let core: ConsoleCore;
  let smtp: SmtpCapture;
  const start = clock.now();
  const tenants: Record<string, { id: string; tenantCode: string; adminEmail: string; databaseName: string }> = {};
  const priceMails = () => smtp.messages.filter((m) => m.subject.startsWith('Starter: new price from'));
  const run = () => runBillingJobs(core.billing, 'test');
  const planOf = async (code: string) => (await call(core, 'tenants:get', { ref: code })).planVersion;

  beforeAll(async () => {
    url = embeddedTarget().url;
    core = await openClockCore(url, platformDatabase, clock);
    smtp = await startSmtpCapture();
    await useSmtp(core, smtp.port);
    for (const name of ['Alpha', 'Beta']) {
      const input = uniqueTenantInput('starter', `${name} Pricing`);
      const { tenant } = await call(core, 'tenants:create', input);
      tenants[name] = { id: tenant.id, tenantCode: tenant.tenantCode, adminEmail: input.adminEmail, databaseName: tenant.databaseName };
    }
    // The new price list: starter v2 at 59.00 (v1 is 49.00); new tenants get v2.
    await call(core, 'plans:update', { code: 'starter', priceCents: 5900 });
  });
  afterAll(async () => {
    await core?.close();
    await smtp?.close();
    await dropTestPlatform(url, platformDatabase);
  });

  it('previews each tenant on an older version with its old and new price (and the limits check)', async () => {
    const preview = await call(core, 'priceChanges:preview', { code: 'starter' });
    expect(preview).toMatchObject({ planCode: 'starter', toVersion: 2 });
    const alpha = preview.tenants.find((t) => t.tenantCode === tenants.Alpha!.tenantCode)!;
    expect(alpha).toMatchObject({
      from: { code: 'starter', version: 1 },
      to: { code: 'starter', version: 2 },
      fromPrice: { version: 1, priceCents: 4900, words: '49.00 USD per month' },
      toPrice: { version: 2, priceCents: 5900, words: '59.00 USD per month' },
      violations: [],
      problem: null,
    });
    expect(preview.tenants.map((t) => t.tenantCode).sort()).toEqual([tenants.Alpha!.tenantCode, tenants.Beta!.tenantCode].sort());
  });

  it('refuses a date that leaves no room for the notice, a past date, and a second open schedule for the plan', async () => {
    const late = await callError(core, 'priceChanges:schedule', { code: 'starter', at: addDays(start, 3).toISOString(), noticeDays: 7 });
    expect(late.code).toBe('VALIDATION');
    expect(late.message).toContain(`A 7-day notice would be due on ${addDays(start, -4).toISOString().slice(0, 10)}, which has passed: move on ${addDays(start, 7).toISOString().slice(0, 10)} or later`);
    const past = await callError(core, 'priceChanges:schedule', { code: 'starter', at: addDays(start, -1).toISOString(), noticeDays: 0 });
    expect(past.code).toBe('VALIDATION');
    expect(await call(core, 'priceChanges:list', {})).toEqual([]);
  });

  let scheduleId = '';
  const moveAt = addDays(start, 20);

  it('schedules the move; the notice goes out N days before, once (not resent on rerun), audited', async () => {
    const schedule = await call(core, 'priceChanges:schedule', { code: 'starter', at: moveAt.toISOString(), noticeDays: 7, reason: 'Price list 2031' });
    scheduleId = schedule.id;
    expect(schedule).toMatchObject({ planCode: 'starter', toVersion: 2, noticeDays: 7, noticeAt: addDays(moveAt, -7).toISOString(), state: 'scheduled', reason: 'Price list 2031' });
    expect(schedule.tenants.map((t) => [t.fromVersion, t.state, t.noticedAt])).toEqual([[1, 'pending', null], [1, 'pending', null]]);
    expect((await callError(core, 'priceChanges:schedule', { code: 'starter', at: addDays(start, 40).toISOString(), noticeDays: 7 })).code).toBe('CONFLICT');

    clock.set(addDays(moveAt, -7 - 1));
    await run();
    expect(priceMails()).toEqual([]);

    clock.set(new Date(addDays(moveAt, -7).getTime() + HOUR_MS));
    const noticed = await run();
    expect(noticed.errors).toEqual([]);
    expect(priceMails().map((m) => m.to[0]).sort()).toEqual([tenants.Alpha!.adminEmail, tenants.Beta!.adminEmail].sort());
    const mail = priceMails().find((m) => m.to.includes(tenants.Alpha!.adminEmail))!;
    expect(mail.subject).toBe(`Starter: new price from ${moveAt.toISOString().slice(0, 10)}`);
    expect(mail.decoded).toContain('59.00 USD per month');
    expect(mail.decoded).toContain('Until then you keep your current price: 49.00 USD per month.');
    const audit = await core.platform.pool.query(`SELECT 1 FROM audit_events WHERE action = 'billing:notice_sent' AND details::jsonb ->> 'kind' = 'price_change'`);
    expect(audit.rowCount).toBe(2);

    await run();
    clock.set(addDays(moveAt, -2));
    await run();
    expect(priceMails()).toHaveLength(2);
    expect(await planOf(tenants.Alpha!.tenantCode)).toBe(1);
    const listed = await call(core, 'priceChanges:list', { state: 'scheduled' });
    expect(listed[0]!.tenants.every((t) => t.noticedAt !== null && t.state === 'pending')).toBe(true);
  });

  it('applies the move at the date; a tenant whose move fails is reported and does not stop the other; the rerun finishes it', async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      // Beta's database refuses connections: its limits cannot be pushed, so its move fails.
      await admin.query(`ALTER DATABASE "${tenants.Beta!.databaseName}" ALLOW_CONNECTIONS false`);
      clock.set(new Date(moveAt.getTime() + HOUR_MS));
      const moved = await run();
      expect(moved.actions.filter((a) => a.kind === 'price_change_applied').map((a) => a.tenantCode)).toEqual([tenants.Alpha!.tenantCode]);
      expect(moved.errors).toMatchObject([{ step: 'price-changes', tenantCode: tenants.Beta!.tenantCode }]);
      expect(await planOf(tenants.Alpha!.tenantCode)).toBe(2);
      expect(await planOf(tenants.Beta!.tenantCode)).toBe(1);
      let schedule = (await call(core, 'priceChanges:list', {})).find((s) => s.id === scheduleId)!;
      expect(schedule.state).toBe('scheduled');
      expect(schedule.tenants.find((t) => t.tenantCode === tenants.Beta!.tenantCode)!.lastError).toMatch(/^Not moved yet: /);

      await admin.query(`ALTER DATABASE "${tenants.Beta!.databaseName}" ALLOW_CONNECTIONS true`);
      const rerun = await run();
      expect(rerun.errors).toEqual([]);
      expect(rerun.actions.filter((a) => a.kind === 'price_change_applied').map((a) => a.tenantCode)).toEqual([tenants.Beta!.tenantCode]);
      expect(await planOf(tenants.Beta!.tenantCode)).toBe(2);
      schedule = (await call(core, 'priceChanges:list', {})).find((s) => s.id === scheduleId)!;
      expect(schedule).toMatchObject({ state: 'done' });
      expect(schedule.tenants.map((t) => t.state)).toEqual(['moved', 'moved']);
      // Nothing more on a third run.
      const third = await run();
      expect(third.actions.filter((a) => a.kind === 'price_change_applied')).toEqual([]);
      expect(priceMails()).toHaveLength(2);
    } finally {
      await admin.query(`ALTER DATABASE "${tenants.Beta!.databaseName}" ALLOW_CONNECTIONS true`).catch(() => undefined);
      await admin.end();
    }
  });

  it('bills the period of the move at the old price until the date and the new one after (to the cent)', async () => {
    const { rows } = await core.platform.pool.query<{ current_period_start: Date; current_period_end: Date }>(
      'SELECT current_period_start, current_period_end FROM tenant_billing WHERE tenant_id = $1',
      [tenants.Alpha!.id],
    );
    const { current_period_start: periodStart, current_period_end: periodEnd } = rows[0]!;
    const elapsed = (moveAt.getTime() - periodStart.getTime()) / (periodEnd.getTime() - periodStart.getTime());
    const credit = Math.round((4900 - 5900) * elapsed);
    clock.set(new Date(periodEnd.getTime() + HOUR_MS));
    await run();
    const invoices = await call(core, 'invoices:list', { ref: tenants.Alpha!.tenantCode });
    const invoice = await call(core, 'invoices:get', { id: invoices.rows[0]!.id });
    expect(invoice.lines.map((l) => [l.kind, l.amountCents])).toEqual(expect.arrayContaining([['plan', 5900], ['proration', credit]]));
    expect(invoice.totalCents).toBe(5900 + credit);
  });

  it('a schedule canceled before its date sends no notice and moves nobody', async () => {
    await call(core, 'plans:update', { code: 'starter', priceCents: 6900 });
    const now = clock.now();
    const at = addDays(now, 15);
    const schedule = await call(core, 'priceChanges:schedule', { code: 'starter', at: at.toISOString(), noticeDays: 5 });
    const canceled = await call(core, 'priceChanges:cancel', { id: schedule.id });
    expect(canceled).toMatchObject({ state: 'canceled', canceledBy: expect.any(String) });
    expect((await callError(core, 'priceChanges:cancel', { id: schedule.id })).code).toBe('INVALID_STATE');
    const before = smtp.messages.length;
    clock.set(addDays(at, -5));
    await run();
    clock.set(new Date(at.getTime() + HOUR_MS));
    const after = await run();
    expect(after.actions.filter((a) => a.kind === 'price_change_applied')).toEqual([]);
    expect(smtp.messages.slice(before).filter((m) => m.subject.startsWith('Starter: new price'))).toEqual([]);
    expect(await planOf(tenants.Alpha!.tenantCode)).toBe(2);
    const notices = await core.platform.pool.query(`SELECT 1 FROM billing_notices WHERE idempotency_key LIKE $1`, [`price_change:${schedule.id}:%`]);
    expect(notices.rowCount).toBe(0);
  });
});

describe('announced price changes — Stripe mode, through subscription schedules (fake Stripe)', () => {
  let bed: StripeTestBed;
  beforeAll(async () => {
    bed = await openStripeTestBed(embeddedTarget().url, 'pricechgstripe');
    await call(bed.core, 'billing:updateSettings', { mode: 'stripe', stripeSecretKey: bed.key, stripeWebhookSecret: bed.webhookSecret });
  });
  afterAll(async () => bed?.close());

  const subscriptionOf = async (tenantId: string) => {
    const { rows } = await bed.core.billing.ctx.pool.query<{ stripe_subscription_id: string }>('SELECT stripe_subscription_id FROM tenant_billing WHERE tenant_id = $1', [tenantId]);
    return bed.fake.state.subscriptions.get(rows[0]!.stripe_subscription_id)!;
  };
  const priceIdOf = async (version: number) => {
    const { rows } = await bed.core.billing.ctx.pool.query<{ stripe_price_id: string }>(`SELECT stripe_price_id FROM stripe_prices WHERE plan_code = 'starter' AND plan_version = $1`, [version]);
    return rows[0]?.stripe_price_id;
  };

  it('schedules the new price at the date in Stripe; Stripe moves it, the job moves the plan; a canceled one is released and keeps the price', async () => {
    const moved = (await call(bed.core, 'tenants:create', uniqueTenantInput('starter', 'Stripe Moved'))).tenant;
    const kept = (await call(bed.core, 'tenants:create', uniqueTenantInput('starter', 'Stripe Kept'))).tenant;
    const oldPrice = (await subscriptionOf(moved.id)).priceId;
    await call(bed.core, 'plans:update', { code: 'starter', priceCents: 5900 });
    const at = addDays(bed.clock.now(), 10);
    const schedule = await call(bed.core, 'priceChanges:schedule', { code: 'starter', at: at.toISOString(), noticeDays: 0 });
    expect(schedule.tenants.every((t) => t.stripeScheduleId !== null && t.lastError === null)).toBe(true);
    const newPrice = await priceIdOf(2);
    const stripeSchedule = bed.fake.state.schedules.get(schedule.tenants.find((t) => t.tenantCode === moved.tenantCode)!.stripeScheduleId!)!;
    expect(stripeSchedule).toMatchObject({ status: 'active', endBehavior: 'release' });
    expect(stripeSchedule.phases.map((p) => [p.priceId, p.end])).toEqual([[oldPrice, Math.floor(at.getTime() / 1000)], [newPrice, null]]);
    // Stripe refuses a second schedule on the same subscription (documented: one schedule per subscription).
    await expect(bed.stripe.subscriptionSchedules.create({ from_subscription: stripeSchedule.subscription! })).rejects.toMatchObject({ statusCode: 400 });

    // One tenant is taken out: cancel the whole announcement, then announce again for the other only is not possible
    // (an announcement concerns the whole plan) — so cancel and reschedule, and move `kept` off the plan first.
    await call(bed.core, 'priceChanges:cancel', { id: schedule.id });
    expect(bed.fake.state.schedules.get(stripeSchedule.id)!.status).toBe('released');
    expect((await subscriptionOf(moved.id)).schedule).toBeNull();
    const keptSub = await subscriptionOf(kept.id);
    await call(bed.core, 'tenants:changePlan', { ref: kept.tenantCode, plan: 'professional', force: true, expectedVersion: (await call(bed.core, 'tenants:get', { ref: kept.tenantCode })).version });

    const again = await call(bed.core, 'priceChanges:schedule', { code: 'starter', at: at.toISOString(), noticeDays: 0 });
    expect(again.tenants.map((t) => t.tenantCode)).toEqual([moved.tenantCode]);
    bed.clock.set(new Date(at.getTime() + HOUR_MS));
    await bed.fake.tick();
    expect((await subscriptionOf(moved.id)).priceId).toBe(newPrice);
    const report = await runBillingJobs(bed.core.billing, 'test');
    expect(report.errors).toEqual([]);
    expect(report.actions.filter((a) => a.kind === 'price_change_applied').map((a) => a.tenantCode)).toEqual([moved.tenantCode]);
    expect((await call(bed.core, 'tenants:get', { ref: moved.tenantCode })).planVersion).toBe(2);
    expect((await call(bed.core, 'priceChanges:list', {})).find((s) => s.id === again.id)).toMatchObject({ state: 'done' });
    // The canceled announcement's schedule was released before the date: the kept subscription never saw the new price.
    expect(keptSub.priceId).not.toBe(newPrice);
  });
});

describe('tenantctl plan move --at, plan schedules, plan unschedule (--json)', () => {
  let url: string;
  let dataDir: string;
  let core: ConsoleCore;
  let operator: Record<string, string> = {};
  const platformDatabase = uniquePlatformDatabase('pricechgcli');
  const tenantctl = (...args: string[]) =>
    runCliInProcess(args, { TENANT_CONSOLE_DATABASE_URL: url, TENANT_CONSOLE_PLATFORM_DATABASE: platformDatabase, TENANT_CONSOLE_DATA_DIR: dataDir, ...operator });

  beforeAll(async () => {
    url = embeddedTarget().url;
    dataDir = await mkdtemp(join(tmpdir(), 'tc-pricechg-cli-'));
    core = await openTestCore(url, platformDatabase);
    operator = await operatorEnv(core);
    await call(core, 'tenants:create', uniqueTenantInput('professional', 'Cli Pricing'));
    await call(core, 'plans:update', { code: 'professional', priceCents: 24900 });
  });
  afterAll(async () => {
    await core?.close();
    await dropTestPlatform(url, platformDatabase);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('schedules with notices, lists and cancels, in snake_case JSON; refuses bad arguments with exit 2', async () => {
    const at = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const preview = await tenantctl('plan', 'move', 'professional', '--at', at, '--dry-run', '--json');
    expect(preview.code, preview.stderr).toBe(0);
    expect(JSON.parse(preview.stdout)).toMatchObject({ plan_code: 'professional', to_version: 2, tenants: [{ from_price: { price_cents: 19900 }, to_price: { price_cents: 24900 } }] });

    const scheduled = await tenantctl('plan', 'move', 'professional', '--at', at, '--notice-days', '14', '--json');
    expect(scheduled.code, scheduled.stderr).toBe(0);
    const schedule = JSON.parse(scheduled.stdout);
    expect(schedule).toMatchObject({ plan_code: 'professional', to_version: 2, move_at: `${at}T00:00:00.000Z`, notice_days: 14, state: 'scheduled', tenants: [{ from_version: 1, state: 'pending', noticed_at: null }] });

    const listed = await tenantctl('plan', 'schedules', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ schedules: [{ id: schedule.id, state: 'scheduled' }] });
    const text = await tenantctl('plan', 'schedules');
    expect(text.stdout).toContain(schedule.id);

    const canceled = await tenantctl('plan', 'unschedule', schedule.id, '--json');
    expect(canceled.code, canceled.stderr).toBe(0);
    expect(JSON.parse(canceled.stdout)).toMatchObject({ id: schedule.id, state: 'canceled' });

    const noDays = await tenantctl('plan', 'move', 'professional', '--at', at);
    expect(noDays.code).toBe(2);
    expect(noDays.stderr).toContain('--at needs --notice-days N');
    const badDate = await tenantctl('plan', 'move', 'professional', '--at', 'next tuesday', '--notice-days', '3');
    expect(badDate.code).not.toBe(0);
    expect(badDate.stderr).toContain('Give an ISO date');
  });
});
