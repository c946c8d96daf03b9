import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { REPO_ROOT, startHostMode, type HostMode } from './host-mode';
import { HOST_TOKEN_HEADER, HOST_TOKEN_PARAM } from '../../src-shared/contract/host-protocol';

/** Every spec's screenshots land here, one PNG per step, to be looked at. */
export const SCREENSHOTS = join(REPO_ROOT, 'test-results', 'screenshots');

/** Closes the notifications on screen one by one, so a screenshot shows what they cover. */
export async function dismissNotifications(page: Page): Promise<void> {
  const notes = page.locator('.mantine-Notification-root');
  for (let count = await notes.count(); count > 0; count = await notes.count()) {
    // A notification may close on its own meanwhile (auto-close, on a slow machine mid-click):
    // then there is nothing left to click, and the loop counts again.
    await notes
      .first()
      .locator('.mantine-Notification-closeButton')
      .click({ timeout: 2_000 })
      .catch(() => undefined);
    await expect.poll(() => notes.count()).toBeLessThan(count);
  }
}

export async function saveScreenshot(page: Page, name: string, options: { fullPage?: boolean; withoutNotifications?: boolean } = {}): Promise<void> {
  if (options.withoutNotifications) await dismissNotifications(page);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), animations: 'disabled', fullPage: options.fullPage ?? false });
}

/**
 * A contract call through host mode's HTTP route, with the session's token (from the printed
 * URL, as the page sends it): how a spec arranges data or plays "another console" without the UI.
 */
export async function invokeThroughHost<T = unknown>(host: HostMode, page: Page, channel: string, input: unknown): Promise<T> {
  const response = await page.request.post(`${host.origin}/api/invoke/${channel}`, {
    data: input,
    headers: { Origin: host.origin, [HOST_TOKEN_HEADER]: new URL(host.url).searchParams.get(HOST_TOKEN_PARAM) ?? '' },
  });
  const body = (await response.json()) as { ok: boolean; value?: T; error?: { code: string; message: string } };
  if (!body.ok) throw new Error(`${channel} failed: ${body.error?.code} ${body.error?.message}`);
  return body.value as T;
}

/**
 * For a spec file: one host-mode console for all its tests (started before the first, stopped
 * after the last), and the screenshot folder. The returned object reads the running console.
 */
export function useHostMode(): HostMode {
  let started: HostMode | undefined;
  test.beforeAll(async () => {
    // The first start may initialise the embedded PostgreSQL cluster: allow it time.
    test.setTimeout(180_000);
    await mkdir(SCREENSHOTS, { recursive: true });
    started = await startHostMode();
  });
  test.afterAll(async () => {
    test.setTimeout(60_000);
    await started?.stop();
  });
  const current = (): HostMode => {
    if (!started) throw new Error('Host mode has not started (used outside a test?).');
    return started;
  };
  return {
    get url() {
      return current().url;
    },
    get origin() {
      return current().origin;
    },
    get dataDir() {
      return current().dataDir;
    },
    stop: () => current().stop(),
  };
}
