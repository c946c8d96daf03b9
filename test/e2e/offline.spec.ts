import { expect, test, type Page } from '@playwright/test';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSilentLogger } from '../../src-main/logging/logger';
import { EmbeddedCluster } from '../../src-main/postgres/embedded-cluster';
import { FileSecretStore } from '../../src-main/secrets/file-secret-store';
import { FAST_PROBE_ENV, startHostMode, type HostMode } from './host-mode';
import { SCREENSHOTS, saveScreenshot, invokeThroughHost } from './browser-helpers';

const SEED = [
  { companyName: 'Harbor Freight Lines', subdomain: 'harbor', plan: 'enterprise', adminEmail: 'it@harbor.example' },
  { companyName: 'Blue Mesa Coffee', subdomain: 'bluemesa', plan: 'starter', adminEmail: 'ops@bluemesa.example' },
  { companyName: 'Oakridge Clinics', subdomain: 'oakridge', plan: 'professional', adminEmail: 'admin@oakridge.example' },
] as const;
// Upper bounds, not waits: the probe runs every second here (FAST_PROBE_ENV); back online it
// is noticed within the offline back-off (≤ 2 s). Generous for a loaded machine.
const NOTICE_OFFLINE_MS = 20_000;
const NOTICE_ONLINE_MS = 45_000;

let host: HostMode;
// A second handle on serve's embedded cluster: stopping it is the outage.
let cluster: EmbeddedCluster;
const codes: string[] = [];

test.describe.configure({ mode: 'serial' });
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

async function setScheme(page: Page, scheme: 'light' | 'dark'): Promise<void> {
  const html = page.locator('html');
  if ((await html.getAttribute('data-mantine-color-scheme')) !== scheme) await page.getByTestId('color-scheme-toggle').dispatchEvent('click');
  await expect(html).toHaveAttribute('data-mantine-color-scheme', scheme);
}

test('the console keeps browsing from its snapshot while the database is down, and recovers without a reload', async ({ page }) => {
  test.setTimeout(300_000);
  const offlineReason = 'Offline — the platform database is not answering; this action needs it.';

  await test.step('online: tenants listed (and saved for offline use)', async () => {
    await page.goto(host.url);
    for (const tenant of SEED) codes.push((await invoke<{ tenant: { tenantCode: string; version: number } }>(page, 'tenants:create', tenant)).tenant.tenantCode);
    await invoke(page, 'tenants:suspend', { ref: codes[1], reason: 'Unpaid invoices', expectedVersion: 1 });
    await page.getByTestId('tenant-search').fill('');
    await page.reload();
    await expect(page.getByTestId('tenant-row')).toHaveCount(3);
    await expect.poll(async () => (await invoke<{ snapshotAt: string | null }>(page, 'console:status', {})).snapshotAt).not.toBeNull();
    await expect(page.getByTestId('offline-banner')).toHaveCount(0);
    await expect(page.getByTestId('tenants-as-of')).toHaveCount(0);
    // Set once; still there at the end means the page was never reloaded.
    await page.evaluate(() => ((globalThis as unknown as { __sameDocument: boolean }).__sameDocument = true));
  });

  await test.step('stop the database: the banner appears within the probe interval', async () => {
    await cluster.forceStop();
    await expect(page.getByTestId('offline-banner')).toBeVisible({ timeout: NOTICE_OFFLINE_MS });
    await expect(page.getByTestId('offline-banner')).toContainText(/^Offline — showing data as of /);
    await expect(page.getByTestId('tenants-as-of')).toBeVisible();
    await expect(page.getByTestId('tenant-row')).toHaveCount(3);
    await shot(page, 'offline-01-banner');
  });

  await test.step('tenants still browse: search and status filter answered from the snapshot', async () => {
    await page.getByTestId('tenant-search').fill('blue');
    await expect(page.getByTestId('tenant-row')).toHaveCount(1);
    await expect(page.getByTestId('tenant-row')).toContainText('Blue Mesa Coffee');
    await page.getByTestId('tenant-search').fill('');
    await expect(page.getByTestId('tenant-row')).toHaveCount(3);
  });

  await test.step('actions are disabled with the reason', async () => {
    await expect(page.getByTestId('new-tenant')).toBeDisabled();
    await expect(page.getByTestId('reconcile')).toBeDisabled();
    await page.getByTestId('new-tenant-blocked').hover();
    await expect(page.getByRole('tooltip')).toHaveText(offlineReason);

    await page.getByTestId('tenant-row').filter({ hasText: 'Blue Mesa Coffee' }).click();
    const drawer = page.getByTestId('tenant-detail');
    await expect(drawer).toBeVisible();
    await expect(page.getByTestId('detail-as-of')).toBeVisible();
    await expect(page.getByTestId('action-activate')).toBeDisabled();
    await page.getByTestId('action-activate-blocked').hover();
    await expect(page.getByRole('tooltip').filter({ hasText: offlineReason })).toBeVisible();
    await shot(page, 'offline-02-drawer-light');
    await setScheme(page, 'dark');
    await shot(page, 'offline-03-drawer-dark');
    await page.keyboard.press('Escape');
    await expect(drawer).toBeHidden();
    await shot(page, 'offline-04-list-dark');
    await setScheme(page, 'light');
  });

  await test.step('the settings save is disabled too; this console’s audit log still opens', async () => {
    await page.getByTestId('nav-settings').click();
    await expect(page.getByTestId('settings-save')).toBeDisabled();
    await page.getByTestId('nav-audit').click();
    await expect(page.getByTestId('audit-source').getByText('This console')).toBeVisible();
    await expect(page.locator('[data-testid="audit-source"] input[value="local"]')).toBeChecked();
    await expect(page.getByTestId('audit-row').first()).toBeVisible();
    await expect(page.getByTestId('audit-outbox')).toContainText(/waiting to be sent|All events sent/);
    await page.getByTestId('nav-tenants').click();
  });

  await test.step('start the database: the banner clears and the views refresh without a reload', async () => {
    await cluster.acquire();
    await expect(page.getByTestId('offline-banner')).toHaveCount(0, { timeout: NOTICE_ONLINE_MS });
    await expect(page.getByTestId('tenants-as-of')).toHaveCount(0);
    await expect(page.getByTestId('new-tenant')).toBeEnabled();
    expect(await page.evaluate(() => (globalThis as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await shot(page, 'offline-05-recovered');
  });
});

test('an imported snapshot is reviewed read-only until the review is closed', async ({ page }) => {
  await page.goto(host.url);
  const exported = await invoke<{ fileName: string; content: string }>(page, 'snapshot:export', {});
  await page.getByTestId('nav-settings').click();
  // The UI's own export is a browser download of the same file format.
  const downloading = page.waitForEvent('download');
  await page.getByTestId('snapshot-export').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^tenant-snapshot-.+\.json$/);
  const downloaded = JSON.parse(await readFile(await download.path(), 'utf8')) as { format: string; tenants: unknown[] };
  expect(downloaded).toMatchObject({ format: 'tenant-console-snapshot' });
  expect(downloaded.tenants).toHaveLength(3);
  await page.getByTestId('snapshot-file').setInputFiles({ name: exported.fileName, mimeType: 'application/json', buffer: Buffer.from(exported.content) });
  await expect(page.getByTestId('review-banner')).toContainText(/^Reviewing snapshot from .+ as of .+ — read-only\./);
  await page.getByTestId('nav-tenants').click();
  await expect(page.getByTestId('tenants-as-of')).toBeVisible();
  await expect(page.getByTestId('new-tenant')).toBeDisabled();
  await shot(page, 'offline-06-review');
  await page.getByTestId('close-review').click();
  await expect(page.getByTestId('review-banner')).toHaveCount(0);
  await expect(page.getByTestId('tenants-as-of')).toHaveCount(0);
  await expect(page.getByTestId('new-tenant')).toBeEnabled();
});

test('audit page: actions appear in the local and fleet logs, filters work, the chain verifies', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('nav-audit').click();
  await expect(page.getByTestId('audit-page')).toBeVisible();
  await page.getByTestId('audit-source').getByText('Fleet (all consoles)').click();
  // The fleet copy arrives after the outbox drains (it had events waiting from the outage).
  await expect(async () => {
    await page.getByTestId('audit-source').getByText('This console').click();
    await page.getByTestId('audit-source').getByText('Fleet (all consoles)').click();
    await expect(page.getByTestId('audit-row').filter({ hasText: 'tenants:suspend' }).first()).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  await expect(page.getByTestId('audit-row').filter({ hasText: 'tenants:create' })).toHaveCount(3);

  await page.getByTestId('audit-outcome').click();
  await page.getByRole('option', { name: 'DATABASE_UNAVAILABLE' }).click();
  await page.getByTestId('audit-source').getByText('This console').click();
  await expect(page.getByTestId('audit-empty').or(page.getByTestId('audit-row').first())).toBeVisible();
  await page.getByTestId('audit-clear-filters').click();

  await page.getByTestId('audit-tenant').fill(codes[1]!);
  await expect(page.getByTestId('audit-row')).toHaveCount(2); // created, then suspended
  await page.getByTestId('audit-action').click();
  await page.getByRole('option', { name: 'tenants:suspend' }).click();
  await expect(page.getByTestId('audit-row')).toHaveCount(1);
  await expect(page.getByTestId('audit-row')).toHaveAttribute('data-action', 'tenants:suspend');
  await page.getByTestId('audit-row').click();
  await expect(page.getByTestId('audit-details-json')).toContainText('Unpaid invoices');
  await shot(page, 'audit-01-details-light');
  await page.keyboard.press('Escape');

  await page.getByTestId('audit-clear-filters').click();
  await page.getByTestId('audit-search').fill('bluemesa');
  await expect(page.getByTestId('audit-row')).toHaveCount(1);
  await page.getByTestId('audit-clear-filters').click();

  const downloading = page.waitForEvent('download');
  await page.getByTestId('audit-export').click();
  await page.getByTestId('audit-export-csv').click();
  const csv = await readFile(await (await downloading).path(), 'utf8');
  expect(csv.split('\n')[0]).toMatch(/^\W*\w/);
  expect(csv).toContain('tenants:suspend');

  await page.getByTestId('audit-verify').click();
  await expect(page.getByTestId('verify-result')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('verify-result')).toContainText('Chain verified');
  await shot(page, 'audit-02-verified-light');
  await setScheme(page, 'dark');
  await shot(page, 'audit-03-verified-dark');
  await setScheme(page, 'light');
});
