import { expect, test, type Page } from '@playwright/test';
import { invokeThroughHost, saveScreenshot, useHostMode } from './browser-helpers';

/**
 * Finding and moving, in real Chromium through host mode: every page, tenant and tab has an
 * address that a reload keeps and Back/Forward walk; Ctrl-K searches tenants ignoring accents;
 * `/` focuses the page's search; `?` lists the shortcuts; the title names the page and tenant.
 */
const host = useHostMode();

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });

const shot = (page: Page, name: string) => saveScreenshot(page, name, { withoutNotifications: true });
const invoke = <T = unknown>(page: Page, channel: string, input: unknown) => invokeThroughHost<T>(host, page, channel, input);

/** The page's URL with the console's address (the fragment) in place of whatever it had. */
const at = (fragment: string) => `${host.origin}/${fragment}`;

test('addresses, Back and Forward, Ctrl-K with accents, / and ?, the window title', async ({ page }) => {
  test.setTimeout(180_000);
  // The printed URL signs the tab in (its token is kept for the tab and dropped from the URL).
  await page.goto(host.url);
  const muller = await invoke<{ tenant: { tenantCode: string } }>(page, 'tenants:create', {
    companyName: 'Müller Bäckerei GmbH',
    subdomain: 'mueller',
    plan: 'starter',
    adminEmail: 'owner@mueller.example',
  });
  const acme = await invoke<{ tenant: { tenantCode: string } }>(page, 'tenants:create', {
    companyName: 'Acme Manufacturing Ltd',
    subdomain: 'acme',
    plan: 'professional',
    adminEmail: 'it@acme.example',
  });
  const mullerCode = muller.tenant.tenantCode;
  const drawer = page.getByTestId('tenant-detail');

  await test.step("a tenant's billing tab opens by its address, and a reload stays there", async () => {
    await page.goto(at(`#/tenants/${mullerCode}/billing`));
    await expect(drawer).toBeVisible();
    await expect(page.getByTestId('detail-company')).toHaveText('Müller Bäckerei GmbH');
    await expect(page.getByTestId('detail-tab-billing')).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('tenant-billing')).toBeVisible();
    await expect(page).toHaveTitle(`Müller Bäckerei GmbH (${mullerCode}) · Billing — Tenants — Tenant Console`);
    await page.reload();
    // A reload signs the tab in again and loads the tenant: give a busy machine time for both.
    await expect(page.getByTestId('detail-tab-billing')).toHaveAttribute('aria-selected', 'true', { timeout: 30_000 });
    await expect(page.getByTestId('detail-company')).toHaveText('Müller Bäckerei GmbH');
    expect(new URL(page.url()).hash).toBe(`#/tenants/${mullerCode}/billing`);
  });

  await test.step('Back and Forward walk tabs, the drawer and pages', async () => {
    await page.getByTestId('detail-tab-activity').click();
    await expect(page).toHaveURL(new RegExp(`#/tenants/${mullerCode}/activity$`));
    await page.keyboard.press('Escape');
    await expect(drawer).toBeHidden();
    await expect(page).toHaveURL(/#\/tenants$/);
    await expect(page).toHaveTitle('Tenants — Tenant Console');
    await page.getByTestId('nav-usage').click();
    await expect(page.getByTestId('page-title')).toHaveText('Usage');
    await expect(page).toHaveURL(/#\/usage$/);
    await expect(page).toHaveTitle('Usage — Tenant Console');

    await page.goBack();
    await expect(page.getByTestId('page-title')).toHaveText('Tenants');
    await expect(drawer).toBeHidden();
    await page.goBack();
    await expect(drawer).toBeVisible();
    await expect(page.getByTestId('detail-tab-activity')).toHaveAttribute('aria-selected', 'true');
    await page.goBack();
    await expect(page.getByTestId('detail-tab-billing')).toHaveAttribute('aria-selected', 'true');
    await page.goForward();
    await expect(page.getByTestId('detail-tab-activity')).toHaveAttribute('aria-selected', 'true');
    await page.goForward();
    await page.goForward();
    await expect(page.getByTestId('page-title')).toHaveText('Usage');
    await expect(drawer).toBeHidden();
  });

  await test.step('filters are in the address: a reload keeps them, a typed search replaces the entry', async () => {
    await page.goto(at('#/tenants?status=active&q=acme'));
    await expect(page.getByTestId('tenant-search')).toHaveValue('acme');
    await expect(page.getByTestId('tenant-row')).toHaveCount(1);
    await page.getByTestId('tenant-search').fill('mueller');
    await expect(page).toHaveURL(/#\/tenants\?q=mueller&status=active$/);
    await expect(page.getByTestId('tenant-row')).toHaveCount(1);
    await page.reload();
    await expect(page.getByTestId('tenant-search')).toHaveValue('mueller', { timeout: 30_000 });
    await expect(page.getByTestId('tenant-row')).toContainText('Müller Bäckerei GmbH');
    // Back leaves the filtered list for the page before it, not for each keystroke's search.
    await page.goBack();
    await expect(page.getByTestId('page-title')).toHaveText('Usage');
    await page.goForward();
    await expect(page.getByTestId('tenant-search')).toHaveValue('mueller');
    // An unknown page or a malformed code in a link opens what exists.
    await page.goto(at('#/nowhere/NOT-A-CODE'));
    await expect(page.getByTestId('page-title')).toHaveText('Tenants');
    await expect(page).toHaveURL(/#\/tenants$/);
  });

  await test.step('Ctrl-K finds "Müller" by typing "Muller" and opens it', async () => {
    await page.locator('body').click({ position: { x: 5, y: 500 } });
    await page.keyboard.press('Control+k');
    const palette = page.getByTestId('palette-input');
    await expect(palette).toBeFocused();
    await expect(page.getByTestId('palette-entry').first()).toContainText('Go to Tenants');
    await palette.pressSequentially('Muller');
    const first = page.getByTestId('palette-entry').first();
    await expect(first).toHaveAttribute('data-kind', 'tenant');
    await expect(first).toContainText('Müller Bäckerei GmbH');
    await expect(first).toContainText(mullerCode);
    await expect(page.getByTestId('palette-entry').filter({ hasText: 'Acme' })).toHaveCount(0);
    await shot(page, 'nav-01-palette-light');
    // By admin e-mail and by subdomain too.
    await palette.fill('it@acme');
    await expect(page.getByTestId('palette-entry').first()).toContainText('Acme Manufacturing Ltd');
    await expect(page.getByTestId('palette-entry').first()).toContainText('Admin e-mail');
    await palette.fill('MULLER');
    await expect(page.getByTestId('palette-entry').first()).toContainText('Müller Bäckerei GmbH');
    await palette.press('Enter');
    await expect(page.getByTestId('command-palette')).toBeHidden();
    await expect(page.getByTestId('detail-company')).toHaveText('Müller Bäckerei GmbH');
    await expect(page).toHaveURL(new RegExp(`#/tenants/${mullerCode}$`));
    await expect(page).toHaveTitle(`Müller Bäckerei GmbH (${mullerCode}) · Overview — Tenants — Tenant Console`);
    await page.keyboard.press('Escape');
    await expect(drawer).toBeHidden();
  });

  await test.step('/ focuses the page search; ? lists the shortcuts (not while typing)', async () => {
    await page.getByTestId('page-title').click();
    await page.keyboard.press('/');
    await expect(page.getByTestId('tenant-search')).toBeFocused();
    // Typed into the box, / and ? are text.
    await page.keyboard.type('a/?');
    await expect(page.getByTestId('tenant-search')).toHaveValue('a/?');
    await expect(page.getByTestId('shortcuts-dialog')).toBeHidden();
    await page.getByTestId('tenant-search').fill('');
    await page.getByTestId('page-title').click();
    await page.keyboard.press('Shift+?');
    const list = page.getByTestId('shortcuts-list');
    await expect(list).toBeVisible();
    await expect(list).toContainText('Search tenants, admin e-mails, subdomains and invoice numbers');
    await expect(list).toContainText('Ctrl');
    await expect(list).toContainText("Focus the page's search");
    await shot(page, 'nav-02-shortcuts-light');
    await page.keyboard.press('Escape');
    await expect(list).toBeHidden();
  });

  await test.step('dark theme: the palette and the shortcuts', async () => {
    await page.getByTestId('color-scheme-toggle').click();
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
    await page.keyboard.press('Control+k');
    await page.getByTestId('palette-input').pressSequentially('mu');
    await expect(page.getByTestId('palette-entry').first()).toContainText('Müller Bäckerei GmbH');
    await page.getByTestId('palette-input').press('ArrowDown');
    await shot(page, 'nav-03-palette-dark');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('command-palette')).toBeHidden();
    await page.getByTestId('page-title').click();
    await page.keyboard.press('Shift+?');
    await expect(page.getByTestId('shortcuts-list')).toBeVisible();
    await shot(page, 'nav-04-shortcuts-dark');
    await page.keyboard.press('Escape');
    // Put the theme back for the next spec that shares this browser profile (none do; tidy).
    await page.getByTestId('color-scheme-toggle').click();
  });

  await test.step('the Acme tenant is one Ctrl-K away too (by its code)', async () => {
    await page.keyboard.press('Control+k');
    await page.getByTestId('palette-input').fill(acme.tenant.tenantCode.toLowerCase());
    await expect(page.getByTestId('palette-entry').first()).toContainText('Acme Manufacturing Ltd');
    await page.getByTestId('palette-entry').first().click();
    await expect(page.getByTestId('detail-company')).toHaveText('Acme Manufacturing Ltd');
  });
});
