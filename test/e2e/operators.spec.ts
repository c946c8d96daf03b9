import { expect, test, type Page } from '@playwright/test';
import { invokeThroughHost, saveScreenshot, SCREENSHOTS, useHostMode } from './browser-helpers';

/**
 * Operators in the browser: the embedded first run opens straight onto the tenants list as
 * the local admin; an admin adds a Support operator (one-time password shown once); that
 * operator signs in in a second browser, chooses a new password, and finds what Support may
 * not do shown disabled with the reason — never hidden. Signing a tab out leaves the console
 * (and its other tabs) signed in.
 */
const host = useHostMode();

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });

const NEW_PASSWORD = 'harbour lights at dawn';

const operatorRow = (page: Page, name: string) => page.locator(`[data-testid="operator-row"][data-name="${name}"]`);

async function openUserMenu(page: Page) {
  await page.getByTestId('user-menu').click();
}

test('first run, add an operator, sign in as it in another browser, role limits shown disabled', async ({ page, browser }) => {
  test.setTimeout(90_000);
  let admin = '';
  let oneTimePassword = '';

  await test.step('the embedded first run opens straight onto the tenants list, signed in as the local admin', async () => {
    await page.goto(host.url);
    await expect(page.getByTestId('tenants-empty')).toBeVisible();
    admin = (await page.getByTestId('signed-in-operator').textContent()) ?? '';
    expect(admin).not.toBe('');
    await expect(page.getByTestId('signed-in-role')).toHaveText('Admin');
    await invokeThroughHost(host, page, 'tenants:create', { companyName: 'Harbor Freight', subdomain: 'harbor', plan: 'starter', adminEmail: 'it@harbor.example' });
    await expect(page.getByTestId('tenant-row')).toHaveCount(1);
  });

  await test.step('add a Support operator: the one-time password is shown once, until "I have stored it"', async () => {
    await page.getByTestId('nav-operators').click();
    await expect(page.getByTestId('operator-row')).toHaveCount(1);
    await page.getByTestId('add-operator').click();
    await page.getByTestId('add-operator-name').fill('sam');
    await page.getByTestId('add-operator-role-support').click();
    await page.getByTestId('add-operator-submit').click();
    const modal = page.getByTestId('one-time-password-modal');
    await expect(page.getByTestId('one-time-password')).toBeVisible();
    oneTimePassword = (await page.getByTestId('one-time-password').textContent()) ?? '';
    expect(oneTimePassword.length).toBeGreaterThanOrEqual(16);
    // Neither Escape nor a click outside closes it: the console keeps no readable copy.
    await page.keyboard.press('Escape');
    await page.mouse.click(20, 450);
    await expect(modal.getByTestId('one-time-password')).toBeVisible();
    // The add dialog gone and this one faded in (Playwright counts opacity 0 as visible).
    await expect(page.getByTestId('add-operator-name')).toHaveCount(0);
    await expect(page.locator('.mantine-Modal-content').filter({ has: page.getByTestId('one-time-password') })).toHaveCSS('opacity', '1');
    await saveScreenshot(page, 'operators-02-one-time-password');
    await page.getByTestId('one-time-password-stored').click();
    await expect(page.getByTestId('one-time-password')).toBeHidden();
    const sam = operatorRow(page, 'sam');
    await expect(sam).toHaveAttribute('data-role', 'support');
    await expect(sam.getByTestId('operator-status')).toHaveText('One-time password');
  });

  await test.step('the last admin cannot be demoted: main’s refusal is shown', async () => {
    const me = operatorRow(page, admin);
    await me.getByTestId('operator-role-select').click();
    await page.getByRole('option', { name: 'Support' }).click();
    await expect(page.getByText(/is the last admin/)).toBeVisible();
    await expect(me).toHaveAttribute('data-role', 'admin');
  });

  const other = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
  try {
    const second = await other.newPage();
    await test.step('another browser: the printed URL acts as the console’s operator until this tab signs out', async () => {
      await second.goto(host.url);
      await expect(second.getByTestId('signed-in-operator')).toHaveText(admin);
      await openUserMenu(second);
      await second.getByTestId('sign-out').click();
      await expect(second.getByTestId('sign-in-screen')).toBeVisible();
      await expect(second.getByTestId('sign-in-local')).toHaveText(`Continue as ${admin}`);
      // Remember me is the desktop app's (the system keychain): not offered in a browser.
      await expect(second.getByTestId('sign-in-remember')).toHaveCount(0);
      // The console itself, and the first browser (no session of its own either), stay signed in.
      const state = await invokeThroughHost<{ session: { operator: string } | null }>(host, page, 'session:current', {});
      expect(state.session?.operator).toBe(admin);
    });

    await test.step('a wrong password is refused with a clear message', async () => {
      await second.getByTestId('sign-in-operator').fill('sam');
      await second.getByTestId('sign-in-password').fill(oneTimePassword);
      await saveScreenshot(second, 'operators-01-sign-in');
      await second.getByTestId('sign-in-password').fill('not the password');
      await second.getByTestId('sign-in-password').press('Enter');
      await expect(second.getByTestId('sign-in-error')).toHaveText('Wrong operator name or password.');
      // A refused password is cleared, to be typed again.
      await expect(second.getByTestId('sign-in-password')).toHaveValue('');
      await second.getByTestId('sign-in-password').fill(oneTimePassword);
    });

    await test.step('the one-time password leads to "choose a new password", then the console as Support', async () => {
      await second.getByTestId('sign-in-password').press('Enter');
      await expect(second.getByTestId('change-password-screen')).toBeVisible();
      await second.getByTestId('new-password').fill('short');
      await expect(second.getByText('A new password is at least 12 characters.')).toBeVisible();
      await second.getByTestId('new-password').fill(NEW_PASSWORD);
      await second.getByTestId('confirm-password').fill(NEW_PASSWORD);
      await saveScreenshot(second, 'operators-06-new-password');
      await second.getByTestId('change-password-submit').click();
      await expect(second.getByTestId('signed-in-operator')).toHaveText('sam');
      await expect(second.getByTestId('signed-in-role')).toHaveText('Support');
    });

    await test.step('what Support may not do is shown disabled with the reason, never hidden', async () => {
      await second.getByTestId('tenant-row').filter({ hasText: 'Harbor Freight' }).click();
      await expect(second.getByTestId('action-suspend')).toBeEnabled();
      await expect(second.getByTestId('action-delete')).toBeDisabled();
      const blocked = second.getByTestId('action-delete-blocked');
      await expect(blocked).toHaveAttribute('data-blocked-reason', 'Your role (Support) cannot delete tenants');
      await blocked.hover();
      await expect(second.getByRole('tooltip')).toHaveText('Your role (Support) cannot delete tenants');
      await saveScreenshot(second, 'operators-04-support-delete-disabled');
      await second.keyboard.press('Escape');
      await expect(second.getByTestId('nav-operators-blocked')).toHaveAttribute('data-blocked-reason', 'Your role (Support) cannot list operators');
      await expect(second.getByTestId('new-tenant')).toBeDisabled();
    });

    await test.step('the admin sees the new operator active, with a last sign-in', async () => {
      await page.getByTestId('nav-tenants').click();
      await page.getByTestId('nav-operators').click();
      const sam = operatorRow(page, 'sam');
      await expect(sam.getByTestId('operator-status')).toHaveText('Active');
      await expect(sam.getByTestId('operator-last-sign-in')).not.toHaveText('Never');
      await saveScreenshot(page, 'operators-03-page');
    });

    await test.step('the audit log names each event’s operator and role; Settings explains operators and keeps the idle time', async () => {
      await page.getByTestId('nav-audit').click();
      await page.getByTestId('audit-source').getByText('This console').click();
      await page.getByTestId('audit-operator').fill(admin);
      const added = page.locator('[data-testid="audit-row"][data-action="operators:add"]');
      await expect(added.getByTestId('audit-operator-role')).toHaveText('Admin');
      await page.getByTestId('nav-settings').click();
      const card = page.getByTestId('operators-card');
      await expect(card).toContainText('docs/operators.md');
      await page.getByTestId('settings-session-idle').fill('45');
      await page.getByTestId('session-idle-save').click();
      await expect(page.getByText('Browser sign-ins end after 45 minutes without use.')).toBeVisible();
      await card.screenshot({ path: `${SCREENSHOTS}/operators-07-settings-card.png`, animations: 'disabled' });
    });

    await test.step('signing out and "Continue as" the local operator', async () => {
      await openUserMenu(second);
      await second.getByTestId('sign-out').click();
      await expect(second.getByTestId('sign-in-screen')).toBeVisible();
      // Reloading keeps the tab signed out: it never falls back to the console's operator.
      await second.reload();
      await expect(second.getByTestId('sign-in-screen')).toBeVisible();
      await second.getByTestId('color-scheme-toggle').click();
      await saveScreenshot(second, 'operators-05-sign-in-dark');
      await second.getByTestId('sign-in-local').click();
      await expect(second.getByTestId('signed-in-operator')).toHaveText(admin);
      await expect(second.getByTestId('tenant-row')).toHaveCount(1);
    });
  } finally {
    await other.close();
  }
});
