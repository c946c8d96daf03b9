import { defineConfig } from '@playwright/test';

// The Electron end-to-end tests (Playwright _electron). Separate from playwright.config.ts,
// which drives Chromium (scripts/chromium.mjs) through host mode; Electron brings its own.
// Needs a full build (node scripts/build.mjs) and the Electron binary; without the binary
// every test skips with a printed reason.
// The app under test runs its embedded cluster without fsync (tests only; it inherits this).
process.env.TENANT_CONSOLE_TEST_FAST_DISK ??= '1';

export default defineConfig({
  testDir: 'test/electron',
  testMatch: '**/*.electron.spec.ts',
  outputDir: 'test-results/playwright-electron',
  timeout: 240_000,
  workers: 1,
  reporter: [['list']],
  use: { screenshot: 'only-on-failure' },
});
