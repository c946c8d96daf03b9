import { expect, test, type Page } from '@playwright/test';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSilentLogger } from '../../src-main/logging/logger';
import { EmbeddedCluster } from '../../src-main/postgres/embedded-cluster';
import { FileSecretStore } from '../../src-main/secrets/file-secret-store';
import { FAST_PROBE_ENV, startHostMode, type HostMode } from './host-mode';
import { SCREENSHOTS, saveScreenshot, invokeThroughHost } from './browser-helpers';
import { fullTierOnly, fullTierOnlyReason } from '../support/tier';

const SEED = [
  { companyName: 'Harbor Freight Lines', subdomain: 'harbor', plan: 'enterprise', adminEmail: 'it@harbor.example' },
  { companyName: 'Blue Mesa Coffee', subdomain: 'bluemesa', plan: 'starter', adminEmail: 'ops@bluemesa.example' },
] as const;
const NOTICE_OFFLINE_MS = 20_000;
const NOTICE_ONLINE_MS = 45_000;
const OFFLINE_REASON = 'Offline — the platform database is not answering; this action needs it.';

let host: HostMode;
let cluster: EmbeddedCluster;

test.describe.configure({ mode: 'serial' });
// The fast tier browses offline in offline.spec.ts and proves the usage snapshot's figures
// in test/integration/offline-usage.test.ts; this walk through the Usage page offline is full tier.
test.skip(fullTierOnly('the Usage page browsed from the snapshot while the database is down'), fullTierOnlyReason('the offline Usage page walk'));
test.use({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  await mkdir(SCREENSHOTS, { recursive: true });
  host = await startHostMode({ env: FAST_PROBE_ENV });
  cluster = new EmbeddedCluster({ dataDir: host.dataDir, secretStore: new FileSecretStore(join(host.dataDir, 'secrets.json')), logger: createSilentLogger() });
  await cluster.acquire();
});

test.afterAll(async () => {
  test.setTimeout(90_000);
  await cluster?.acquire().catch(() => undefined);
  await cluster?.release().catch(() => undefined);
  await host?.stop();
});

const shot = (page: Page, name: string) => saveScreenshot(page, name);

const invoke = <T = unknown>(page: Page, channel: string, input: unknown) => invokeThroughHost<T>(host, page, channel, input);

async function openUsageTab(page: Page, company: string): Promise<void> {
  await page.getByTestId('nav-tenants').click();
  await page.getByTestId('tenant-row').filter({ hasText: company }).click();
  await expect(page.getByTestId('tenant-detail')).toBeVisible();
  await page.getByTestId('detail-tab-usage').click();
}

test('the Usage page and the drawer’s Usage & plan tab browse from the snapshot while the database is down', async ({ page }) => {
  test.setTimeout(300_000);

  await test.step('online: usage collected, the Usage page and one tenant’s tab seen', async () => {
    await page.goto(host.url);
    for (const tenant of SEED) await invoke(page, 'tenants:create', tenant);
    await invoke(page, 'usage:collect', {});
    await page.reload();
    await page.getByTestId('nav-usage').click();
    await expect(page.getByTestId('storage')).toBeVisible();
    await expect(page.getByTestId('usage-as-of')).toHaveCount(0);
    await expect(page.getByTestId('usage-collect')).toBeEnabled();
    await openUsageTab(page, 'Harbor Freight Lines');
    await expect(page.getByTestId('usage-history-chart')).toBeVisible();
    await expect(page.getByTestId('usage-bar-companies')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await invoke<{ snapshotAt: string | null }>(page, 'console:status', {})).snapshotAt).not.toBeNull();
    await page.getByTestId('nav-usage').click();
  });

  await test.step('stop the database: the Usage page stays, marked with its as-of time', async () => {
    await cluster.forceStop();
    await expect(page.getByTestId('offline-banner')).toBeVisible({ timeout: NOTICE_OFFLINE_MS });
    await expect(page.getByTestId('usage-as-of')).toBeVisible();
    await expect(page.getByTestId('usage-as-of')).toContainText(/^As of /);
    await expect(page.getByTestId('storage')).toBeVisible();
    await expect(page.getByTestId('usage-error')).toHaveCount(0);
    await expect(page.getByTestId('usage-collect')).toBeDisabled();
    await page.getByTestId('usage-collect-blocked').hover();
    await expect(page.getByRole('tooltip').filter({ hasText: OFFLINE_REASON })).toBeVisible();
    await shot(page, 'offline-usage-01-page');
  });

  await test.step('90 days and the CSV export answer from the snapshot too', async () => {
    await page.getByTestId('trend-days').getByText('90 days').click();
    await expect(page.getByTestId('trends')).toContainText('last 90 days');
    await expect(page.getByTestId('usage-as-of')).toBeVisible();
    await expect(page.getByTestId('usage-error')).toHaveCount(0);
    const downloading = page.waitForEvent('download');
    await page.getByTestId('usage-export').click();
    const csv = await readFile((await (await downloading).path())!, 'utf8');
    expect(csv).toContain('Harbor Freight Lines');
    expect(csv).toContain('Blue Mesa Coffee');
  });

  await test.step('the drawer tab: history, limits as last read, changes disabled with the reason', async () => {
    await openUsageTab(page, 'Harbor Freight Lines');
    await expect(page.getByTestId('usage-history-chart')).toBeVisible();
    await expect(page.getByTestId('usage-history-as-of')).toBeVisible();
    await expect(page.getByTestId('usage-limits-as-of')).toBeVisible();
    await expect(page.getByTestId('usage-bar-companies')).toBeVisible();
    await expect(page.getByTestId('change-plan')).toBeDisabled();
    await expect(page.getByTestId('override-add')).toBeDisabled();
    await page.getByTestId('change-plan-blocked').hover();
    await expect(page.getByRole('tooltip').filter({ hasText: OFFLINE_REASON })).toBeVisible();
    await shot(page, 'offline-usage-02-drawer-tab');
    await page.keyboard.press('Escape');
  });

  await test.step('a tenant whose limits were never read online: history shown, limits say they need the database', async () => {
    await openUsageTab(page, 'Blue Mesa Coffee');
    await expect(page.getByTestId('usage-history-chart')).toBeVisible();
    await expect(page.getByTestId('usage-limits-error')).toContainText('Limits need the database');
    await expect(page.getByTestId('usage-limits-error')).toContainText('has not saved the limits');
    await shot(page, 'offline-usage-03-drawer-no-limits');
    await page.keyboard.press('Escape');
  });

  await test.step('start the database: the Usage page is live again without a reload', async () => {
    await page.getByTestId('nav-usage').click();
    await cluster.acquire();
    await expect(page.getByTestId('offline-banner')).toHaveCount(0, { timeout: NOTICE_ONLINE_MS });
    await expect(page.getByTestId('usage-as-of')).toHaveCount(0);
    await expect(page.getByTestId('usage-collect')).toBeEnabled();
  });
});
