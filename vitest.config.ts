import { defineConfig } from 'vitest/config';

// The test clusters (global setup's, and any a test starts) run without fsync: tests only
// (testServerSettings in src-main/config/environment.ts). Set before global setup runs.
process.env.TENANT_CONSOLE_TEST_FAST_DISK ??= '1';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: integration files each hold a few PostgreSQL connections and spawn CLIs.
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        // Isolated: some unit files mock modules (electron) for their own file only.
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // One real embedded PostgreSQL for the run; every file makes its own platform database on it.
          globalSetup: ['test/support/global-setup.ts'],
          // Files share a worker's module cache: each file loads src-main once per worker, not
          // once per file (a third of the integration run was imports). They mock nothing, and
          // each opens its own console core, platform database and pools.
          isolate: false,
        },
      },
    ],
  },
});
