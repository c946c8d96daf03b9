import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The desktop app end to end, through Playwright's _electron: the real main process, the
// sandboxed preload bridge and the built renderer, against a fresh data folder. Where the
// Electron binary (or a display) is missing, the test is skipped with a printed reason.

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const SCREENSHOTS = join(REPO_ROOT, 'test-results', 'electron');
const BUILT = ['out/main/main.cjs', 'out/preload/preload.cjs', 'out/renderer/index.html'];

/** The path the electron package reports, or why there is no binary to run. */
function findElectronBinary(): { path: string } | { problem: string } {
  let path: unknown;
  try {
    path = createRequire(import.meta.url)('electron');
  } catch (error) {
    return { problem: `the Electron binary is not installed (${(error as Error).message.split('\n')[0]})` };
  }
  if (typeof path !== 'string') return { problem: 'the electron package did not return a binary path' };
  if (!existsSync(path)) return { problem: `the Electron binary is missing at ${path}` };
  return { path };
}

function skipReason(): string | null {
  const binary = findElectronBinary();
  if ('problem' in binary) {
    return `${binary.problem}. Fetch it with \`npm run electron:fetch\` on a machine with internet; the same UI is covered in Chromium through host mode (test/e2e).`;
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'no display (DISPLAY / WAYLAND_DISPLAY unset): run the Electron tests under `xvfb-run -a`.';
  }
  return null;
}

let shotNumber = 0;
async function screenshot(page: Page, step: string): Promise<void> {
  shotNumber += 1;
  await page.screenshot({ path: join(SCREENSHOTS, `${String(shotNumber).padStart(2, '0')}-${step}.png`) });
}

test('create a tenant, suspend it and activate it in the desktop app', async () => {
  const reason = skipReason();
  if (reason) {
    console.log(`[electron e2e] skipped: ${reason}`);
    test.skip(true, reason);
    return;
  }
  const binary = findElectronBinary() as { path: string };
  const missing = BUILT.filter((file) => !existsSync(join(REPO_ROOT, file)));
  if (missing.length > 0) throw new Error(`Build the app first (node scripts/build.mjs): missing ${missing.join(', ')}`);

  await mkdir(SCREENSHOTS, { recursive: true });
  const dataDir = await mkdtemp(join(tmpdir(), 'tenant-console-electron-'));
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined) env[name] = value;
  delete env.ELECTRON_RUN_AS_NODE;
  env.TENANT_CONSOLE_DATA_DIR = dataDir;
  env.NODE_ENV = 'production';

  let app: ElectronApplication | null = null;
  try {
    // The repo root, as `npm start` does: Electron reads package.json (name, version,
    // main = out/main/main.cjs) exactly as in the packaged app.
    app = await electron.launch({
      executablePath: binary.path,
      // As root, Chromium refuses to start without --no-sandbox (see scripts/start-electron.mjs).
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), REPO_ROOT],
      cwd: REPO_ROOT,
      env,
      timeout: 60_000,
    });
    app.process().stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[electron] ${chunk.toString()}`));

    const page = await app.firstWindow();
    await expect(page.getByTestId('new-tenant')).toBeVisible({ timeout: 90_000 });
    await screenshot(page, 'started');

    // The page is sandboxed: no Node, one narrow bridge, unknown channels refused.
    const surface = await page.evaluate(async () => {
      const scope = globalThis as unknown as Record<string, unknown>;
      const bridge = scope.tenantConsole as { invoke(channel: string, input: unknown): Promise<unknown> };
      return {
        require: typeof scope.require,
        process: typeof scope.process,
        bridgeKeys: Object.keys(bridge).sort(),
        unknownChannel: await bridge.invoke('tenants:dropAll', {}),
        origin: scope.origin,
      };
    });
    expect(surface.require).toBe('undefined');
    expect(surface.process).toBe('undefined');
    expect(surface.bridgeKeys).toEqual(['invoke', 'subscribe']);
    expect(surface.unknownChannel).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(surface.origin).toBe('app://console');

    // Create
    const subdomain = `electron-${randomBytes(3).toString('hex')}`;
    await page.getByTestId('new-tenant').click();
    await page.getByTestId('create-company').fill('Electron Test Manufacturing');
    await page.getByTestId('create-subdomain').fill(subdomain);
    await page.getByTestId('create-plan').click();
    await page.getByRole('option', { name: /^starter/i }).click();
    await page.getByTestId('create-email').fill('it@electron-test.example');
    await screenshot(page, 'create-form');
    await page.getByTestId('create-submit').click();
    await expect(page.getByTestId('credentials')).toBeVisible({ timeout: 90_000 });
    const tenantCode = (await page.getByTestId('created-code').textContent())?.trim() ?? '';
    expect(tenantCode).toMatch(/^[A-Z0-9]+$/);
    await screenshot(page, 'created-credentials');
    await page.getByTestId('credentials-done').click();

    // Find it in the table
    const row = page.locator(`[data-testid="tenant-row"][data-tenant-code="${tenantCode}"]`);
    await expect(row).toBeVisible();
    await screenshot(page, 'in-table');
    await row.click();
    const detail = page.getByTestId('tenant-detail');
    await expect(detail).toHaveAttribute('data-status', 'active');

    // Suspend
    await page.getByTestId('action-suspend').click();
    await page.getByTestId('action-reason').fill('Electron E2E: invoice unpaid');
    await page.getByTestId('confirm-suspend').click();
    await expect(detail).toHaveAttribute('data-status', 'suspended', { timeout: 30_000 });
    await screenshot(page, 'suspended');

    // Activate
    await page.getByTestId('action-activate').click();
    await page.getByTestId('confirm-activate').click();
    await expect(detail).toHaveAttribute('data-status', 'active', { timeout: 30_000 });
    await screenshot(page, 'activated');
  } finally {
    // Quitting waits for the core to stop the embedded PostgreSQL (main.ts, before-quit).
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
