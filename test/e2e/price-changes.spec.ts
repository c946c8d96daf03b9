import { expect, test, type Page } from '@playwright/test';
import { invokeThroughHost, saveScreenshot, useHostMode } from './browser-helpers';

/**
 * Announced price changes on the Plans page: a tenant on enterprise v1, a new enterprise
 * version, the schedule dialog (date, notice days, each tenant's price now and from the
 * date), the scheduled change in the list, and its confirmed cancellation. Screenshots of
 * the dialog in light and dark.
 */
const host = useHostMode();

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1440, height: 1000 }, colorScheme: 'light' });

const shot = (page: Page, name: string) => saveScreenshot(page, name, { withoutNotifications: true });
const invoke = <T = unknown>(page: Page, channel: string, input: unknown) => invokeThroughHost<T>(host, page, channel, input);

test('plans page: schedule a price change with its preview, see it listed, cancel it', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(host.url);
  const suffix = Date.now().toString(36);
  const { tenant } = await invoke<{ tenant: { tenantCode: string } }>(page, 'tenants:create', {
    companyName: 'Price Notice Co',
    subdomain: `price-${suffix}`,
    adminEmail: `admin@price-${suffix}.example`,
    plan: 'starter',
  });
  await invoke(page, 'plans:update', { code: 'starter', priceCents: 5900 });

  await page.getByTestId('nav-plans').click();
  await expect(page.getByTestId('page-title')).toHaveText('Plans');
  await page.getByTestId('plan-schedule-starter').click();
  const modal = page.getByTestId('schedule-price-change-modal');
  const row = modal.getByTestId(`schedule-row-${tenant.tenantCode}`);
  await expect(row).toContainText('49.00 USD per month');
  await expect(row).toContainText('59.00 USD per month');
  await modal.getByTestId('schedule-notice-days').fill('14');
  await shot(page, 'price-change-01-schedule-dialog');
  // Dark mode as the header toggle sets it (the toggle itself is behind the modal's overlay).
  const scheme = (value: string) => page.locator('html').evaluate((html, v) => (html as unknown as { setAttribute(n: string, v: string): void }).setAttribute('data-mantine-color-scheme', v), value);
  await scheme('dark');
  await shot(page, 'price-change-02-schedule-dialog-dark');
  await scheme('light');
  await modal.getByTestId('schedule-submit').click();
  await expect(modal).toHaveCount(0);

  const card = page.getByTestId('price-changes-card');
  await expect(card.getByTestId('price-changes-table')).toContainText('Starter → v2');
  await expect(card.getByTestId('price-changes-table')).toContainText('14 d');
  await expect(page.getByTestId('plan-schedule-starter')).toBeDisabled();
  await card.getByTestId('price-change-cancel-starter').click();
  const dialog = page.getByTestId('price-change-cancel-dialog');
  await expect(dialog).toContainText('no notice goes out');
  await shot(page, 'price-change-03-cancel-confirm');
  await dialog.getByTestId('price-change-cancel-confirm').click();
  await expect(card.getByTestId('price-changes-table')).toContainText('canceled');
});
