// The test command: `npm test` (fast tier) and `npm run test:full` (`--full`: everything,
// vitest and Playwright side by side).
// Checks for a Chromium before anything else runs, builds, then runs vitest (unit and
// integration on real PostgreSQL), Playwright in Chromium through host mode, and the
// Electron spec; prints each part's wall time and one closing count line.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_ENV, NO_CHROMIUM_HELP, resolveChromium } from './chromium.mjs';

const full = process.argv.includes('--full');
const RESULTS = 'test-results';

const chromium = resolveChromium();
if (!chromium) {
  console.error(NO_CHROMIUM_HELP);
  process.exit(1);
}

const env = {
  ...process.env,
  TENANT_CONSOLE_TEST_TIER: full ? 'full' : 'fast',
  // Test clusters run without fsync (src-main/config/environment.ts, testServerSettings).
  TENANT_CONSOLE_TEST_FAST_DISK: process.env.TENANT_CONSOLE_TEST_FAST_DISK ?? '1',
  [CHROMIUM_ENV]: chromium.path,
};
console.log(`test: ${full ? 'full' : 'fast'} tier; Chromium: ${chromium.path} (${chromium.source})`);

const VITEST_JSON = join(RESULTS, 'vitest.json');
const PLAYWRIGHT_JSON = join(RESULTS, 'playwright.json');
const ELECTRON_JSON = join(RESULTS, 'playwright-electron.json');
for (const file of [VITEST_JSON, PLAYWRIGHT_JSON, ELECTRON_JSON]) rmSync(file, { force: true });

const parts = [
  { name: 'build', command: [process.execPath, 'scripts/build.mjs'] },
  { name: 'vitest', command: [process.execPath, 'node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${VITEST_JSON}`] },
  { name: 'playwright', command: [process.execPath, 'node_modules/@playwright/test/cli.js', 'test', '--reporter=list,json'], env: { PLAYWRIGHT_JSON_OUTPUT_NAME: PLAYWRIGHT_JSON } },
  { name: 'electron', command: [process.execPath, 'node_modules/@playwright/test/cli.js', 'test', '-c', 'playwright.electron.config.ts', '--reporter=list,json'], env: { PLAYWRIGHT_JSON_OUTPUT_NAME: ELECTRON_JSON } },
];

function run(part) {
  return new Promise((resolve) => {
    const child = spawn(part.command[0], part.command.slice(1), { stdio: 'inherit', env: { ...env, ...part.env } });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', () => resolve(1));
  });
}

// The full tier runs vitest and Playwright side by side after the build, one worker each:
// measured on these 2 cores, 592 s against 646 s one after the other (2 + 2 workers side
// by side: 652 s, the CPU saturated). `--parallel` / `--sequential` or
// TENANT_CONSOLE_TEST_PARALLEL=1/0 choose; TENANT_CONSOLE_TEST_PARALLEL_WORKERS sets the workers.
const parallelEnv = process.env.TENANT_CONSOLE_TEST_PARALLEL;
const parallel = process.argv.includes('--parallel') || parallelEnv === '1' || (full && parallelEnv !== '0' && !process.argv.includes('--sequential'));

const started = Date.now();
const times = [];
const failed = [];
async function timed(part) {
  const partStart = Date.now();
  const code = await run(part);
  times.push(`${part.name} ${Math.round((Date.now() - partStart) / 1000)} s`);
  if (code !== 0) failed.push(part.name);
  return code;
}
const [build, ...rest] = parts;
// Nothing runs on a broken build.
if ((await timed(build)) === 0) {
  if (parallel) {
    const [vitestPart, playwrightPart, electronPart] = rest;
    const workers = process.env.TENANT_CONSOLE_TEST_PARALLEL_WORKERS ?? '1';
    console.log(`test: vitest and Playwright side by side, ${workers} worker(s) each`);
    await Promise.all([
      timed({ ...vitestPart, command: [...vitestPart.command, `--maxWorkers=${workers}`] }),
      timed({ ...playwrightPart, command: [...playwrightPart.command, `--workers=${workers}`] }).then(() => timed(electronPart)),
    ]);
  } else {
    for (const part of rest) await timed(part);
  }
}

/** passed / failed / skipped of one JSON report, zeros when the part wrote none. */
function counts(file, pick) {
  if (!existsSync(file)) return { passed: 0, failed: 0, skipped: 0 };
  try {
    return pick(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return { passed: 0, failed: 0, skipped: 0 };
  }
}
const vitest = counts(VITEST_JSON, (r) => ({ passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests }));
const playwright = (file) => counts(file, (r) => ({ passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected, skipped: r.stats.skipped }));
const total = [vitest, playwright(PLAYWRIGHT_JSON), playwright(ELECTRON_JSON)].reduce(
  (sum, c) => ({ passed: sum.passed + c.passed, failed: sum.failed + c.failed, skipped: sum.skipped + c.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);

console.log(`\ntest: ${full ? 'full' : 'fast'} tier in ${Math.round((Date.now() - started) / 1000)} s (${times.join(', ')})${failed.length ? `; failed: ${failed.join(', ')}` : ''}`);
// A part that failed without a report (a crash, a broken config) still fails the count.
const failedCount = Math.max(total.failed, failed.length > 0 && total.failed === 0 ? 1 : 0);
console.log(`${total.passed} passed, ${failedCount} failed, ${total.skipped} skipped`);
process.exit(failed.length > 0 ? 1 : 0);
