/**
 * Billing's suspension intent (crash safety), in manual mode against real PostgreSQL
 * (embedded), real backups and a real SMTP server on loopback, time moved by a ManualClock.
 * A crash is simulated by doing by hand what the grace-expiry step does up to the crash.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRunReport } from '../../src-shared/contract/billing-models';
import { addDays, ManualClock } from '../../src-main/billing/clock';
import { runBillingJobs } from '../../src-main/billing/lifecycle/run-billing-jobs';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { changeTenantStatus } from '../../src-main/tenants/status-change';
import { call, uniqueTenantInput } from '../support/core-calls';
import { dropTestPlatform, embeddedTarget, uniquePlatformDatabase } from '../support/servers';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture';
import { actionsFor, billingRow, insertOpenInvoice, markInvoicePaid, openClockCore, useSmtp } from './billing-lifecycle-fixtures';

describe("billing's suspension intent", () => {
  const platformDatabase = uniquePlatformDatabase('susp-intent');
  const clock = new ManualClock(new Date());
  let url: string;
  let core: ConsoleCore;
  let smtp: SmtpCapture;
  let folder: string;

  const run = () => runBillingJobs(core.billing, 'test');
  const intent = async (tenantId: string) =>
    (
      await core.platform.pool.query<{ suspension_intent_version: number | null; suspension_intent_reason: string | null; last_error: string | null }>(
        'SELECT suspension_intent_version, suspension_intent_reason, last_error FROM tenant_billing WHERE tenant_id = $1',
        [tenantId],
      )
    ).rows[0]!;
  /** A starter tenant whose overdue invoice's grace period is over now: the next run suspends it. */
  const tenantDueForSuspension = async (company: string) => {
    clock.set(new Date());
    const input = uniqueTenantInput('starter', company);
    const { tenant } = await call(core, 'tenants:create', input);
    const invoice = await insertOpenInvoice(core, tenant.id, addDays(clock.now(), -20));
    await core.platform.pool.query(`UPDATE tenant_billing SET grace_reason = 'invoice_overdue', grace_started_at = $2, grace_ends_at = $3 WHERE tenant_id = $1`, [
      tenant.id,
      addDays(clock.now(), -8),
      addDays(clock.now(), -1),
    ]);
    return { id: tenant.id, code: tenant.tenantCode, invoice };
  };
  const lifecycle = (report: JobRunReport, code: string) => actionsFor(report, code).filter((kind) => kind !== 'notice_sent');

  beforeAll(async () => {
    url = embeddedTarget().url;
    core = await openClockCore(url, platformDatabase, clock);
    smtp = await startSmtpCapture();
    await useSmtp(core, smtp.port);
    folder = await mkdtemp(join(tmpdir(), 'tc-susp-intent-'));
    await call(core, 'backups:updateSettings', { directory: join(folder, 'backups') });
    await mkdir(join(folder, 'backups'));
  });
  afterAll(async () => {
    await core?.close();
    await smtp?.close();
    await dropTestPlatform(url, platformDatabase);
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('a suspension whose backup fails leaves no mark: the tenant stays active and the flag clear; the next run suspends it', async () => {
    const t = await tenantDueForSuspension('Backup Fails');
    // The backup folder is a file now: the pre-suspension backup cannot be written.
    await rm(join(folder, 'backups'), { recursive: true, force: true });
    await writeFile(join(folder, 'backups'), 'not a folder');
    try {
      const failed = await run();
      expect(failed.errors).toEqual([expect.objectContaining({ step: 'grace-expiry', tenantCode: t.code })]);
      expect(lifecycle(failed, t.code)).toEqual([]);
      expect(await billingRow(core, t.code)).toMatchObject({ status: 'active', suspended_by_billing: false });
      const after = await intent(t.id);
      expect(after).toMatchObject({ suspension_intent_version: null, suspension_intent_reason: null });
      expect(after.last_error).toMatch(/^Billing suspension: .*was not suspended/);
    } finally {
      await rm(join(folder, 'backups'), { force: true });
      await mkdir(join(folder, 'backups'));
    }
    const retried = await run();
    expect(retried.errors).toEqual([]);
    expect(lifecycle(retried, t.code)).toEqual(['suspended']);
    expect(await billingRow(core, t.code)).toMatchObject({ status: 'suspended', suspended_by_billing: true });
    expect(await intent(t.id)).toMatchObject({ suspension_intent_version: null });
  });

  it('a crash between the suspension and its mark: the intent is recognised, and a payment reactivates the tenant', async () => {
    const t = await tenantDueForSuspension('Crashed Suspension');
    const row = await billingRow(core, t.code);
    const reason = 'Billing: invoice overdue, grace period over';
    // What the grace-expiry step does before it crashes: the intent, then the suspension; no flag.
    await core.platform.pool.query('UPDATE tenant_billing SET suspension_intent_version = $2, suspension_intent_reason = $3 WHERE tenant_id = $1', [t.id, row.version, reason]);
    await changeTenantStatus(core.billing.ctx, 'suspend', { ref: t.code, expectedVersion: row.version, reason });
    expect(await billingRow(core, t.code)).toMatchObject({ status: 'suspended', suspended_by_billing: false });

    await markInvoicePaid(core, t.invoice, clock.now());
    const report = await run();
    expect(report.errors).toEqual([]);
    expect(lifecycle(report, t.code)).toEqual(['suspended', 'grace_cleared', 'reactivated']);
    const kinds = await core.platform.pool.query<{ kind: string }>("SELECT kind FROM billing_notices WHERE tenant_id = $1 AND kind IN ('suspended', 'reactivated') ORDER BY created_at", [t.id]);
    expect(kinds.rows.map((r) => r.kind)).toEqual(['suspended', 'reactivated']);
    expect(await billingRow(core, t.code)).toMatchObject({ status: 'active', suspended_by_billing: false, grace_reason: null });
    expect(await intent(t.id)).toMatchObject({ suspension_intent_version: null });
    expect(lifecycle(await run(), t.code)).toEqual([]);
  });

  it('a crash before the suspension: the next run suspends as usual; an intent left behind never adopts an operator\'s suspension', async () => {
    const a = await tenantDueForSuspension('Crash Before');
    const rowA = await billingRow(core, a.code);
    await core.platform.pool.query('UPDATE tenant_billing SET suspension_intent_version = $2, suspension_intent_reason = $3 WHERE tenant_id = $1', [
      a.id,
      rowA.version,
      'Billing: invoice overdue, grace period over',
    ]);
    expect(lifecycle(await run(), a.code)).toEqual(['suspended']);
    expect(await billingRow(core, a.code)).toMatchObject({ status: 'suspended', suspended_by_billing: true });

    const b = await tenantDueForSuspension('Crash Then Operator');
    const rowB = await billingRow(core, b.code);
    await core.platform.pool.query('UPDATE tenant_billing SET suspension_intent_version = $2, suspension_intent_reason = $3 WHERE tenant_id = $1', [
      b.id,
      rowB.version,
      'Billing: invoice overdue, grace period over',
    ]);
    await call(core, 'tenants:suspend', { ref: b.code, expectedVersion: rowB.version, reason: 'Operator: abuse report', backupFirst: false });
    await markInvoicePaid(core, b.invoice, clock.now());
    expect(lifecycle(await run(), b.code)).toEqual(['grace_cleared']);
    expect(await billingRow(core, b.code)).toMatchObject({ status: 'suspended', suspended_by_billing: false });
    expect(await intent(b.id)).toMatchObject({ suspension_intent_version: null });
  });

  it("an operator who re-suspends a tenant billing suspended (after activating it by hand) keeps that suspension after payment", async () => {
    const t = await tenantDueForSuspension('Operator Resuspends');
    expect(lifecycle(await run(), t.code)).toEqual(['suspended']);
    let row = await billingRow(core, t.code);
    await call(core, 'tenants:activate', { ref: t.code, expectedVersion: row.version });
    expect(lifecycle(await run(), t.code)).toEqual([]); // billing does not suspend twice in one episode
    row = await billingRow(core, t.code);
    await call(core, 'tenants:suspend', { ref: t.code, expectedVersion: row.version, reason: 'Operator: audit hold', backupFirst: false });

    await markInvoicePaid(core, t.invoice, clock.now());
    expect(lifecycle(await run(), t.code)).toEqual(['grace_cleared']);
    expect(await billingRow(core, t.code)).toMatchObject({ status: 'suspended', suspended_by_billing: false, grace_reason: null });
  });
});
