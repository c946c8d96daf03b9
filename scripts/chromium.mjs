// Which Chromium the browser tests drive, in order: TENANT_CONSOLE_CHROMIUM, Playwright's own
// (fetched by `npx playwright install chromium` where downloads work), Debian's package.
// Shared by both Playwright configs and scripts/test.mjs, so they never disagree.
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

export const CHROMIUM_ENV = 'TENANT_CONSOLE_CHROMIUM';
const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** The one line the test command prints when no Chromium is found. */
export const NO_CHROMIUM_HELP =
  `No Chromium for the browser tests: run \`npx playwright install chromium\`, or \`apt-get install chromium\` (Debian), or set ${CHROMIUM_ENV} to a Chromium binary.`;

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {(path: string) => boolean} exists  (the file system; a test passes its own)
 * @returns {{ path: string, source: string } | null}
 */
export function resolveChromium(env = process.env, exists = existsSync) {
  const chosen = env[CHROMIUM_ENV]?.trim();
  // An explicit choice is taken as given: a wrong path should fail loudly, not fall back.
  if (chosen) return { path: chosen, source: CHROMIUM_ENV };
  let bundled = null;
  try {
    bundled = chromium.executablePath();
  } catch {
    // This Playwright has no Chromium revision for the platform.
  }
  if (bundled && exists(bundled)) return { path: bundled, source: "Playwright's Chromium" };
  if (exists(DEBIAN_CHROMIUM)) return { path: DEBIAN_CHROMIUM, source: "Debian's chromium" };
  return null;
}
