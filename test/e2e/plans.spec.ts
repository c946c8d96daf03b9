import { expect, test, type Page } from '@playwright/test';
import type { TenantCredentials } from '../../src-shared/contract/models';
import { connectAsTenant } from '../support/tenant-clients';
import { invokeThroughHost, saveScreenshot, useHostMode } from './browser-helpers';

/**
 * Two professional tenants (20 users per company) with one company each:
 * - Crowded Co: 6 users → over the 4 users per company of the edited plan;
 * - Roomy Co: 2 users → fits.
 */
const TENANTS = [
  { companyName: 'Crowded Co', subdomain: 'crowded', plan: 'professional', adminEmail: 'it@crowded.example', users: 6 },
  { companyName: 'Roomy Co', subdomain: 'roomy', plan: 'professional', adminEmail: 'it@roomy.example', users: 2 },
] as const;

const host = useHostMode();
const codes = new Map<string, string>();
const sessionsOf = new Map<string, TenantCredentials>();

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });

/** Closes the notifications first, so a screenshot shows what they would cover. */
const shot = (page: Page, name: string, fullPage = false) => saveScreenshot(page, name, { fullPage, withoutNotifications: true });

const invoke = <T = unknown>(page: Page, channel: string, input: unknown) => invokeThroughHost<T>(host, page, channel, input);

test('plans page: edit makes a new version, preview shows who is over, move with and without force', async ({ page }) => {
  test.setTimeout(90_000);

  await test.step('two professional tenants with real users, written through their own roles', async () => {
    await page.goto(host.url);
    for (const { users, ...input } of TENANTS) {
      const created = await invoke<{ tenant: { tenantCode: string }; credentials: TenantCredentials }>(page, 'tenants:create', input);
      codes.set(input.subdomain, created.tenant.tenantCode);
      sessionsOf.set(input.subdomain, created.credentials);
      const client = await connectAsTenant(created.credentials);
      try {
        const { rows } = await client.query<{ id: number }>(`INSERT INTO erp.companies (name) VALUES ('Sales') RETURNING id`);
        await client.query(`INSERT INTO erp.users (company_id, email) SELECT $1, 'u' || g || '@x.example' FROM generate_series(1, $2::int) g`, [rows[0]!.id, users]);
      } finally {
        await client.end();
      }
    }
  });
  const crowded = codes.get('crowded')!;
  const roomy = codes.get('roomy')!;

  await test.step('the plans, their versions and tenant counts; the fleet schema is up to date', async () => {
    await page.getByTestId('nav-plans').click();
    await expect(page.getByTestId('page-title')).toHaveText('Plans');
    const card = page.getByTestId('plan-card-professional');
    await expect(card.getByTestId('plan-version-professional')).toHaveText('v1');
    await expect(card.getByTestId('plan-users-professional')).toHaveText('20');
    await expect(page.getByTestId('plan-version-row-professional-1').getByTestId('version-tenant-count')).toHaveText('2');
    await expect(page.getByTestId('plan-move-professional')).toBeDisabled();
    await expect(page.getByTestId('fleet-status')).toHaveText('All 2 tenant databases are up to date.');
    await expect(page.getByTestId('fleet-migrate')).toBeDisabled();
    await page.mouse.move(0, 0);
    await shot(page, 'plans-01-page', true);
  });

  await test.step('edit professional: a field checked as main checks it, then a new version with 4 users per company', async () => {
    await page.getByTestId('plan-edit-professional').click();
    const modal = page.getByTestId('edit-plan-modal');
    await expect(modal.getByTestId('edit-plan-explainer')).toContainText('version 2');
    await expect(modal.getByTestId('edit-plan-explainer')).toContainText('The 2 tenants on it now keep their version');
    await expect(modal.getByTestId('edit-plan-save')).toBeDisabled();
    await modal.getByTestId('plan-field-currency').fill('US');
    await expect(modal).toContainText('Currency is an ISO code such as USD.');
    await expect(modal.getByTestId('edit-plan-save')).toBeDisabled();
    await modal.getByTestId('plan-field-currency').fill('USD');
    await modal.getByTestId('plan-field-users').fill('4');
    // Never unlimited: a connection limit of 0 is refused as main would refuse it.
    await modal.getByTestId('plan-field-connections').fill('0');
    await expect(modal).toContainText('Must be at least 1.');
    await expect(modal.getByTestId('edit-plan-save')).toBeDisabled();
    await modal.getByTestId('plan-field-connections').fill('8');
    await expect(modal.getByTestId('edit-plan-save')).toHaveText('Save as version 2');
    await shot(page, 'plans-02-edit');
    await modal.getByTestId('edit-plan-save').click();
    await expect(modal).toBeHidden();
    const card = page.getByTestId('plan-card-professional');
    await expect(card.getByTestId('plan-version-professional')).toHaveText('v2');
    await expect(card.getByTestId('plan-users-professional')).toHaveText('4');
    await expect(card.getByTestId('plan-connections-professional')).toHaveText('8');
    // Grandfathered: both tenants still on v1.
    await expect(page.getByTestId('plan-version-row-professional-2').getByTestId('version-tenant-count')).toHaveText('0');
    await expect(page.getByTestId('plan-version-row-professional-1').getByTestId('version-tenant-count')).toHaveText('2');
    await expect(card.getByTestId('plan-tenants-professional')).toHaveText('2 tenants · 2 on older versions');
  });

  await test.step('the move preview names the tenant over the new limit with the exact numbers; without force it stays', async () => {
    await page.getByTestId('plan-move-professional').click();
    const modal = page.getByTestId('move-tenants-modal');
    await expect(modal.getByTestId(`move-row-${crowded}`).getByTestId('move-violation')).toHaveText('users in company Sales: 6, new limit 4');
    await expect(modal.getByTestId(`move-row-${roomy}`).getByTestId('move-fits')).toBeVisible();
    await expect(modal.getByTestId('move-over-alert')).toBeVisible();
    await expect(modal.getByTestId('move-submit')).toHaveText('Move 2 tenants');
    await shot(page, 'plans-03-move-preview');
    await modal.getByTestId('move-submit').click();
    await expect(modal.getByTestId('move-result-summary')).toContainText('1 moved, 1 refused, 0 failed');
    await expect(modal.getByTestId('move-result-refused')).toContainText(crowded);
    await expect(modal.getByTestId('move-result-refused')).toContainText('users in company Sales: 6, new limit 4');
    await expect(modal.getByTestId('move-result-moved')).toContainText(roomy);
    await shot(page, 'plans-04-move-refused');
    await modal.getByTestId('move-done').click();
    await expect(page.getByTestId('plan-version-row-professional-1').getByTestId('version-tenant-count')).toHaveText('1');
    await expect(page.getByTestId('plan-version-row-professional-2').getByTestId('version-tenant-count')).toHaveText('1');
  });

  await test.step('with force the over-limit tenant moves; its drawer shows the new version', async () => {
    await page.getByTestId('plan-move-professional').click();
    const modal = page.getByTestId('move-tenants-modal');
    await expect(modal.getByTestId(`move-row-${crowded}`)).toBeVisible();
    await expect(modal.getByTestId(`move-row-${roomy}`)).toHaveCount(0);
    await modal.getByTestId('move-force').click();
    await modal.getByTestId('move-submit').click();
    await expect(modal.getByTestId('move-result-summary')).toContainText('1 moved (1 forced), 0 refused, 0 failed');
    await modal.getByTestId('move-result-moved').getByRole('button', { name: crowded }).click();
    await expect(modal).toBeHidden();
    const drawer = page.getByTestId('tenant-detail');
    await expect(drawer.getByTestId('detail-plan-name')).toBeVisible();
    await expect(drawer).toContainText('plan version 2');
    await drawer.getByTestId('detail-tab-usage').click();
    await expect(drawer.getByTestId('tenant-usage-plan')).toContainText('version 2');
    await shot(page, 'plans-05-drawer');
    await page.keyboard.press('Escape');
    await expect(drawer).toBeHidden();
    await expect(page.getByTestId('plan-move-professional')).toBeDisabled();
    await expect(page.getByTestId('plan-version-row-professional-2').getByTestId('version-tenant-count')).toHaveText('2');
  });

  await test.step('settings: connections per server, the console reserve, the busiest tenant at its new plan limit', async () => {
    // Crowded Co is on professional v2 now: its role allows 8 sessions; it holds 3.
    const credentials = sessionsOf.get('crowded')!;
    const sessions = await Promise.all([1, 2, 3].map(() => connectAsTenant(credentials)));
    try {
      await page.getByTestId('nav-settings').click();
      const card = page.getByTestId('server-connections');
      const row = card.getByTestId(`connections-tenant-${crowded}`);
      await expect(row).toContainText('3');
      await expect(row).toContainText('8');
      await expect(card.getByTestId('connections-reserved')).toHaveText('40 reserved for the console');
      await expect(card.getByTestId('connections-used')).toContainText('/ 300 in use');
      await expect(card.getByTestId('connections-warning')).toHaveCount(0);
      await page.mouse.move(0, 0);
      await shot(page, 'plans-08-settings-connections', true);
    } finally {
      await Promise.all(sessions.map((session) => session.end().catch(() => undefined)));
    }
    await page.getByTestId('nav-plans').click();
    await expect(page.getByTestId('page-title')).toHaveText('Plans');
  });

  await test.step('dark mode', async () => {
    await page.getByTestId('color-scheme-toggle').click();
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
    await page.mouse.move(0, 0);
    await shot(page, 'plans-06-page-dark', true);
    await page.getByTestId('plan-edit-starter').click();
    await expect(page.getByTestId('edit-plan-explainer')).toBeVisible();
    await shot(page, 'plans-07-edit-dark');
    await page.keyboard.press('Escape');
    await page.getByTestId('color-scheme-toggle').click();
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'light');
  });
});
