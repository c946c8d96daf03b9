import { expect, test, type Page } from '@playwright/test';
import { invokeThroughHost, saveScreenshot, useHostMode } from './browser-helpers';

/**
 * API keys and the tenant API in the browser (issue 13): an admin starts the tenant API from
 * Settings, creates a key on the Operators page (shown once, with copy), the key works against
 * the API with exactly its scopes, and a revoked key is refused from the next request on. A
 * Support operator finds the API's controls disabled with the reason.
 */
const host = useHostMode();

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });

const keyRow = (page: Page, name: string) => page.locator(`[data-testid="api-key-row"][data-name="${name}"]`);

test('start the tenant API, create a key shown once, use it, revoke it', async ({ page, browser }) => {
  test.setTimeout(120_000);
  let apiUrl = '';
  let key = '';

  await test.step('Settings → Tenant API: start it on this computer', async () => {
    await page.goto(host.url);
    await expect(page.getByTestId('tenants-empty')).toBeVisible();
    await invokeThroughHost(host, page, 'tenants:create', { companyName: 'Keyed Co', subdomain: 'keyed', plan: 'starter', adminEmail: 'it@keyed.example' });
    await page.getByTestId('nav-settings').click();
    const card = page.getByTestId('tenant-api-card');
    await expect(card.getByTestId('tenant-api-state')).toHaveText('Stopped');
    await card.getByTestId('tenant-api-listen').fill('127.0.0.1:0');
    await card.getByTestId('tenant-api-toggle').click();
    await expect(card.getByTestId('tenant-api-state')).toHaveText('Running');
    apiUrl = (await card.getByTestId('tenant-api-url').textContent()) ?? '';
    expect(apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await card.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'api-01-settings-running', { withoutNotifications: true });
    const refused = await page.request.get(`${apiUrl}/api/tenants`);
    expect(refused.status()).toBe(401);
  });

  await test.step('Operators → API keys: create a key with two scopes; it is shown once, with copy', async () => {
    await page.getByTestId('nav-operators').click();
    await expect(page.getByTestId('api-keys-empty')).toBeVisible();
    await page.getByTestId('create-api-key').click();
    await page.getByTestId('api-key-name').fill('Bad Name');
    await expect(page.getByText(/An API key name starts with a letter/)).toBeVisible();
    await page.getByTestId('api-key-name').fill('erp-production');
    await page.getByTestId('api-key-scope-limits-read').click();
    await saveScreenshot(page, 'api-02-create-dialog');
    await page.getByTestId('create-api-key-submit').click();
    await expect(page.getByTestId('new-api-key')).toBeVisible();
    key = (await page.getByTestId('new-api-key').textContent()) ?? '';
    expect(key).toMatch(/^tck_[A-Za-z0-9_-]{43}$/);
    // Neither Escape nor a click outside closes it: only its hash is kept.
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('new-api-key')).toBeVisible();
    await expect(page.locator('.mantine-Modal-content').filter({ has: page.getByTestId('new-api-key') })).toHaveCSS('opacity', '1');
    await saveScreenshot(page, 'api-03-key-shown-once');
    await page.getByTestId('new-api-key-stored').click();
    await expect(page.getByTestId('new-api-key')).toBeHidden();
    const row = keyRow(page, 'erp-production');
    await expect(row).toHaveAttribute('data-state', 'active');
    await expect(row).toContainText(key.slice(0, 12));
    await expect(row).not.toContainText(key);
    await expect(row).toContainText('limits:read');
    await expect(row).toContainText('tenants:read');
  });

  await test.step('the key works with its scopes, and the list shows its last use', async () => {
    const headers = { authorization: `Bearer ${key}` };
    const list = await page.request.get(`${apiUrl}/api/tenants`, { headers });
    expect(list.status()).toBe(200);
    const { tenants } = (await list.json()) as { tenants: { tenant_code: string }[] };
    expect(tenants).toHaveLength(1);
    const check = await page.request.post(`${apiUrl}/api/tenants/${tenants[0]!.tenant_code}/check-limit`, { headers, data: { resource_type: 'company' } });
    expect(check.status()).toBe(200);
    expect(await check.json()).toMatchObject({ can_create: true, current: 0 });
    const create = await page.request.post(`${apiUrl}/api/tenants`, { headers, data: { company_name: 'No', subdomain: 'no-scope', plan: 'starter', admin_email: 'a@b.example' } });
    expect(create.status()).toBe(403);
    await expect(keyRow(page, 'erp-production').getByTestId('api-key-last-used')).toHaveText('Never');
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('nav-operators').click();
    await expect(keyRow(page, 'erp-production').getByTestId('api-key-last-used')).not.toHaveText('Never');
  });

  await test.step('revoke with a confirmation: the next request is refused', async () => {
    const row = keyRow(page, 'erp-production');
    await row.getByTestId('revoke-api-key').click();
    await expect(page.getByTestId('revoke-api-key-modal')).toContainText('erp-production');
    await saveScreenshot(page, 'api-04-revoke-confirm');
    await page.getByTestId('revoke-api-key-confirm').click();
    await expect(row).toHaveAttribute('data-state', 'revoked');
    await expect(row.getByTestId('revoke-api-key')).toHaveCount(0);
    const refused = await page.request.get(`${apiUrl}/api/tenants`, { headers: { authorization: `Bearer ${key}` } });
    expect(refused.status()).toBe(401);
    expect(await refused.json()).toEqual({ error: { code: 'unauthorized', message: 'The API key was revoked.' } });
    await page.getByTestId('api-keys-section').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'api-05-keys-list', { withoutNotifications: true });
  });

  await test.step('a Support operator: the tenant API and the Operators page are shown disabled, with the reason', async () => {
    const added = await invokeThroughHost<{ password: string }>(host, page, 'operators:add', { name: 'sue', role: 'support' });
    const other = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    try {
      const second = await other.newPage();
      await second.goto(host.url);
      await second.getByTestId('user-menu').click();
      await second.getByTestId('sign-out').click();
      await second.getByTestId('sign-in-operator').fill('sue');
      await second.getByTestId('sign-in-password').fill(added.password);
      await second.getByTestId('sign-in-password').press('Enter');
      await second.getByTestId('new-password').fill('a long enough password');
      await second.getByTestId('confirm-password').fill('a long enough password');
      await second.getByTestId('change-password-submit').click();
      await expect(second.getByTestId('signed-in-role')).toHaveText('Support');
      await expect(second.getByTestId('nav-operators-blocked')).toHaveAttribute('data-blocked-reason', 'Your role (Support) cannot list operators');
      await second.getByTestId('nav-settings').click();
      await expect(second.getByTestId('tenant-api-state-hidden')).toHaveText('Its state is shown to admins.');
      const blocked = second.getByTestId('tenant-api-toggle-blocked');
      await expect(blocked).toHaveAttribute('data-blocked-reason', 'Your role (Support) cannot start the tenant API');
      await expect(second.getByTestId('tenant-api-toggle')).toBeDisabled();
      await second.getByTestId('tenant-api-card').scrollIntoViewIfNeeded();
      await blocked.hover();
      await expect(second.getByRole('tooltip')).toHaveText('Your role (Support) cannot start the tenant API');
      await saveScreenshot(second, 'api-06-support-disabled');
    } finally {
      await other.close();
    }
  });

  await test.step('stop the API from Settings', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('tenant-api-toggle').click();
    await expect(page.getByTestId('tenant-api-state')).toHaveText('Stopped');
    await expect(page.request.get(`${apiUrl}/api/openapi.json`)).rejects.toThrow();
  });
});
