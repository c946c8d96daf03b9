import { defineConfig } from '@playwright/test';

// The Electron end-to-end tests (Playwright _electron). Separate from playwright.config.ts,
// which drives Debian's Chromium through host mode. Needs a full build (node scripts/build.mjs)
// and the Electron binary; without the binary every test skips with a printed reason.
export default defineConfig({
  testDir: 'test/electron',
  testMatch: '**/*.electron.spec.ts',
  outputDir: 'test-results/playwright-electron',
  timeout: 240_000,
  workers: 1,
  reporter: [['list']],
  use: { screenshot: 'only-on-failure' },
});
