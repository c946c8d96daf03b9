import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { runTenantctl } from '../support/cli';
import { runCliInProcess } from '../support/run-cli';
import { call, uniqueTenantInput } from '../support/core-calls';
import { dropTestPlatform, embeddedTarget, openTestCore, uniquePlatformDatabase, operatorEnv } from '../support/servers';
import { pdfText } from './billing-invoices-pdf-text';

/** `tenantctl invoices …` spawned as an operator or cron would run it, on a real platform database, with a pinned clock. */
describe('tenantctl invoices', () => {
  let url: string;
  let dataDir: string;
  let core: ConsoleCore;
  let operator: Record<string, string> = {};
  const platformDatabase = uniquePlatformDatabase('invcli');
  const env = (now: string) => ({
    TENANT_CONSOLE_DATABASE_URL: url,
    TENANT_CONSOLE_PLATFORM_DATABASE: platformDatabase,
    TENANT_CONSOLE_DATA_DIR: dataDir, ...operator,
    TENANT_CONSOLE_NOW: now,
  });
  const tenantctl = (now: string, ...args: string[]) => runCliInProcess(args, env(now));
  const parsed = (run: { stdout: string }) => JSON.parse(run.stdout) as Record<string, unknown>;

  beforeAll(async () => {
    url = embeddedTarget().url;
    dataDir = await mkdtemp(join(tmpdir(), 'tc-invoices-cli-'));
    core = await openTestCore(url, platformDatabase);
    operator = await operatorEnv(core);
    await call(core, 'billing:updateSettings', { invoiceSeries: 'CLI', taxRatePercent: 0, invoiceDueDays: 10 });
  });
  afterAll(async () => {
    await core?.close();
    await dropTestPlatform(url, platformDatabase);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates, finalizes, shows, pays, lists and writes the PDF, with snake_case JSON and exit codes for errors', async () => {
    const { tenant } = await call(core, 'tenants:create', uniqueTenantInput('starter', 'Cli Invoicing'));
    const at = '2027-07-01T09:00:00Z';

    const created = await tenantctl(at, 'invoices', 'create', tenant.tenantCode, '--line', 'Setup: onboarding:1:15000', '--line', 'Training:2:5000', '--json');
    expect(created.code, created.stderr).toBe(0);
    const draft = parsed(created);
    expect(draft).toMatchObject({ state: 'draft', number: null, tenant_code: tenant.tenantCode, total_cents: 25_000, amount_paid_cents: 0 });
    expect(draft.lines).toEqual([
      { kind: 'adjustment', description: 'Setup: onboarding', quantity: 1, unit_cents: 15_000, amount_cents: 15_000 },
      { kind: 'adjustment', description: 'Training', quantity: 2, unit_cents: 5_000, amount_cents: 10_000 },
    ]);

    const finalized = await tenantctl(at, 'invoices', 'finalize', String(draft.id));
    expect(finalized.code, finalized.stderr).toBe(0);
    expect(finalized.stdout).toBe(`CLI-000001 issued to ${tenant.tenantCode}: 250.00 USD, due 2027-07-11.\n`);

    const again = await tenantctl(at, 'invoices', 'finalize', String(draft.id), '--json');
    expect(again.code).toBe(6);
    expect(parsed(again)).toEqual({ error: { code: 'INVALID_STATE', message: 'CLI-000001 is open: only a draft can be finalized.' } });

    // Overdue by the pinned clock, in the text list.
    // The invoices group's smoke run through the real bin.
    const overdue = await runTenantctl(['invoices', 'list', '--overdue'], env('2027-07-12T00:00:00Z'));
    expect(overdue.code, overdue.stderr).toBe(0);
    expect(overdue.stdout).toMatch(new RegExp(`CLI-000001\\s+${tenant.tenantCode}\\s+open \\(overdue\\)\\s+2027-07-01\\s+2027-07-11\\s+250\\.00 USD`));

    const over = await tenantctl(at, 'invoices', 'pay', 'CLI-000001', '--amount-cents', '30000', '--method', 'bank', '--json');
    expect(over.code).toBe(2);
    expect(parsed(over)).toEqual({
      error: { code: 'VALIDATION', message: 'A payment of 300.00 USD is more than the 250.00 USD still due on CLI-000001 (total 250.00 USD, paid 0.00 USD).' },
    });

    const paid = await tenantctl(at, 'invoices', 'pay', 'cli-000001', '--amount-cents', '25000', '--method', 'bank transfer', '--reference', 'R-77', '--received-at', '2027-07-02T10:00:00Z', '--json');
    expect(paid.code, paid.stderr).toBe(0);
    expect(parsed(paid)).toMatchObject({ state: 'paid', paid_at: '2027-07-02T10:00:00.000Z', amount_paid_cents: 25_000, payments: [expect.objectContaining({ reference: 'R-77', received_at: '2027-07-02T10:00:00.000Z' })] });

    const listed = await tenantctl(at, 'invoices', 'list', '--tenant', tenant.tenantCode, '--state', 'paid,open', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect(parsed(listed)).toMatchObject({ total: 1, rows: [{ number: 'CLI-000001', state: 'paid', overdue: false, company_name: 'Cli Invoicing' }] });

    const shown = await tenantctl(at, 'invoices', 'show', 'CLI-000001');
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('Setup: onboarding');
    expect(shown.stdout).toMatch(/Amount due\s+0\.00 USD/);

    const out = join(dataDir, 'copy.pdf');
    const pdf = await tenantctl(at, 'invoices', 'pdf', 'CLI-000001', '--out', out, '--json');
    expect(pdf.code, pdf.stderr).toBe(0);
    expect(parsed(pdf)).toEqual({ path: out, bytes: expect.any(Number), number: 'CLI-000001' });
    const text = pdfText(await readFile(out));
    expect(text).toContain('Number: CLI-000001');
    expect(text).toContain('PAID');
    expect(await readFile(join(dataDir, 'invoices', 'CLI-000001.pdf'))).toEqual(await readFile(out));

    const voidPaid = await tenantctl(at, 'invoices', 'void', 'CLI-000001', '--reason', 'mistake');
    expect(voidPaid.code).toBe(6);
    expect(voidPaid.stderr).toContain('is paid');
    const missing = await tenantctl(at, 'invoices', 'show', 'CLI-999999', '--json');
    expect(missing.code).toBe(3);
    expect(parsed(missing)).toEqual({ error: { code: 'NOT_FOUND', message: 'No invoice CLI-999999.' } });
    const badLine = await tenantctl(at, 'invoices', 'create', tenant.tenantCode, '--line', 'no numbers here');
    expect(badLine.code).toBe(2);
    expect(badLine.stderr).toContain('Description:quantity:unit_cents');
    // A dozen spawned CLIs, each opening the core: minutes on a busy two-core machine.
  }, 300_000);
});
