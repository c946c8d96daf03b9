import { expect, test } from '@playwright/test';
import { useHostMode } from './browser-helpers';

/**
 * Host mode's session lives in the tab (sessionStorage, per port), never in a cookie: a
 * cookie for 127.0.0.1 would also go to every other local web service the operator visits.
 */
const host = useHostMode();

test.describe.configure({ mode: 'serial' });

test('the printed URL signs the tab in without a cookie; reload keeps it; another tab without the URL is refused', async ({ page, browser }) => {
  await page.goto(host.url);
  await expect(page.getByTestId('page-title')).toBeVisible();
  await expect(page.getByTestId('tenants-empty').or(page.getByTestId('tenants-table'))).toBeVisible();
  // The token leaves the address bar (and so history and screenshots) at once.
  expect(new URL(page.url()).searchParams.has('token')).toBe(false);
  expect(await page.context().cookies()).toEqual([]);

  await page.reload();
  await expect(page.getByTestId('tenants-empty').or(page.getByTestId('tenants-table'))).toBeVisible();

  const stranger = await browser.newContext();
  try {
    const other = await stranger.newPage();
    await other.goto(host.origin);
    await expect(other.getByText(/not signed in/i).first()).toBeVisible();
  } finally {
    await stranger.close();
  }
});
