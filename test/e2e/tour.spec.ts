import { expect, test, type Page } from '@playwright/test';
import { invokeThroughHost, saveScreenshot, useHostMode } from './browser-helpers';

/**
 * The fast tier's walk through every page and every drawer tab in Chromium, on one host-mode
 * console: each renders its content (not its error state) for a real tenant, in light and
 * dark. The deep walkthroughs of each capability (backups, billing, plans, pricing,
 * onboarding, offline, price changes) run in the full tier; see FULL_TIER_SPECS in playwright.config.ts.
 */
const host = useHostMode();

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1440, height: 960 }, colorScheme: 'light' });

/** Each page: its title and the element only its loaded state shows. */
const PAGES = [
  { name: 'tenants', title: 'Tenants', loaded: 'tenant-row' },
  { name: 'usage', title: 'Usage', loaded: 'usage-collect' },
  { name: 'plans', title: 'Plans', loaded: 'plan-card-professional' },
  { name: 'audit', title: 'Audit', loaded: 'audit-row' },
  { name: 'billing', title: 'Billing', loaded: 'billing-mode' },
  { name: 'operators', title: 'Operators', loaded: 'operator-row' },
  { name: 'settings', title: 'Settings', loaded: 'settings-page' },
] as const;

/** Each drawer tab: the panel its loaded state shows. */
const TABS = [
  { value: 'overview', loaded: 'tenant-overview' },
  { value: 'usage', loaded: 'tenant-usage-plan' },
  { value: 'billing', loaded: 'tenant-billing' },
  { value: 'activity', loaded: 'activity-entry' },
  { value: 'backups', loaded: 'backups-panel' },
] as const;

/** No page or tab may show its error state: every `*-error` test id stays absent. */
async function expectNoErrorState(page: Page): Promise<void> {
  await expect(page.locator('[data-testid$="-error"]:visible')).toHaveCount(0);
}

const setScheme = (page: Page, scheme: 'light' | 'dark') =>
  page.locator('html').evaluate((html, value) => (html as unknown as { setAttribute(n: string, v: string): void }).setAttribute('data-mantine-color-scheme', value), scheme);

test('every page and every drawer tab renders its content for a real tenant, in light and dark', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(host.url);
  const created = await invokeThroughHost<{ tenant: { tenantCode: string } }>(host, page, 'tenants:create', {
    companyName: 'Tour Café “Zur Post”',
    subdomain: 'tour-cafe',
    plan: 'professional',
    adminEmail: 'owner@tour-cafe.example',
  });
  const code = created.tenant.tenantCode;
  await page.reload();

  for (const scheme of ['light', 'dark'] as const) {
    await test.step(`every page (${scheme})`, async () => {
      await setScheme(page, scheme);
      for (const entry of PAGES) {
        await page.getByTestId(`nav-${entry.name}`).click();
        await expect(page.getByTestId('page-title')).toHaveText(entry.title);
        await expect(page.getByTestId(entry.loaded).first()).toBeVisible();
        await expectNoErrorState(page);
        await saveScreenshot(page, `tour-${scheme}-page-${entry.name}`, { withoutNotifications: true });
      }
    });

    await test.step(`every drawer tab of ${code} (${scheme})`, async () => {
      await page.getByTestId('nav-tenants').click();
      await page.getByTestId('tenant-row').filter({ hasText: code }).click();
      const drawer = page.getByTestId('tenant-detail');
      await expect(drawer).toBeVisible();
      for (const tab of TABS) {
        await drawer.getByTestId(`detail-tab-${tab.value}`).click();
        await expect(drawer.getByTestId(tab.loaded).first()).toBeVisible();
        await expectNoErrorState(page);
        await saveScreenshot(page, `tour-${scheme}-tab-${tab.value}`, { withoutNotifications: true });
      }
      await page.keyboard.press('Escape');
      await expect(drawer).toBeHidden();
    });
  }

  await test.step('the one-click backup from the drawer lands in its Backups tab', async () => {
    await setScheme(page, 'light');
    await page.getByTestId('tenant-row').filter({ hasText: code }).click();
    const drawer = page.getByTestId('tenant-detail');
    await drawer.getByTestId('detail-tab-backups').click();
    await expect(drawer.getByTestId('backups-empty')).toBeVisible();
    await drawer.getByTestId('backup-now').click();
    await expect(drawer.getByTestId('backup-row')).toHaveCount(1, { timeout: 60_000 });
    await expect(drawer.getByTestId('backup-row').first().getByTestId('backup-location')).toContainText(code);
  });
});
