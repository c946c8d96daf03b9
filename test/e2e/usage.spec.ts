import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import type pg from 'pg';
import type { TenantCredentials } from '../../src-shared/contract/models';
import { connectAsTenant } from '../support/tenant-clients';
import { invokeThroughHost, saveScreenshot, useHostMode } from './browser-helpers';
import { fullTierOnly, fullTierOnlyReason } from '../support/tier';

const LIMIT_SQLSTATE = 'TC001';

/**
 * Three tenants whose databases get real rows through their own roles:
 * - Full House (starter, 5 users per company): at its user limit → red in the near-limit list;
 *   the plan-change test upgrades it in the UI.
 * - Blue River (professional, 20 users per company): 17 users → 85%, above the 80% warning.
 * - Quiet Corner (professional): far below every limit → not listed.
 */
const TENANTS = [
  { companyName: 'Full House Ltd', subdomain: 'fullhouse', plan: 'starter', adminEmail: 'it@fullhouse.example', companies: 1, users: 5, transactions: 40 },
  { companyName: 'Blue River Foods', subdomain: 'blueriver', plan: 'professional', adminEmail: 'ops@blueriver.example', companies: 2, users: 17, transactions: 300 },
  { companyName: 'Quiet Corner Cafe', subdomain: 'quietcorner', plan: 'professional', adminEmail: 'hi@quietcorner.example', companies: 1, users: 2, transactions: 12 },
] as const;

const host = useHostMode();
const credentials = new Map<string, TenantCredentials>();
const codes = new Map<string, string>();

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });

/** Closes the notifications first, so a screenshot shows what they would cover. */
const shot = (page: Page, name: string, fullPage = false) => saveScreenshot(page, name, { fullPage, withoutNotifications: true });

const invoke = <T = unknown>(page: Page, channel: string, input: unknown) => invokeThroughHost<T>(host, page, channel, input);

/** Fills a tenant database the way its ERP would: its own login, through the limit triggers. */
async function fill(client: pg.Client, tenant: (typeof TENANTS)[number]): Promise<void> {
  const { rows } = await client.query<{ id: number }>(
    `INSERT INTO erp.companies (name) SELECT 'Company ' || g FROM generate_series(1, $1::int) g RETURNING id`,
    [tenant.companies],
  );
  const first = rows[0]!.id;
  await client.query(`INSERT INTO erp.users (company_id, email) SELECT $1, 'user' || g || '@example.com' FROM generate_series(1, $2::int) g`, [first, tenant.users]);
  await client.query('INSERT INTO erp.transactions (company_id, amount) SELECT $1, 10 FROM generate_series(1, $2::int)', [first, tenant.transactions]);
}

/** Adds one user to the first company as the tenant; the SQLSTATE if the database refused it. */
async function addUser(code: string, email: string): Promise<{ ok: true } | { ok: false; code: string; message: string }> {
  const client = await connectAsTenant(credentials.get(code)!);
  try {
    await client.query(`INSERT INTO erp.users (company_id, email) SELECT min(id), $1 FROM erp.companies`, [email]);
    return { ok: true };
  } catch (error) {
    return { ok: false, code: String((error as { code?: string }).code), message: (error as Error).message };
  } finally {
    await client.end();
  }
}

test('usage page: empty state, collection with progress, near-limit list, charts, CSV, dark mode', async ({ page }) => {
  test.setTimeout(120_000);

  await test.step('tenants with real rows, written through their own roles', async () => {
    await page.goto(host.url);
    for (const tenant of TENANTS) {
      const { companies: _c, users: _u, transactions: _t, ...input } = tenant;
      const created = await invoke<{ tenant: { tenantCode: string }; credentials: TenantCredentials }>(page, 'tenants:create', input);
      codes.set(tenant.subdomain, created.tenant.tenantCode);
      credentials.set(created.tenant.tenantCode, created.credentials);
      const client = await connectAsTenant(created.credentials);
      try {
        await fill(client, tenant);
      } finally {
        await client.end();
      }
    }
  });

  await test.step('before any collection: the empty state explains and offers the button', async () => {
    await page.getByTestId('nav-usage').click();
    await expect(page.getByTestId('page-title')).toHaveText('Usage');
    await expect(page.getByTestId('usage-empty')).toContainText('No usage collected yet');
    await shot(page, 'usage-01-empty');
  });

  await test.step('collect from the button: progress from job:progress, then the figures', async () => {
    // Hold main's answer until the progress bar has shown every database done.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/invoke/usage:collect', async (route) => {
      const response = await route.fetch();
      await released;
      await route.fulfill({ response });
    });
    await page.getByTestId('usage-empty-collect').click();
    await expect(page.getByTestId('collect-progress-count')).toHaveText(`${TENANTS.length} of ${TENANTS.length} databases`);
    await shot(page, 'usage-02-collecting');
    release();
    await expect(page.getByTestId('collect-progress')).toBeHidden();
    await page.unroute('**/api/invoke/usage:collect');

    await expect(page.getByTestId('stat-tenants-value')).toHaveText(String(TENANTS.length));
    await expect(page.getByTestId('stat-users-value')).toHaveText(String(TENANTS.reduce((sum, tenant) => sum + tenant.users, 0)));
    await expect(page.getByTestId('last-run-read')).toHaveText(String(TENANTS.length));
    await expect(page.getByTestId('last-run-failed')).toHaveText('0');
  });

  await test.step('near-limit list: over first, warning next, the quiet tenant absent; sortable', async () => {
    const rows = page.getByTestId('near-limit-row');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toHaveAttribute('data-tenant', codes.get('fullhouse')!);
    await expect(rows.nth(0)).toHaveAttribute('data-level', 'over');
    await expect(rows.nth(0).getByTestId('near-limit-percent')).toHaveText('100%');
    await expect(rows.nth(1)).toHaveAttribute('data-tenant', codes.get('blueriver')!);
    await expect(rows.nth(1)).toHaveAttribute('data-level', 'warning');
    await expect(rows.nth(1).getByTestId('near-limit-percent')).toHaveText('85%');
    await expect(page.getByTestId('near-limit-table')).not.toContainText('Quiet Corner Cafe');

    await page.getByTestId('sort-percent').click();
    await expect(rows.nth(0)).toHaveAttribute('data-tenant', codes.get('blueriver')!);
    await page.getByTestId('sort-percent').click();
    await expect(rows.nth(0)).toHaveAttribute('data-tenant', codes.get('fullhouse')!);

    await expect(page.getByTestId('plan-count-professional')).toHaveText('2');
    await expect(page.getByTestId('mrr-total-USD')).toHaveText(/\$447/);
    await expect(page.getByTestId('trend-transactions').locator('svg').first()).toBeVisible();
    await page.mouse.move(0, 0);
    await shot(page, 'usage-03-page', true);
    await page.getByTestId('trend-days').getByText('90 days').click();
    await expect(page.getByTestId('trends')).toContainText('last 90 days');
  });

  await test.step('CSV export downloads the usage table', async () => {
    const downloading = page.waitForEvent('download');
    await page.getByTestId('usage-export').click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    for (const tenant of TENANTS) expect(csv).toContain(codes.get(tenant.subdomain)!);
  });

  await test.step('a near-limit row opens the tenant drawer', async () => {
    await page.getByTestId('near-limit-row').filter({ hasText: 'Blue River Foods' }).click();
    await expect(page.getByTestId('detail-company')).toHaveText('Blue River Foods');
    await page.getByTestId('detail-tab-usage').click();
    await expect(page.getByTestId('usage-bar-users')).toHaveAttribute('data-level', 'warning');
    await expect(page.getByTestId('usage-value-users')).toHaveText('17 / 20');
    await expect(page.getByTestId('usage-history-chart')).toBeVisible();
    await shot(page, 'usage-04-drawer-tab');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('tenant-detail')).toBeHidden();
  });

  await test.step('dark mode', async () => {
    await page.getByTestId('color-scheme-toggle').click();
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
    await page.mouse.move(0, 0);
    await shot(page, 'usage-05-page-dark', true);
    await page.getByTestId('near-limit-row').first().click();
    await page.getByTestId('detail-tab-usage').click();
    await expect(page.getByTestId('usage-bar-users')).toHaveAttribute('data-level', 'over');
    await shot(page, 'usage-06-drawer-dark');
    await page.keyboard.press('Escape');
    await page.getByTestId('color-scheme-toggle').click();
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'light');
  });
});

test('a plan change made in the UI changes the limits shown and the limits enforced', async ({ page }) => {
  test.skip(fullTierOnly('a plan change made in the UI, enforced in the tenant database (the fast tier changes plans in billing.spec and limits in integration tests)'), fullTierOnlyReason('the UI case'));
  test.setTimeout(90_000);
  const code = codes.get('fullhouse')!;

  await test.step('on starter the sixth user is refused by the tenant database', async () => {
    const refused = await addUser(code, 'sixth@example.com');
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.code).toBe(LIMIT_SQLSTATE);
      expect(refused.message).toBe('User limit for company Company 1 reached (5 of 5). Please upgrade.');
    }
  });

  await test.step('the drawer shows the starter limits', async () => {
    await page.goto(host.url);
    await page.getByTestId('nav-usage').click();
    await page.getByTestId('near-limit-row').filter({ hasText: 'Full House Ltd' }).click();
    await expect(page.getByTestId('limit-users')).toHaveText('5');
    await page.getByTestId('detail-tab-usage').click();
    await expect(page.getByTestId('usage-value-users')).toHaveText('5 / 5');
    await expect(page.getByTestId('usage-bar-users')).toHaveAttribute('data-level', 'over');
  });

  await test.step('a downgrade to trial previews the exact numbers and needs Force', async () => {
    await page.getByTestId('change-plan').click();
    await page.getByTestId('plan-option-trial').click();
    await expect(page.getByTestId('change-plan-violation')).toHaveText(['users in company Company 1: 5, new limit 3']);
    await expect(page.getByTestId('change-plan-submit')).toBeDisabled();
    await expect(page.getByTestId('change-plan-force')).toBeVisible();
    await shot(page, 'usage-07-change-plan-over');
  });

  await test.step('upgrade to professional: it fits, no Force offered', async () => {
    await page.getByTestId('plan-option-professional').click();
    await expect(page.getByTestId('change-plan-fits')).toBeVisible();
    await expect(page.getByTestId('change-plan-force')).toHaveCount(0);
    await page.getByTestId('change-plan-reason').fill('Customer is hiring');
    await page.getByTestId('change-plan-submit').click();
    await expect(page.getByTestId('change-plan-result')).toContainText('Now on Professional');
    await shot(page, 'usage-08-change-plan-done');
    await page.getByTestId('change-plan-done').click();
  });

  await test.step('the limits shown follow', async () => {
    await expect(page.getByTestId('usage-value-users')).toHaveText('5 / 20');
    await expect(page.getByTestId('usage-bar-users')).not.toHaveAttribute('data-level', 'over');
    await expect(page.getByTestId('plan-history-entry')).toHaveCount(1);
    await expect(page.getByTestId('plan-history')).toContainText('Customer is hiring');
    await page.getByTestId('detail-tab-overview').click();
    await expect(page.getByTestId('limit-users')).toHaveText('20');
    await page.getByTestId('detail-tab-usage').click();
    await shot(page, 'usage-09-after-upgrade');
  });

  await test.step('and the tenant database now accepts the insert it refused', async () => {
    expect(await addUser(code, 'sixth@example.com')).toEqual({ ok: true });
  });

  await test.step('an allowance added in the form raises the limit in force; revoking it lowers it again', async () => {
    await page.getByTestId('override-add').click();
    await page.getByTestId('override-save').click();
    await expect(page.getByTestId('override-form')).toContainText('Say why, for the next operator.');
    await page.getByTestId('override-value').fill('2');
    await page.getByTestId('override-reason').fill('Seasonal staff until year end');
    await page.getByTestId('override-save').click();
    await expect(page.getByTestId('override-row')).toContainText('Seasonal staff until year end');
    await expect(page.getByTestId('usage-value-users')).toHaveText('6 / 22');
    await shot(page, 'usage-10-override');
    await page.getByTestId('override-revoke').click();
    await expect(page.getByTestId('overrides-none')).toBeVisible();
    await expect(page.getByTestId('usage-value-users')).toHaveText('6 / 20');
  });
});
