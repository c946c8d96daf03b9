import { defineConfig } from 'vitest/config';

// The test clusters (global setup's, and any a test starts) run without fsync: tests only
// (testServerSettings in src-main/config/environment.ts). Set before global setup runs.
process.env.TENANT_CONSOLE_TEST_FAST_DISK ??= '1';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: integration files each hold a few PostgreSQL connections and spawn CLIs.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
