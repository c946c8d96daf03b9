import { expect, test, type Page } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { createSilentLogger } from '../../src-main/logging/logger';
import { EmbeddedCluster } from '../../src-main/postgres/embedded-cluster';
import { clientConfig } from '../../src-main/postgres/server-endpoint';
import { FileSecretStore } from '../../src-main/secrets/file-secret-store';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture';
import { invokeThroughHost, saveScreenshot, SCREENSHOTS } from './browser-helpers';
import { REPO_ROOT, startHostMode, type HostMode } from './host-mode';

const run = promisify(execFile);

/**
 * Self-service sign-ups and the onboarding checklist in real Chromium through host mode.
 * The sign-ups arrive the way the tenant API makes them (requestSignup, here through
 * `tenantctl signups request` on the same data folder); the tenants' "ERP activity" is
 * written in their own databases as their own roles; the usage collection reads it.
 * - Nordwind Handel: accepted its invitation, signed in, made a company and a transaction.
 * - Blue Fjord: signed in only (a week earlier).
 * - Quiet Start: nobody signed in for five days → stalled, nudged once.
 */
let host: HostMode;
let cluster: EmbeddedCluster;
let smtp: SmtpCapture;

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  await mkdir(SCREENSHOTS, { recursive: true });
  host = await startHostMode();
  cluster = new EmbeddedCluster({ dataDir: host.dataDir, secretStore: new FileSecretStore(join(host.dataDir, 'secrets.json')), logger: createSilentLogger() });
  await cluster.acquire();
  smtp = await startSmtpCapture();
});

test.afterAll(async () => {
  test.setTimeout(90_000);
  await smtp?.close();
  await cluster?.release().catch(() => undefined);
  await host?.stop();
});

const shot = (page: Page, name: string, fullPage = false) => saveScreenshot(page, name, { fullPage, withoutNotifications: true });
const invoke = <T = unknown>(page: Page, channel: string, input: unknown) => invokeThroughHost<T>(host, page, channel, input);

/** A tenantctl command on host mode's data folder (it shares the embedded server). */
async function tenantctl(args: readonly string[]): Promise<unknown> {
  const env: NodeJS.ProcessEnv = { ...process.env, TENANT_CONSOLE_DATA_DIR: host.dataDir };
  delete env.TENANT_CONSOLE_DATABASE_URL;
  const { stdout } = await run(process.execPath, ['bin/tenantctl.js', ...args, '--json'], { cwd: REPO_ROOT, env, timeout: 120_000 });
  return JSON.parse(stdout) as unknown;
}

/** An admin connection to a database of host mode's embedded server. */
async function admin<T>(database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(clientConfig(cluster.endpoint, database));
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

interface TenantRow {
  id: string;
  tenant_code: string;
  database_name: string;
  db_role: string;
}

async function tenantOf(subdomain: string): Promise<TenantRow> {
  return admin('tenant_platform', async (client) => (await client.query<TenantRow>('SELECT id, tenant_code, database_name, db_role FROM tenants WHERE subdomain = $1', [subdomain])).rows[0]!);
}

/** As the tenant's own role in its database: what its ERP does. */
async function asTenant(tenant: TenantRow, sql: string, params: unknown[] = []): Promise<void> {
  await admin(tenant.database_name, async (client) => {
    await client.query(`SET ROLE ${client.escapeIdentifier(tenant.db_role)}`);
    await client.query(sql, params);
  });
}

test('sign-ups, the onboarding checklist, the stalled filter and the funnel (light and dark)', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(host.url);

  await test.step('three sign-ups, as the website makes them; welcome e-mails with their invitation links', async () => {
    await invoke(page, 'billing:updateSettings', { smtp: { host: '127.0.0.1', port: smtp.port, secure: false, username: null, from: 'Your ERP <hello@yourerp.test>' } });
    for (const [company, subdomain, email, plan] of [
      ['Nordwind Handel', 'nordwind', 'it@nordwind.example', 'professional'],
      ['Blue Fjord Ltd', 'bluefjord', 'ops@bluefjord.example', null],
      ['Quiet Start AG', 'quietstart', 'owner@quietstart.example', null],
    ] as const) {
      const status = (await tenantctl(['signups', 'request', '--company', company, '--subdomain', subdomain, '--email', email, ...(plan ? ['--plan', plan] : [])])) as { status: string };
      expect(status.status).toBe('ready');
      expect(smtp.messages.filter((message) => message.to.includes(email))).toHaveLength(1);
    }
  });

  await test.step('tenant activity in their own databases, read by a usage collection', async () => {
    const nordwind = await tenantOf('nordwind');
    const welcome = smtp.messages.find((message) => message.to.includes('it@nordwind.example'))!.decoded;
    const token = /accept-invitation\?token=([A-Za-z0-9_-]{43})/.exec(welcome)![1]!;
    await asTenant(nordwind, 'SELECT platform.accept_invitation($1, $2)', [token, '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG']);
    await asTenant(nordwind, 'UPDATE erp.users SET last_sign_in_at = now() WHERE is_account_admin');
    await asTenant(nordwind, `INSERT INTO erp.companies (name) VALUES ('Nordwind Handel GmbH')`);
    await asTenant(nordwind, `INSERT INTO erp.transactions (company_id, amount) SELECT id, 1250 FROM erp.companies`);
    const fjord = await tenantOf('bluefjord');
    await asTenant(fjord, `UPDATE erp.users SET last_sign_in_at = now() - interval '6 days' WHERE is_account_admin`);
    // Two sign-ups from earlier weeks, one never used.
    const quiet = await tenantOf('quietstart');
    await admin('tenant_platform', async (client) => {
      await client.query(`UPDATE tenants SET created_at = now() - interval '5 days' WHERE id = $1`, [quiet.id]);
      await client.query(`UPDATE signups SET created_at = now() - interval '8 days' WHERE subdomain = 'bluefjord'`);
      await client.query(`UPDATE signups SET created_at = now() - interval '15 days' WHERE subdomain = 'quietstart'`);
    });
    await invoke(page, 'usage:collect', {});
    const report = (await tenantctl(['onboarding', 'run'])) as { nudged: string[] };
    expect(report.nudged).toEqual([quiet.tenant_code]);
    expect(((await tenantctl(['onboarding', 'run'])) as { nudged: string[] }).nudged).toEqual([]);
    expect(smtp.messages.filter((message) => message.to.includes('owner@quietstart.example'))).toHaveLength(2); // welcome + one nudge
  });

  await test.step('the tenants list filtered to stalled trials', async () => {
    // Made by other processes (tenantctl): this page hears of them on reload.
    await page.goto(host.url);
    await page.getByTestId('nav-tenants').click();
    await expect(page.getByTestId('tenant-row')).toHaveCount(3);
    await page.getByTestId('onboarding-filter').click();
    await page.getByTestId('onboarding-filter-stalled').click();
    await expect(page.getByTestId('tenant-row')).toHaveCount(1);
    await expect(page.getByTestId('tenant-row')).toContainText('Quiet Start AG');
    await shot(page, 'onboarding-01-stalled-filter');
    await page.keyboard.press('Escape');
  });

  await test.step('the stalled trial’s checklist: waiting for the first sign-in, nudged', async () => {
    await page.getByTestId('tenant-row').filter({ hasText: 'Quiet Start AG' }).click();
    await expect(page.getByTestId('tenant-detail')).toBeVisible();
    await expect(page.getByTestId('tenant-onboarding')).toHaveAttribute('data-stage', 'sign_in');
    await page.getByTestId('onboarding-checklist').scrollIntoViewIfNeeded();
    await expect(page.getByTestId('onboarding-stalled')).toContainText('A reminder was e-mailed');
    await expect(page.getByTestId('onboarding-step-welcome')).toHaveAttribute('data-reached', 'true');
    await expect(page.getByTestId('onboarding-step-sign_in')).toHaveAttribute('data-reached', 'false');
    await shot(page, 'onboarding-02-stalled-checklist');
    await page.keyboard.press('Escape');
  });

  await test.step('an active tenant four steps in, waiting for a payment method', async () => {
    await page.getByTestId('clear-filters').click();
    await page.getByTestId('onboarding-filter').click();
    await page.getByTestId('onboarding-filter-payment_method').click();
    await expect(page.getByTestId('tenant-row')).toHaveCount(1);
    await page.keyboard.press('Escape');
    await page.getByTestId('tenant-row').filter({ hasText: 'Nordwind Handel' }).click();
    await expect(page.getByTestId('tenant-onboarding')).toHaveAttribute('data-stage', 'payment_method');
    await expect(page.getByTestId('onboarding-stage')).toContainText('4 of 5');
    await page.getByTestId('onboarding-checklist').scrollIntoViewIfNeeded();
    await expect(page.getByTestId('onboarding-stalled')).toHaveCount(0);
    await shot(page, 'onboarding-03-checklist');
    await page.keyboard.press('Escape');
  });

  await test.step('dark mode: the checklist', async () => {
    await page.getByTestId('color-scheme-toggle').click();
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
    await page.getByTestId('tenant-row').filter({ hasText: 'Nordwind Handel' }).click();
    await expect(page.getByTestId('tenant-onboarding')).toHaveAttribute('data-stage', 'payment_method');
    await page.getByTestId('onboarding-checklist').scrollIntoViewIfNeeded();
    await shot(page, 'onboarding-04-checklist-dark');
    await page.keyboard.press('Escape');
  });

  await test.step('the funnel on the Usage page (dark, then light)', async () => {
    await page.getByTestId('nav-usage').click();
    const funnel = page.getByTestId('signup-funnel');
    await expect(funnel.getByTestId('signup-funnel-chart')).toBeVisible();
    await expect(funnel.getByTestId('signup-funnel-totals')).toContainText('3 sign-ups');
    await expect(funnel.getByTestId('signup-funnel-totals')).toContainText('67 % activated');
    await expect(funnel.getByTestId('signup-funnel-stalled')).toContainText('1 stalled');
    await funnel.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'onboarding-05-funnel-dark', { withoutNotifications: true });
    await page.getByTestId('color-scheme-toggle').click();
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'light');
    await page.mouse.move(700, 600); // the toggle's tooltip off the picture
    await funnel.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'onboarding-06-funnel', { withoutNotifications: true });
  });
});
