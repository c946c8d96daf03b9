import { chromium } from '@playwright/test';
import { describe, expect, it } from 'vitest';
import { NO_CHROMIUM_HELP, resolveChromium } from '../../scripts/chromium.mjs';

// The order the test command and the Playwright config take a Chromium in.
describe('resolveChromium', () => {
  const playwrights = chromium.executablePath();

  it('takes TENANT_CONSOLE_CHROMIUM as given, before anything on disk', () => {
    expect(resolveChromium({ TENANT_CONSOLE_CHROMIUM: '/opt/chrome/chrome' }, () => true)).toEqual({ path: '/opt/chrome/chrome', source: 'TENANT_CONSOLE_CHROMIUM' });
  });

  it("then Playwright's own Chromium, where it was fetched", () => {
    expect(resolveChromium({}, () => true)).toEqual({ path: playwrights, source: "Playwright's Chromium" });
  });

  it("then Debian's /usr/bin/chromium", () => {
    expect(resolveChromium({}, (path) => path === '/usr/bin/chromium')).toEqual({ path: '/usr/bin/chromium', source: "Debian's chromium" });
  });

  it('finds none, and the help is one line naming every way to get one', () => {
    expect(resolveChromium({ TENANT_CONSOLE_CHROMIUM: '  ' }, () => false)).toBeNull();
    expect(NO_CHROMIUM_HELP.split('\n')).toHaveLength(1);
    expect(NO_CHROMIUM_HELP).toMatch(/npx playwright install chromium/);
    expect(NO_CHROMIUM_HELP).toMatch(/apt-get install chromium/);
    expect(NO_CHROMIUM_HELP).toMatch(/TENANT_CONSOLE_CHROMIUM/);
  });
});
