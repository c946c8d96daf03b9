import { defineConfig } from '@playwright/test';
import { NO_CHROMIUM_HELP, resolveChromium } from './scripts/chromium.mjs';

// Playwright's own Chromium where it was fetched, else Debian's (scripts/chromium.mjs says the order).
const chromium = resolveChromium();
if (!chromium) throw new Error(NO_CHROMIUM_HELP);

// The host-mode consoles the specs start run their embedded cluster without fsync (tests only).
process.env.TENANT_CONSOLE_TEST_FAST_DISK ??= '1';

/**
 * The deep Chromium walkthroughs of single capabilities run in the full tier (what CI runs):
 * in the fast tier (`npm test`, ≤ 4 minutes on 2 cores) tour.spec.ts renders every page and
 * drawer tab instead, and tenants, operators, usage, API keys, server check, host session
 * and audit stay whole. Their behaviour is proven on real PostgreSQL in test/integration in
 * both tiers.
 */
const FULL_TIER_SPECS = ['backups', 'billing', 'offline', 'offline-usage', 'onboarding', 'plans', 'price-changes', 'pricing'];
const fullTier = process.env.TENANT_CONSOLE_TEST_TIER === 'full';
if (!fullTier && process.env.TEST_WORKER_INDEX === undefined) console.log(`[skip] Chromium walkthroughs of ${FULL_TIER_SPECS.join(', ')}: full tier only (npm run test:full, or TENANT_CONSOLE_TEST_TIER=full)`);

export default defineConfig({
  testDir: 'test/e2e',
  testIgnore: fullTier ? [] : FULL_TIER_SPECS.map((name) => `**/${name}.spec.ts`),
  outputDir: 'test-results/playwright',
  // Initialises one console data folder; each spec's host mode starts on a copy of it.
  globalSetup: './test/e2e/global-setup.ts',
  timeout: 120_000,
  // Two cores running two host-mode consoles, their clusters and two browsers: a save that
  // pushes limits into a tenant database can take longer than the 5 s default under that load.
  expect: { timeout: 10_000 },
  // Two cores: one spec file per core, each with its own host mode and data folder.
  workers: 2,
  reporter: [['list']],
  use: {
    headless: true,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromium.path,
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
});
