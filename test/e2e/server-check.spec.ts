import { expect, test, type Page } from '@playwright/test';
import type { TenantCredentials } from '../../src-shared/contract/models';
import { connectAsTenant } from '../support/tenant-clients';
import { invokeThroughHost, saveScreenshot, SCREENSHOTS, useHostMode } from './browser-helpers';

const host = useHostMode();

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1440, height: 1000 }, colorScheme: 'light' });

const card = (page: Page) => page.getByRole('region', { name: 'Server check' });
/** The page around the card, and the card alone (it sits below the fold). */
const shot = async (page: Page, name: string) => {
  await card(page).scrollIntoViewIfNeeded();
  await saveScreenshot(page, name, { withoutNotifications: true });
  await card(page).screenshot({ path: `${SCREENSHOTS}/${name}-card.png`, animations: 'disabled' });
};

test('settings page: the server check card — no findings, findings with their fix, and a check that could not run', async ({ page }) => {
  test.setTimeout(90_000);

  await test.step('the embedded server as opened: no findings', async () => {
    await page.goto(host.url);
    await page.getByTestId('nav-settings').click();
    await expect(page.getByTestId('page-title')).toHaveText('Settings');
    await expect(card(page).getByTestId('server-check-empty')).toContainText('No findings');
    await shot(page, 'server-check-01-no-findings');
  });

  await test.step('one tenant sets work_mem for itself, another changes its own password: both listed with their fix', async () => {
    const create = (subdomain: string, companyName: string) =>
      invokeThroughHost<{ credentials: TenantCredentials }>(host, page, 'tenants:create', { companyName, subdomain, plan: 'starter', adminEmail: `it@${subdomain}.example` });
    const setter = (await create('settings-tenant', 'Settings Tenant')).credentials;
    const changer = (await create('password-tenant', 'Password Tenant')).credentials;
    for (const [who, statement] of [
      [setter, "ALTER ROLE CURRENT_USER SET work_mem = '512MB'"],
      [changer, "ALTER ROLE CURRENT_USER PASSWORD 'chosen-by-the-tenant-1'"],
    ] as const) {
      const client = await connectAsTenant(who);
      await client.query(statement);
      await client.end();
    }
    await card(page).getByTestId('server-check-rerun').click();
    const findings = card(page).getByTestId('server-check-finding');
    await expect(findings).toHaveCount(2);
    await expect(findings.nth(0)).toContainText('Tenant changed its role settings');
    await expect(findings.nth(0)).toContainText(`RESET "work_mem"`);
    await expect(findings.nth(1)).toContainText('Tenant changed its password');
    await expect(findings.nth(1)).toContainText(changer.user);
    await expect(card(page).getByTestId('server-check-empty')).toHaveCount(0);
    await shot(page, 'server-check-02-findings');
  });

  await test.step('the console host not answering the check: main\'s message and a retry, never a blank card', async () => {
    await page.route('**/api/invoke/settings:serverCheck', (route) => route.abort('connectionrefused'));
    await card(page).getByTestId('server-check-rerun').click();
    await expect(card(page).getByTestId('server-check-error')).toContainText('The server check could not run');
    await shot(page, 'server-check-03-error');
    await page.unroute('**/api/invoke/settings:serverCheck');
    await card(page).getByRole('button', { name: 'Try again' }).click();
    await expect(card(page).getByTestId('server-check-finding')).toHaveCount(2);
  });
});
