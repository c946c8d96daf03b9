import { expect, test, type Locator, type Page } from '@playwright/test';
import pLimit from 'p-limit';
import { fullTier, fullTierOnly } from '../support/tier';
import { dismissNotifications, invokeThroughHost, saveScreenshot, useHostMode } from './browser-helpers';

// Tenants created through the contract before the form is used, so the table, search and
// badges are exercised on more than one row.
const SEED = [
  { companyName: 'Acme Manufacturing Ltd', subdomain: 'acme', plan: 'enterprise', adminEmail: 'it@acme.example' },
  { companyName: 'Blue River Foods', subdomain: 'blueriver', plan: 'starter', adminEmail: 'ops@blueriver.example' },
  { companyName: 'Contoso Retail', subdomain: 'contoso', plan: 'professional', adminEmail: 'admin@contoso.example' },
  { companyName: 'Globex Logistics', subdomain: 'globex', plan: 'trial', adminEmail: 'hello@globex.example' },
  { companyName: 'Initech Software', subdomain: 'initech', plan: 'starter', adminEmail: 'bill@initech.example' },
] as const;

const NEW_TENANT = {
  companyName: 'Northwind Traders',
  subdomain: 'northwind',
  planLabel: /^Professional/,
  adminEmail: 'admin@northwind.example',
};

const host = useHostMode();

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });

const shot = (page: Page, name: string) => saveScreenshot(page, name);

const invoke = <T = unknown>(page: Page, channel: string, input: unknown) => invokeThroughHost<T>(host, page, channel, input);

function row(page: Page, company: string): Locator {
  return page.getByTestId('tenant-row').filter({ has: page.getByTestId('tenant-company').getByText(company, { exact: true }) });
}

test('operator creates, finds, suspends and reactivates a tenant in the browser', async ({ page }) => {
  test.setTimeout(240_000);
  const drawer = page.getByTestId('tenant-detail');
  let tenantCode = '';

  await test.step('open the printed URL: empty state', async () => {
    await page.goto(host.url);
    await expect(page).toHaveURL(`${host.origin}/`);
    await expect(page.getByTestId('page-title')).toHaveText('Tenants');
    await expect(page.getByTestId('tenants-empty')).toContainText('No tenants yet — create the first one');
    await expect(page.getByTestId('mode-badge')).toBeVisible();
    await shot(page, '01-empty');
  });

  await test.step('other tenants appear as they are created elsewhere', async () => {
    for (const tenant of SEED) await invoke(page, 'tenants:create', tenant);
    const globex = (await invoke(page, 'tenants:get', { ref: 'globex' })) as { version: number };
    await invoke(page, 'tenants:suspend', { ref: 'globex', reason: 'Trial expired without payment', expectedVersion: globex.version });
    // tenant:changed events refresh the list without a reload.
    await expect(page.getByTestId('tenant-row')).toHaveCount(SEED.length);
    await expect(row(page, 'Globex Logistics').getByTestId('status-badge')).toHaveAttribute('data-status', 'suspended');
  });

  await test.step('fill the create form with inline validation', async () => {
    await page.getByTestId('new-tenant').click();
    const form = page.getByTestId('create-tenant-form');
    await expect(form).toBeVisible();
    await expect(page.getByTestId('create-subdomain-suffix')).toHaveText('.yourerp.com');

    // The shared rules answer while typing…
    await page.getByTestId('create-subdomain').fill('ab');
    await expect(form.getByText('Subdomain must be at least 3 characters.')).toBeVisible();
    await page.getByTestId('create-subdomain').fill('www');
    await expect(form.getByText('"www" is reserved; choose another subdomain.')).toBeVisible();
    // …and main answers for availability.
    await page.getByTestId('create-subdomain').fill('acme');
    await expect(form.getByText(/already/i)).toBeVisible();
    await page.getByTestId('create-email').fill('not-an-email');
    await expect(form.getByText('Admin email is not a valid address.')).toBeVisible();

    await page.getByTestId('create-company').fill(NEW_TENANT.companyName);
    await page.getByTestId('create-subdomain').fill(NEW_TENANT.subdomain);
    await page.getByTestId('create-plan').click();
    await page.getByRole('option', { name: NEW_TENANT.planLabel }).click();
    await page.getByTestId('create-email').fill(NEW_TENANT.adminEmail);
    await expect(page.getByTestId('subdomain-available')).toHaveText('northwind.yourerp.com is available');
    await expect(form.locator('[data-error]')).toHaveCount(0);
    await shot(page, '02-create-form');
  });

  await test.step('submit: progress, then the one-time credentials', async () => {
    // Hold main's answer until the progress view has shown every step, so it can be checked.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/invoke/tenants:create', async (route) => {
      const response = await route.fetch();
      await released;
      await route.fulfill({ response });
    });

    await page.getByTestId('create-submit').click();
    await expect(page.getByTestId('provisioning')).toBeVisible();
    await expect(page.getByTestId('provisioning-steps')).toHaveAttribute('data-complete', 'true');
    await expect(page.getByTestId('provisioning-step')).toHaveText(/^(\d+) of \1 steps done$/);
    await expect(page.getByTestId('provisioning-progress').getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
    await shot(page, '03-progress');
    release();

    await expect(page.getByTestId('credentials')).toBeVisible();
    await page.unroute('**/api/invoke/tenants:create');
    await expect(page.getByTestId('credentials-warning')).toContainText('shown only once');
    tenantCode = (await page.getByTestId('created-code').textContent()) ?? '';
    expect(tenantCode).toMatch(/^NORT\d{3}$/);
    await expect(page.getByTestId('credential-database')).toHaveText(`tenant_${tenantCode.toLowerCase()}`);
    await expect(page.getByTestId('credential-user')).toHaveText(`tenant_${tenantCode.toLowerCase()}_app`);
    await expect(page.getByTestId('credential-host')).toHaveText('127.0.0.1');
    expect(((await page.getByTestId('credential-password').textContent()) ?? '').length).toBeGreaterThanOrEqual(16);
    await expect(page.getByTestId('provisioning-steps')).toHaveAttribute('data-complete', 'true');
    await shot(page, '04-credentials');
    // The one-time password is not lost to a stray Escape or a click outside.
    await page.keyboard.press('Escape');
    await page.mouse.click(5, 5);
    await expect(page.getByTestId('credentials')).toBeVisible();
    await expect(page.getByTestId('create-tenant-modal').locator('.mantine-Modal-close')).toHaveCount(0);
    await expect(page.getByTestId('credentials-done')).toHaveText('I have stored it');
    await page.getByTestId('credentials-done').click();
    await expect(page.getByTestId('credentials')).toBeHidden();
  });

  await test.step('find it in the table by searching', async () => {
    await expect(page.getByTestId('tenant-row')).toHaveCount(SEED.length + 1);
    await page.getByTestId('tenant-search').fill('northw');
    await expect(page.getByTestId('tenant-row')).toHaveCount(1);
    const found = row(page, NEW_TENANT.companyName);
    await expect(found).toHaveAttribute('data-tenant-code', tenantCode);
    await expect(found.getByTestId('tenant-domain')).toHaveText('northwind.yourerp.com');
    await expect(found.getByTestId('plan-badge')).toHaveAttribute('data-plan', 'professional');
    await expect(found.getByTestId('status-badge')).toHaveAttribute('data-status', 'active');
    await expect(page.getByTestId('tenants-total')).toHaveText('Showing 1–1 of 1 tenant');

    // Filters and sorting are done in main; the table shows its answer.
    await page.getByTestId('tenant-search').fill('');
    await expect(page.getByTestId('tenant-row')).toHaveCount(SEED.length + 1);
    await page.getByTestId('status-filter').click();
    await page.getByTestId('status-filter-suspended').click();
    await expect(page.getByTestId('tenant-row')).toHaveCount(1);
    await expect(row(page, 'Globex Logistics')).toBeVisible();
    await page.keyboard.press('Escape');
    await page.getByTestId('clear-filters').click();
    await page.getByTestId('plan-filter').click();
    await page.getByTestId('plan-filter-starter').click();
    await expect(page.getByTestId('tenant-row')).toHaveCount(2);
    await page.keyboard.press('Escape');
    await page.getByTestId('clear-filters').click();
    await expect(page.getByTestId('tenant-row')).toHaveCount(SEED.length + 1);
    await page.getByTestId('sort-companyName').click();
    await expect(page.getByTestId('tenant-company').first()).toHaveText('Acme Manufacturing Ltd');
    await page.getByTestId('sort-companyName').click();
    await expect(page.getByTestId('tenant-company').first()).toHaveText('Northwind Traders');
    await page.getByTestId('sort-createdAt').click();

    await page.getByTestId('tenant-search').fill('no such tenant');
    await expect(page.getByTestId('tenants-no-matches')).toBeVisible();
    await shot(page, '06-no-matches');
    await page.getByTestId('tenant-search').fill('');
    await expect(page.getByTestId('tenant-row')).toHaveCount(SEED.length + 1);
    await shot(page, '05-table');
    await page.getByTestId('tenant-search').fill(NEW_TENANT.subdomain);
    await expect(page.getByTestId('tenant-row')).toHaveCount(1);
  });

  await test.step('open the tenant detail', async () => {
    await row(page, NEW_TENANT.companyName).click();
    await expect(drawer).toBeVisible();
    const detail = page.getByTestId('tenant-detail');
    await expect(detail).toHaveAttribute('data-status', 'active');
    await expect(page.getByTestId('detail-plan-name')).toHaveText('Professional');
    await expect(page.getByTestId('detail-database')).toHaveText(`tenant_${tenantCode.toLowerCase()}`);
    await expect(page.getByTestId('detail-role')).toHaveText(`tenant_${tenantCode.toLowerCase()}_app`);
    await expect(page.getByTestId('detail-email')).toHaveText(NEW_TENANT.adminEmail);
    await expect(page.getByTestId('limit-companies')).not.toBeEmpty();
    await shot(page, '07-detail');
  });

  await test.step('suspend it with a reason (undoable: no typed code)', async () => {
    await page.getByTestId('action-suspend').click();
    const modal = page.getByRole('dialog', { name: 'Suspend tenant' });
    await expect(modal).toBeVisible();
    const confirm = modal.getByTestId('confirm-suspend');
    await expect(confirm).toBeDisabled();
    await expect(modal.getByTestId('confirm-code')).toHaveCount(0);
    await modal.getByTestId('action-reason').fill('Invoice INV-2041 unpaid for 30 days');
    await expect(confirm).toBeEnabled();
    await shot(page, '08-suspend-confirm');
    await confirm.click();
    await expect(modal).toBeHidden();
    await expect(page.getByTestId('tenant-detail')).toHaveAttribute('data-status', 'suspended');
    await expect(page.getByTestId('detail-status-reason')).toHaveText('Invoice INV-2041 unpaid for 30 days');
    await expect(row(page, NEW_TENANT.companyName).getByTestId('status-badge')).toHaveAttribute('data-status', 'suspended');
    await shot(page, '09-suspended');
  });

  await test.step('activate it again', async () => {
    await page.getByTestId('action-activate').click();
    const modal = page.getByRole('dialog', { name: 'Activate tenant' });
    await expect(modal).toBeVisible();
    await modal.getByTestId('confirm-activate').click();
    await expect(modal).toBeHidden();
    await expect(page.getByTestId('tenant-detail')).toHaveAttribute('data-status', 'active');
    await expect(page.getByTestId('detail-status-alert')).toBeHidden();
    await expect(row(page, NEW_TENANT.companyName).getByTestId('status-badge')).toHaveAttribute('data-status', 'active');
    await shot(page, '10-active');
  });

  await test.step('the drawer shows what was done to the tenant, newest first', async () => {
    await page.getByTestId('detail-tab-activity').click();
    const activity = page.getByTestId('tenant-activity');
    const entries = activity.getByTestId('activity-entry');
    // Suspending backs the tenant up first ("Back up first" is checked by default).
    await expect(entries).toHaveCount(4);
    await expect(entries.nth(0)).toHaveAttribute('data-kind', 'activate');
    await expect(entries.nth(0).getByTestId('activity-title')).toHaveText('Activated');
    await expect(entries.nth(1)).toHaveAttribute('data-kind', 'suspend');
    await expect(entries.nth(1).getByTestId('activity-title')).toHaveText('Suspended — Invoice INV-2041 unpaid for 30 days');
    await expect(entries.nth(2)).toHaveAttribute('data-kind', 'backup');
    await expect(entries.nth(2).getByTestId('activity-title')).toHaveText(/^Backed up/);
    await expect(entries.nth(3)).toHaveAttribute('data-kind', 'provision');
    await expect(entries.nth(3).getByTestId('activity-title')).toHaveText('Provisioned');
    for (let index = 0; index < 4; index += 1) {
      await expect(entries.nth(index)).toHaveAttribute('data-state', 'done');
      await expect(entries.nth(index).getByTestId('activity-by')).not.toBeEmpty();
      // Relative time first, then the absolute one: on a loaded machine the provisioning
      // entry can be a minute old by the time the tab is read.
      await expect(entries.nth(index).getByTestId('activity-meta')).toContainText(/(just now|\d+ minutes? ago|a minute ago) · \w{3} \d+, \d{4}/);
    }
    await dismissNotifications(page);
    await activity.scrollIntoViewIfNeeded();
    await shot(page, '17-activity');

    // A change made elsewhere (tenant:changed) reaches the open drawer's activity.
    const detail = page.getByTestId('tenant-detail');
    const version = Number(await detail.getAttribute('data-version'));
    await invoke(page, 'tenants:suspend', { ref: tenantCode, reason: 'Suspended from another console', expectedVersion: version });
    await expect(entries).toHaveCount(6); // its backup, then the suspension
    await expect(entries.first().getByTestId('activity-title')).toHaveText('Suspended — Suspended from another console');
    await invoke(page, 'tenants:activate', { ref: tenantCode, expectedVersion: version + 1 });
    await expect(entries).toHaveCount(7);
    await expect(entries.first()).toHaveAttribute('data-kind', 'activate');
    await expect(detail).toHaveAttribute('data-status', 'active');
    await expect(detail).toHaveAttribute('data-version', String(version + 2));
    await page.getByTestId('detail-tab-overview').click();
    await expect(page.getByTestId('tenant-overview')).toBeVisible();
  });

  await test.step('a stale version is refused with main\'s message', async () => {
    const detail = page.getByTestId('tenant-detail');
    const seen = Number(await detail.getAttribute('data-version'));
    // The request leaves as if the operator had been looking at the version before last:
    // main must refuse it, and the screen must say so and show the tenant as it is.
    await page.route('**/api/invoke/tenants:suspend', (route) => {
      const body = route.request().postDataJSON() as Record<string, unknown>;
      return route.continue({ postData: JSON.stringify({ ...body, expectedVersion: seen - 1 }) });
    });
    await page.getByTestId('action-suspend').click();
    const modal = page.getByRole('dialog', { name: 'Suspend tenant' });
    await modal.getByTestId('action-reason').fill('Suspended from a stale screen');
    await modal.getByTestId('confirm-suspend').click();
    await expect(page.getByRole('alert').filter({ hasText: 'changed by someone else' })).toBeVisible();
    await expect(modal).toBeHidden();
    await page.unroute('**/api/invoke/tenants:suspend');
    await expect(detail).toHaveAttribute('data-status', 'active');
    await expect(detail).toHaveAttribute('data-version', String(seen));
  });

  await test.step('cancel another tenant: deletion is scheduled after the retention period', async () => {
    await page.keyboard.press('Escape');
    await expect(drawer).toBeHidden();
    await page.getByTestId('tenant-search').fill('');
    await expect(page.getByTestId('tenant-row')).toHaveCount(SEED.length + 1);
    await row(page, 'Initech Software').click();
    await expect(drawer).toHaveAttribute('data-status', 'active');
    await page.getByTestId('action-cancel').click();
    const modal = page.getByRole('dialog', { name: 'Cancel tenant' });
    await expect(modal.getByTestId('cancel-retention')).toContainText('30-day retention period');
    await modal.getByTestId('confirm-code').fill('INIT001');
    await shot(page, '11-cancel-confirm');
    await modal.getByTestId('confirm-cancel').click();
    await expect(modal).toBeHidden();
    await expect(drawer).toHaveAttribute('data-status', 'cancelled');
    await expect(page.getByTestId('detail-deletion')).not.toHaveText('—');
    await expect(row(page, 'Initech Software').getByTestId('status-badge')).toHaveAttribute('data-status', 'cancelled');
    await page.keyboard.press('Escape');
    await expect(drawer).toBeHidden();
  });

  await test.step('more tenants than a page: main pages, the table shows 50', async () => {
    // 45 more provisionings: the fast tier proves paging in the integration tests (tenants:list).
    if (fullTierOnly('paging the tenants table through 51 tenants in the browser')) return;
    const words = ['Alpine', 'Beacon', 'Cedar', 'Delta', 'Ember', 'Fjord', 'Granite', 'Harbor', 'Iris'];
    const kinds = ['Dental', 'Freight', 'Bakery', 'Studio', 'Clinic'];
    const plans = ['trial', 'starter', 'professional', 'enterprise'];
    // Four at a time, as several operators might: provisioning runs side by side.
    const limit = pLimit(4);
    await Promise.all(Array.from({ length: 45 }, (_, index) => limit(async () => {
      const word = words[index % words.length]!;
      const kind = kinds[Math.floor(index / words.length) % kinds.length]!;
      await invoke(page, 'tenants:create', {
        companyName: `${word} ${kind}`,
        subdomain: `${word}-${kind}`.toLowerCase(),
        plan: plans[index % plans.length],
        adminEmail: `admin@${word}-${kind}.example`.toLowerCase(),
      });
    })));
    const total = SEED.length + 1 + 45;
    await expect(page.getByTestId('tenants-total')).toHaveText(`Showing 1–50 of ${total} tenants`);
    await expect(page.getByTestId('tenant-row')).toHaveCount(50);
    await page.getByTestId('tenants-pagination').getByRole('button', { name: 'Page 2', exact: true }).click();
    await expect(page.getByTestId('tenants-total')).toHaveText(`Showing 51–${total} of ${total} tenants`);
    await expect(page.getByTestId('tenant-row')).toHaveCount(total - 50);
    await page.getByTestId('tenants-pagination').getByRole('button', { name: 'Page 1', exact: true }).click();
    await expect(page.getByTestId('tenant-row')).toHaveCount(50);
  });

  await test.step('dark theme, remembered across reloads', async () => {

    await page.getByTestId('color-scheme-toggle').click();
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');

    // Reload with the list held back: the skeleton shows while main answers.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/invoke/tenants:list', async (route) => {
      await released;
      await route.continue();
    });
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
    await expect(page.getByTestId('tenant-skeleton-row').first()).toBeVisible();
    await shot(page, '12-dark-loading');
    release();
    await expect(page.getByTestId('tenant-row')).toHaveCount(fullTier ? 50 : SEED.length + 1);
    await page.unroute('**/api/invoke/tenants:list');
    await shot(page, '13-dark-table');
    await page.getByTestId('tenant-search').fill('globex');
    await expect(page.getByTestId('tenant-row')).toHaveCount(1);
    await row(page, 'Globex Logistics').click();
    await expect(page.getByTestId('tenant-detail')).toHaveAttribute('data-status', 'suspended');
    await shot(page, '14-dark-detail');
    await page.keyboard.press('Escape');
    await expect(drawer).toBeHidden();

    await page.getByTestId('new-tenant').click();
    await page.getByTestId('create-company').fill('Umbrella Health');
    await page.getByTestId('create-email').fill('admin@umbrella');
    await page.getByTestId('create-email').blur();
    await expect(page.getByTestId('subdomain-available')).toHaveText('umbrella-health.yourerp.com is available');
    await expect(page.getByText('Admin email is not a valid address.')).toBeVisible();
    await shot(page, '15-dark-create-form');
    await page.keyboard.press('Escape');

    // Reconcile on demand: nothing was interrupted, and the operator is told so.
    await page.getByTestId('reconcile').click();
    await expect(page.getByText('Nothing to recover')).toBeVisible();
    await expect(page.getByText('No operation was interrupted.')).toBeVisible();
    await shot(page, '16-dark-recover');
  });

  await test.step('settings: app facts, inline validation, a new base domain and retention', async () => {
    await page.getByTestId('color-scheme-toggle').click();
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'light');
    await expect(page.getByTestId('nav-billing')).not.toContainText('Soon');
    await dismissNotifications(page);
    await page.getByTestId('nav-settings').click();
    await expect(page.getByTestId('page-title')).toHaveText('Settings');
    await expect(page.getByTestId('nav-settings')).toHaveAttribute('aria-current', 'page');

    // Read-only facts from app:info.
    await expect(page.getByTestId('info-server-kind')).toContainText('Embedded');
    await expect(page.getByTestId('info-server-address')).toHaveText(/^127\.0\.0\.1:\d+$/);
    await expect(page.getByTestId('info-server-version')).toHaveText(/^\d+/);
    await expect(page.getByTestId('info-platform-database')).not.toBeEmpty();
    await expect(page.getByTestId('info-schema-version')).toHaveText(/^\d+$/);
    await expect(page.getByTestId('info-console-version')).toHaveText(/^\d+\.\d+\.\d+/);
    await expect(page.getByTestId('info-mode')).toHaveText('Host mode (browser)');

    const form = page.getByTestId('settings-form');
    const domain = page.getByTestId('settings-base-domain');
    const retention = page.getByTestId('settings-retention');
    const save = page.getByTestId('settings-save');
    await expect(domain).toHaveValue('yourerp.com');
    await expect(retention).toHaveValue('30');
    await expect(page.getByTestId('settings-preview')).toHaveText('Tenants are reached at acme.yourerp.com');
    await expect(save).toBeDisabled();

    // The contract's rules answer while typing, and Save stays disabled.
    await domain.fill('not a domain');
    await expect(form.getByText('Base domain must be a domain name such as example.com.')).toBeVisible();
    await expect(page.getByTestId('settings-preview')).toBeHidden();
    await expect(save).toBeDisabled();
    await domain.fill('-bad.example.com');
    await expect(form.getByText('Base domain must be a domain name such as example.com.')).toBeVisible();
    await expect(save).toBeDisabled();
    await domain.fill('Example-ERP.net');
    await expect(form.getByText('Base domain must be a domain name such as example.com.')).toBeHidden();
    await retention.fill('0');
    await expect(form.getByText('Retention must be between 1 and 3650 days.')).toBeVisible();
    await expect(save).toBeDisabled();
    await retention.fill('45');
    // Spare databases: none in these specs' data folders (global-setup.ts); the range answers while typing.
    const spares = page.getByTestId('settings-spare-databases');
    await expect(spares).toHaveValue('0');
    await spares.fill('11');
    await expect(form.getByText('Enter a whole number from 0 to 10.')).toBeVisible();
    await expect(save).toBeDisabled();
    await spares.fill('0');
    await expect(form.locator('[data-error]')).toHaveCount(0);
    await expect(page.getByTestId('settings-preview')).toHaveText('Tenants are reached at acme.example-erp.net');
    await expect(page.getByTestId('settings-domain-warning')).toContainText('example-erp.net');
    await expect(save).toBeEnabled();
    await shot(page, '18-settings');

    // A refusal from main is shown as main's message, and the edits stay for another try.
    await page.route('**/api/invoke/settings:update', (route) =>
      route.fulfill({ json: { ok: false, error: { code: 'DATABASE_UNAVAILABLE', message: 'The platform database is not answering.' } } }),
    );
    await save.click();
    await expect(page.getByRole('alert').filter({ hasText: 'Settings were not saved' })).toContainText('The platform database is not answering.');
    await expect(domain).toHaveValue('Example-ERP.net');
    await expect(save).toBeEnabled();
    await page.unroute('**/api/invoke/settings:update');
    await dismissNotifications(page);

    await save.click();
    await expect(page.getByText('Settings saved')).toBeVisible();
    await expect(domain).toHaveValue('example-erp.net');
    await expect(retention).toHaveValue('45');
    await expect(save).toBeDisabled();
    expect(await invoke(page, 'settings:get', {})).toMatchObject({ baseDomain: 'example-erp.net', cancellationRetentionDays: 45 });

    await page.getByTestId('color-scheme-toggle').click();
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
    await shot(page, '19-settings-dark');

    // Back on Tenants, every address carries the new domain, and cancelling uses the new retention.
    await page.getByTestId('nav-tenants').click();
    await expect(page.getByTestId('page-title')).toHaveText('Tenants');
    await page.getByTestId('tenant-search').fill('');
    await expect(page.getByTestId('tenant-row')).toHaveCount(fullTier ? 50 : SEED.length + 1);
    const domains = page.getByTestId('tenant-domain');
    await expect(domains.first()).toContainText('.example-erp.net');
    expect((await domains.allTextContents()).every((text) => text.endsWith('.example-erp.net'))).toBe(true);
    await page.getByTestId('tenant-search').fill('contoso');
    await expect(page.getByTestId('tenant-row')).toHaveCount(1);
    await row(page, 'Contoso Retail').click();
    await expect(page.getByTestId('detail-address')).toHaveText('contoso.example-erp.net');
    await page.getByTestId('action-cancel').click();
    const modal = page.getByRole('dialog', { name: 'Cancel tenant' });
    await expect(modal.getByTestId('cancel-retention')).toContainText('45-day retention period');
    await modal.getByRole('button', { name: 'Keep tenant' }).click();
    await expect(modal).toBeHidden();
    await page.keyboard.press('Escape');
    await expect(drawer).toBeHidden();
  });

  await test.step('a lost one-time password: reset it from the drawer, shown once', async () => {
    await page.getByTestId('tenant-search').fill('northwind');
    await row(page, NEW_TENANT.companyName).click();
    await page.getByTestId('detail-tab-overview').click();
    await page.getByTestId('reset-db-password').click();
    const modal = page.getByTestId('reset-db-password-modal');
    await modal.getByTestId('reset-db-password-confirm').click();
    const result = modal.getByTestId('reset-db-password-result');
    await expect(result).toBeVisible();
    await expect(result.getByTestId('credential-user')).toHaveText(`tenant_${tenantCode.toLowerCase()}_app`);
    expect(((await result.getByTestId('credential-password').textContent()) ?? '').length).toBeGreaterThanOrEqual(16);
    await shot(page, '20-reset-password');
    // Like the create dialog: Escape neither loses the password nor closes the drawer below.
    await page.keyboard.press('Escape');
    await expect(result).toBeVisible();
    await modal.getByTestId('reset-db-password-done').click();
    await expect(result).toBeHidden();
    await expect(drawer).toBeVisible();
  });
});
