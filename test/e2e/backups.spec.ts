import { expect, test, type Page } from '@playwright/test';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { createSilentLogger } from '../../src-main/logging/logger';
import { EmbeddedCluster } from '../../src-main/postgres/embedded-cluster';
import { clientConfig } from '../../src-main/postgres/server-endpoint';
import { FileSecretStore } from '../../src-main/secrets/file-secret-store';
import { invokeThroughHost, saveScreenshot, useHostMode } from './browser-helpers';
import { fullTierOnly, fullTierOnlyReason } from '../support/tier';

interface Credentials {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
}

const host = useHostMode();

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });

const shot = (page: Page, name: string) => saveScreenshot(page, name);

const invoke = <T = unknown>(page: Page, channel: string, input: unknown) => invokeThroughHost<T>(host, page, channel, input);

/** What the restored copy must hold: counted and summed through the tenant's own role. */
async function dataFingerprint(credentials: Credentials): Promise<Record<string, string>> {
  const client = new pg.Client({ ...credentials });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, string>>(`
      SELECT (SELECT count(*) FROM erp.companies)::text AS companies,
             (SELECT string_agg(name, '|' ORDER BY id) FROM erp.companies) AS company_names,
             (SELECT count(*) FROM erp.users)::text AS users,
             (SELECT count(*) FROM erp.transactions)::text AS transactions,
             (SELECT sum(amount)::text FROM erp.transactions) AS amount,
             (SELECT md5(string_agg(id || ':' || amount || ':' || coalesce(description, ''), ',' ORDER BY id)) FROM erp.transactions) AS digest`);
    return rows[0]!;
  } finally {
    await client.end();
  }
}

/** Rows put in through the tenant's own role, within its plan (professional: 3 companies, 20 users each). */
async function fillTenant(credentials: Credentials): Promise<void> {
  const client = new pg.Client({ ...credentials });
  await client.connect();
  try {
    await client.query(`
      INSERT INTO erp.companies (name) VALUES ('Harbor Freight GmbH'), ('Harbor Freight Ünïcødé Ltd');
      INSERT INTO erp.users (company_id, email, full_name)
        SELECT 1 + g % 2, 'clerk' || g || '@harbor.example', 'Clerk ' || g FROM generate_series(1, 12) g;
      INSERT INTO erp.transactions (company_id, user_id, amount, description, occurred_at)
        SELECT 1 + g % 2, 1 + g % 12, round((g * 3.17)::numeric, 2), CASE WHEN g % 9 = 0 THEN NULL ELSE 'Invoice ' || g END,
               timestamptz '2026-01-01 00:00:00+00' + g * interval '11 minutes'
          FROM generate_series(1, 4000) g;`);
  } finally {
    await client.end();
  }
}

test('suspend with "Back up first", then restore that backup as a new tenant', async ({ page }) => {
  test.setTimeout(240_000);
  // Opening the printed URL signs this browser in (the contract calls below need it).
  await page.goto(host.url);
  const created = await invoke<{ tenant: { tenantCode: string }; credentials: Credentials }>(page, 'tenants:create', {
    companyName: 'Harbor Freight',
    subdomain: 'harbor',
    plan: 'professional',
    adminEmail: 'it@harbor.example',
  });
  const tenantCode = created.tenant.tenantCode;
  await fillTenant(created.credentials);
  const original = await dataFingerprint(created.credentials);
  expect(original.transactions).toBe('4000');

  const drawer = page.getByTestId('tenant-detail');
  await test.step('open the tenant: the Backups tab is empty', async () => {
    await page.getByTestId('tenant-row').filter({ hasText: 'Harbor Freight' }).click();
    await expect(drawer).toHaveAttribute('data-status', 'active');
    await page.getByTestId('detail-tab-backups').click();
    await expect(page.getByTestId('backups-empty')).toBeVisible();
  });

  await test.step('suspend with "Back up first": progress, then the status change', async () => {
    await page.getByTestId('action-suspend').click();
    const modal = page.getByRole('dialog', { name: 'Suspend tenant' });
    await modal.getByTestId('action-reason').fill('Invoice INV-7710 unpaid for 45 days');
    await expect(modal.getByTestId('backup-first')).toBeChecked();
    await shot(page, 'b01-suspend-backup-first');
    // Hold main's answer until the dialog has shown the backup's progress to its end.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/invoke/tenants:suspend', async (route) => {
      const response = await route.fetch();
      await released;
      await route.fulfill({ response });
    });
    await modal.getByTestId('confirm-suspend').click();
    const progress = modal.getByTestId('job-progress');
    await expect(progress).toBeVisible();
    await expect(progress.getByTestId('job-progress-counts')).toHaveText(/^(\d+)\/\1 tables · \d/);
    await shot(page, 'b02-suspend-progress');
    release();
    await expect(modal).toBeHidden();
    await page.unroute('**/api/invoke/tenants:suspend');
    await expect(drawer).toHaveAttribute('data-status', 'suspended');
    await expect(page.getByTestId('detail-status')).toHaveAttribute('data-status', 'suspended');
  });

  await test.step('the verified pre-suspension backup is listed', async () => {
    const listed = page.getByTestId('backup-row');
    await expect(listed).toHaveCount(1);
    await expect(listed.first()).toHaveAttribute('data-kind', 'pre-suspension');
    await expect(listed.first().getByTestId('backup-verified')).toBeVisible();
    await expect(listed.first().getByTestId('backup-location')).toContainText(tenantCode);
    // Verify again on demand: the manifest's HMAC is this console's.
    await listed.first().getByTestId('backup-verify').click();
    await expect(listed.first().getByTestId('backup-signature')).toHaveAttribute('data-signature', 'signed');
    await page.locator('.mantine-Notification-root .mantine-Notification-closeButton').first().click({ timeout: 2000 }).catch(() => undefined);
    await shot(page, 'b03-backups-tab');
  });

  let copyCredentials!: Credentials;
  let copyCode = '';
  await test.step('restore it as a new tenant: credentials shown once', async () => {
    await page.getByTestId('backup-row').first().getByTestId('backup-restore').click();
    const modal = page.getByTestId('restore-modal').getByRole('dialog');
    await expect(page.getByTestId('restore-subdomain')).toHaveValue('harbor-copy');
    await page.getByTestId('restore-subdomain').fill('harbor-sandbox');
    await page.getByTestId('restore-company').fill('Harbor Freight Sandbox');
    await shot(page, 'b04-restore-form');
    await page.getByTestId('restore-confirm').click();
    await expect(page.getByTestId('credentials')).toBeVisible({ timeout: 60_000 });
    copyCode = (await page.getByTestId('created-code').textContent()) ?? '';
    expect(copyCode).not.toBe(tenantCode);
    copyCredentials = {
      host: (await page.getByTestId('credential-host').textContent())!,
      port: Number(await page.getByTestId('credential-port').textContent()),
      database: (await page.getByTestId('credential-database').textContent())!,
      user: (await page.getByTestId('credential-user').textContent())!,
      password: (await page.getByTestId('credential-password').textContent())!,
    };
    await expect(modal.getByTestId('status-badge')).toHaveAttribute('data-status', 'active');
    await shot(page, 'b05-restore-credentials');
    await page.getByTestId('credentials-done').click();
  });

  await test.step('the copy is in the table, active, with the same data', async () => {
    await page.keyboard.press('Escape');
    const copyRow = page.getByTestId('tenant-row').filter({ hasText: 'Harbor Freight Sandbox' });
    await expect(copyRow).toHaveAttribute('data-tenant-code', copyCode);
    await expect(copyRow.getByTestId('status-badge')).toHaveAttribute('data-status', 'active');
    expect(await dataFingerprint(copyCredentials)).toEqual(original);
    await shot(page, 'b06-table-with-copy');
  });

  await test.step('dark theme: backups tab, delete dialog, settings', async () => {
    await page.getByTestId('color-scheme-toggle').click();
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
    await page.getByTestId('tenant-row').filter({ hasText: 'Harbor Freight Sandbox' }).click();
    await page.getByTestId('detail-tab-backups').click();
    await page.getByTestId('backup-now').click();
    await expect(page.getByTestId('backup-row')).toHaveCount(1, { timeout: 30_000 });
    await shot(page, 'b07-dark-backups-tab');
    await page.getByTestId('action-delete').click();
    await page.getByTestId('delete-modal').getByTestId('confirm-code').fill(copyCode);
    await shot(page, 'b08-dark-delete');
    await page.getByTestId('confirm-delete').click();
    await expect(page.getByTestId('tombstone')).toBeVisible({ timeout: 30_000 });
    await expect(drawer).toHaveAttribute('data-status', 'deleted');
    await expect(page.getByTestId('tombstone-backup')).toContainText(copyCode);
    await shot(page, 'b09-dark-tombstone');
    await page.keyboard.press('Escape');
    await page.getByTestId('nav-settings').click();
    await expect(page.getByTestId('backup-settings')).toBeVisible();
    await page.getByTestId('prune-backups').click();
    // Nothing beyond the newest 10 per tenant: the dialog says so and offers nothing to confirm.
    await expect(page.getByTestId('prune-nothing')).toBeVisible();
    await expect(page.getByTestId('confirm-prune')).toHaveCount(0);
    await shot(page, 'b10-dark-settings-prune-nothing');
    await page.getByTestId('fleet-confirm-back').click();
    await expect(page.getByTestId('prune-confirm').getByRole('dialog')).toBeHidden();
  });
});

test('prune and scheduled deletions list what goes, ask first, and do only what was confirmed', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(host.url);
  const cluster = new EmbeddedCluster({ dataDir: host.dataDir, secretStore: new FileSecretStore(join(host.dataDir, 'secrets.json')), logger: createSilentLogger() });
  await cluster.acquire();
  try {
    const create = async (companyName: string, subdomain: string) =>
      (await invoke<{ tenant: { tenantCode: string; version: number; databaseName: string } }>(page, 'tenants:create', { companyName, subdomain, plan: 'starter', adminEmail: `it@${subdomain}.example` })).tenant;
    const dune = await create('Dune Logistics', 'dune');
    const ember = await create('Ember Foods', 'ember');
    // Three of Dune's: with one kept, at least two go (more when the test above ran first).
    for (let i = 0; i < 3; i += 1) await invoke(page, 'backups:create', { ref: dune.tenantCode });
    await invoke(page, 'backups:updateSettings', { keepLast: 1 });
    const cancelled: Record<string, number> = {};
    for (const tenant of [dune, ember]) {
      cancelled[tenant.tenantCode] = (await invoke<{ version: number }>(page, 'tenants:cancel', { ref: tenant.tenantCode, expectedVersion: tenant.version, backupFirst: false })).version;
    }
    // Their retention is over (the shortest setting is a day): the scheduler would take them now.
    const client = new pg.Client(clientConfig(cluster.endpoint, 'tenant_platform'));
    await client.connect();
    try {
      await client.query(`UPDATE tenants SET deletion_scheduled_at = now() - interval '1 day' WHERE tenant_code = ANY($1)`, [[dune.tenantCode, ember.tenantCode]]);
    } finally {
      await client.end();
    }
    const preview = await invoke<{ backups: { id: string; location: string }[]; totalBytes: number }>(page, 'backups:prunePreview', {});
    expect(preview.backups.length).toBeGreaterThanOrEqual(2);

    await page.getByTestId('nav-settings').click();
    await test.step('prune: every file with its size and the total, then only those go', async () => {
      await page.getByTestId('prune-backups').click();
      const dialog = page.getByTestId('prune-confirm').getByRole('dialog');
      await expect(dialog.getByTestId('prune-item')).toHaveCount(preview.backups.length);
      for (const backup of preview.backups) await expect(dialog.locator(`[data-backup-id="${backup.id}"]`)).toContainText(backup.location);
      await expect(dialog.getByTestId('prune-total')).not.toBeEmpty();
      await expect(dialog.getByTestId('prune-summary')).toContainText(`${preview.backups.length} backup files`);
      await expect(dialog.getByTestId('confirm-prune')).toHaveText(`Remove ${preview.backups.length} backups`);
      await shot(page, 'b12-prune-confirm');
      await dialog.getByTestId('confirm-prune').click();
      await expect(dialog).toBeHidden();
      await expect(page.getByTestId('fleet-job-report')).toContainText(`Pruned ${preview.backups.length} backups`);
      expect((await invoke<{ backups: unknown[] }>(page, 'backups:prunePreview', {})).backups).toEqual([]);
    });

    await test.step('scheduled deletions: tenants and databases listed; one reactivated meanwhile is left alone', async () => {
      await page.getByTestId('run-deletions').click();
      const dialog = page.getByTestId('deletions-confirm').getByRole('dialog');
      await expect(dialog.getByTestId('deletions-item')).toHaveCount(2);
      await expect(dialog.locator(`[data-tenant-code="${dune.tenantCode}"]`)).toContainText('Dune Logistics');
      await expect(dialog.locator(`[data-tenant-code="${dune.tenantCode}"]`)).toContainText(dune.databaseName);
      await expect(dialog.locator(`[data-tenant-code="${ember.tenantCode}"]`)).toContainText('Ember Foods');
      await expect(dialog.getByTestId('confirm-deletions')).toHaveText('Delete 2 tenants');
      await shot(page, 'b13-deletions-confirm');
      // Another operator reactivates Ember while this dialog is open.
      await invoke(page, 'tenants:activate', { ref: ember.tenantCode, expectedVersion: cancelled[ember.tenantCode] });
      await dialog.getByTestId('confirm-deletions').click();
      await expect(dialog).toBeHidden({ timeout: 60_000 });
      const report = page.getByTestId('fleet-job-report');
      await expect(report).toContainText('Deleted 1 cancelled tenant past retention');
      await expect(report).toContainText(`${ember.tenantCode}: no longer due when the run came, left alone`);
      await shot(page, 'b14-deletions-report');
      expect((await invoke<{ status: string }>(page, 'tenants:get', { ref: dune.tenantCode })).status).toBe('deleted');
      expect((await invoke<{ status: string }>(page, 'tenants:get', { ref: ember.tenantCode })).status).toBe('active');
    });

    await test.step('nothing left to delete: said so, nothing to confirm', async () => {
      await page.getByTestId('run-deletions').click();
      const dialog = page.getByTestId('deletions-confirm').getByRole('dialog');
      await expect(dialog.getByTestId('deletions-nothing')).toBeVisible();
      await expect(dialog.getByTestId('confirm-deletions')).toHaveCount(0);
      await shot(page, 'b15-deletions-nothing');
      await page.keyboard.press('Escape');
      await expect(dialog).toBeHidden();
    });

    await test.step('the sign-up settings card: main’s ranges shown while typing, then saved', async () => {
      const form = page.getByTestId('signup-settings-form');
      await form.scrollIntoViewIfNeeded();
      const save = form.getByTestId('signup-settings-save');
      await expect(save).toBeDisabled();
      await form.getByTestId('settings-signup-invitation').fill('120');
      await expect(form).toContainText('An invitation link works for: a whole number from 1 to 90.');
      await expect(save).toBeDisabled();
      await shot(page, 'b16-signup-settings-invalid');
      await form.getByTestId('settings-signup-invitation').fill('14');
      await form.getByTestId('settings-signup-requests').fill('20');
      await form.getByTestId('settings-onboarding-stalled').fill('5');
      await expect(save).toBeEnabled();
      await save.click();
      await expect.poll(() => invoke<Record<string, number>>(page, 'settings:get', {})).toMatchObject({ signupRequestsPerHour: 20, signupInvitationDays: 14, onboardingStalledDays: 5 });
      await expect(save).toBeDisabled();
      await expect(form.getByTestId('settings-signup-invitation')).toHaveValue('14');
    });
  } finally {
    await invoke(page, 'backups:updateSettings', { keepLast: 10 }).catch(() => undefined);
    await cluster.release().catch(() => undefined);
  }
});

test('a failed backup stops the suspension until the operator overrides it, in two steps', async ({ page }) => {
  test.skip(fullTierOnly('the override of a failed backup in the UI (the fast tier proves the rule in backup.test.ts)'), fullTierOnlyReason('the UI case'));
  test.setTimeout(60_000);
  await page.goto(host.url);
  const { tenant } = await invoke<{ tenant: { tenantCode: string } }>(page, 'tenants:create', {
    companyName: 'Keel Shipping',
    subdomain: 'keel',
    plan: 'starter',
    adminEmail: 'ops@keel.example',
  });
  // A backup folder that cannot be made: a path under a regular file.
  await writeFile(join(host.dataDir, 'not-a-folder'), 'x');
  await invoke(page, 'backups:updateSettings', { directory: join(host.dataDir, 'not-a-folder', 'backups') });
  try {
    await page.getByTestId('tenant-row').filter({ hasText: 'Keel Shipping' }).click();
    await page.getByTestId('action-suspend').click();
    const modal = page.getByRole('dialog', { name: 'Suspend tenant' });
    await modal.getByTestId('action-reason').fill('Chargeback on the last invoice');
    await modal.getByTestId('confirm-suspend').click();
    await expect(modal.getByTestId('backup-failed-message')).toContainText(`${tenant.tenantCode} was not suspended`);
    await expect(page.getByTestId('tenant-detail')).toHaveAttribute('data-status', 'active');
    await modal.getByTestId('override-backup').click();
    await expect(modal.getByTestId('override-confirm-panel')).toContainText('recorded');
    await page.locator('.mantine-Notification-root .mantine-Notification-closeButton').first().click({ timeout: 2000 }).catch(() => undefined);
    await shot(page, 'b11-backup-failed-override');
    await modal.getByTestId('override-confirm').click();
    await expect(modal).toBeHidden();
    await expect(page.getByTestId('tenant-detail')).toHaveAttribute('data-status', 'suspended');
    await expect(page.getByText('No backup was made (overridden).')).toBeVisible();
  } finally {
    await invoke(page, 'backups:updateSettings', { directory: null });
  }
});
