import { expect, test, type Page } from '@playwright/test';
import { saveScreenshot, useHostMode } from './browser-helpers';

/**
 * The Plans editor's pricing models with the live preview (sample usage 12 users, 2
 * companies, 5,000 transactions — the preview's defaults), then the saved per-user version
 * as the create form shows it. A screenshot per model; the last one in dark mode.
 */
const host = useHostMode();

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1440, height: 1000 }, colorScheme: 'light' });

const shot = (page: Page, name: string) => saveScreenshot(page, name, { withoutNotifications: true });

async function chooseModel(page: Page, label: string): Promise<void> {
  const modal = page.getByTestId('edit-plan-modal');
  await modal.getByTestId('plan-field-model').click();
  await page.getByRole('option', { name: label, exact: true }).click();
}

test('plan editor: each pricing model with its live price preview; the saved per-user plan in the create form', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(host.url);
  await page.getByTestId('nav-plans').click();
  await expect(page.getByTestId('page-title')).toHaveText('Plans');
  await page.getByTestId('plan-edit-starter').click();
  const modal = page.getByTestId('edit-plan-modal');
  const total = modal.getByTestId('pricing-preview-total');

  await test.step('flat: the plan price, whatever the usage', async () => {
    await expect(modal.getByTestId('plan-field-model')).toHaveValue('Flat price');
    await expect(total).toHaveText('$49');
    await modal.getByTestId('preview-users').fill('40');
    await expect(total).toHaveText('$49');
    await modal.getByTestId('preview-users').fill('12');
    await shot(page, 'pricing-01-flat');
  });

  await test.step('per user: 12 users, 2 free, $10 each = $100; the base price is not asked for', async () => {
    await chooseModel(page, 'Per user (seats)');
    await expect(modal.getByTestId('plan-field-price')).toBeDisabled();
    await expect(modal.getByTestId('plan-pricing-problem')).toContainText('needs a unit price above 0');
    await expect(modal.getByTestId('edit-plan-save')).toBeDisabled();
    await modal.getByTestId('plan-field-unit-price').fill('10');
    await modal.getByTestId('plan-field-included').fill('2');
    await expect(modal.getByTestId('plan-pricing-problem')).toHaveCount(0);
    await expect(total).toHaveText('$100');
    await expect(modal.getByTestId('pricing-preview-lines')).toContainText('10 users × $10');
    await expect(modal.getByTestId('pricing-preview-lines')).toContainText('12 counted, 2 included');
    await modal.getByTestId('preview-users').fill('15');
    await expect(total).toHaveText('$130');
    await modal.getByTestId('preview-users').fill('12');
    await shot(page, 'pricing-02-per-user');
  });

  await test.step('per company: 2 companies × $25 = $50', async () => {
    await chooseModel(page, 'Per company');
    await modal.getByTestId('plan-field-unit-price').fill('25');
    await modal.getByTestId('plan-field-included').fill('0');
    await expect(total).toHaveText('$50');
    await shot(page, 'pricing-03-per-company');
  });

  await test.step('per transaction: 5,000 counted, 1,000 free, $0.03 each = $120', async () => {
    await chooseModel(page, 'Per transaction');
    await modal.getByTestId('plan-field-unit-price').fill('0.03');
    await modal.getByTestId('plan-field-included').fill('1000');
    await expect(total).toHaveText('$120');
    await shot(page, 'pricing-04-per-transaction');
  });

  await test.step('base + usage: $99 including 2,000, then $0.02: $99 + 3,000 × $0.02 = $159', async () => {
    await chooseModel(page, 'Base + usage');
    await modal.getByTestId('plan-field-price').fill('99');
    await modal.getByTestId('plan-field-unit-price').fill('0.02');
    await modal.getByTestId('plan-field-included').fill('2000');
    await expect(total).toHaveText('$159');
    await expect(modal.getByTestId('pricing-preview-lines')).toContainText('2,000 transactions included');
    await shot(page, 'pricing-05-base-plus-usage');
    // Dark mode as the header toggle sets it (the toggle itself is behind the modal's overlay).
    type Root = { setAttribute(name: string, value: string): void };
    const scheme = (value: string) => page.locator('html').evaluate((html, v) => (html as unknown as Root).setAttribute('data-mantine-color-scheme', v), value);
    await scheme('dark');
    await shot(page, 'pricing-06-base-plus-usage-dark');
    await scheme('light');
  });

  await test.step('save per user as version 2; the create form says what a tenant will pay', async () => {
    await chooseModel(page, 'Per user (seats)');
    await modal.getByTestId('plan-field-unit-price').fill('10');
    await modal.getByTestId('plan-field-included').fill('2');
    await expect(modal.getByTestId('edit-plan-save')).toHaveText('Save as version 2');
    await modal.getByTestId('edit-plan-save').click();
    await expect(modal).toBeHidden();
    await page.getByTestId('nav-tenants').click();
    await page.getByTestId('new-tenant').click();
    await page.getByTestId('create-company').fill('Seats Ltd');
    await page.getByTestId('create-plan').click();
    await expect(page.getByRole('option', { name: /Starter — \$10 per user per month, 2 users included/ })).toBeVisible();
    await shot(page, 'pricing-07-create-form');
  });
});
