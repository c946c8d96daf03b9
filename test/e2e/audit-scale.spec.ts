import { expect, test } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheFileIn, openCache } from '../../src-main/cache/open-cache';
import { createSilentLogger } from '../../src-main/logging/logger';
import { bulkAppendEvents } from '../support/audit-bulk';
import { startHostMode, type HostMode } from './host-mode';
import { SCREENSHOTS } from './browser-helpers';
import { tierScale } from '../support/tier';

// The 1,000,000 in the full tier; the fast tier pages the same keyset list over fewer
// (still 15 pages deep). E2E_AUDIT_EVENTS sets any other figure.
const EVENTS = Number(process.env.E2E_AUDIT_EVENTS ?? tierScale(60_000, 1_000_000));
// bulkAppendEvents gives event i to tenant BLK(100 + i % 900): BLK123 has every 900th from i = 23.
const BLK123_EVENTS = Math.ceil((EVENTS - 23) / 900);
const PAGES_TO_SCROLL = 15;

let host: HostMode;

test.use({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });

test.beforeAll(async () => {
  test.setTimeout(600_000);
  await mkdir(SCREENSHOTS, { recursive: true });
  host = await startHostMode({
    prepare: async (dataDir) => {
      const { cache, status } = openCache({ file: cacheFileIn(dataDir), logger: createSilentLogger() });
      if (!cache) throw new Error(status.problem ?? 'no cache');
      try {
        bulkAppendEvents(cache, EVENTS);
      } finally {
        cache.close();
      }
    },
  });
});

test.afterAll(async () => {
  test.setTimeout(90_000);
  await host?.stop();
});

test(`the local audit log scrolls through ${EVENTS.toLocaleString('en')} events page by page, with a bounded DOM`, async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(host.url);
  await page.getByTestId('nav-audit').click();
  await page.getByTestId('audit-source').getByText('This console').click();
  await expect(page.getByTestId('audit-count')).toHaveText(new RegExp(`^${EVENTS.toLocaleString('en-US')} events$`), { timeout: 60_000 });

  const viewport = page.getByTestId('audit-viewport');
  // Typed structurally: this spec compiles with or without the DOM library in scope.
  const scrollToEnd = (element: unknown) => {
    const box = element as { scrollTo(options: { top: number }): void; scrollHeight: number };
    box.scrollTo({ top: box.scrollHeight });
  };
  const pageTimes: number[] = [];
  const loaded = async () => Number(await page.getByTestId('audit-list').getAttribute('data-loaded'));
  for (let i = 0; i < PAGES_TO_SCROLL; i += 1) {
    const before = await loaded();
    const started = Date.now();
    await viewport.evaluate(scrollToEnd);
    await expect.poll(loaded, { timeout: 30_000 }).toBeGreaterThan(before);
    pageTimes.push(Date.now() - started);
  }
  await viewport.evaluate(scrollToEnd);
  // Only what is on screen (plus overscan) exists, however far down the list is.
  expect(await page.getByTestId('audit-row').count()).toBeLessThan(60);
  const lastSeq = Number(await page.getByTestId('audit-row').last().getAttribute('data-seq'));
  // Newest first: the bottom row is as old as the number of rows fetched so far says.
  expect(lastSeq).toBeLessThanOrEqual(EVENTS - 200 * PAGES_TO_SCROLL);
  expect(lastSeq).toBeGreaterThanOrEqual(EVENTS - (await loaded()) + 1);
  await shot();
  const sorted = [...pageTimes].sort((a, b) => a - b);
  console.log(`audit scroll over ${EVENTS} events: next page shown in median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms`);

  // A filter on the whole log answers from the index, not by scanning what was loaded.
  await page.getByTestId('audit-tenant').fill('BLK123');
  await expect(page.getByTestId('audit-row').first()).toHaveText(/BLK123/, { timeout: 30_000 });
  await expect(page.getByTestId('audit-count')).toHaveText(new RegExp(`^${BLK123_EVENTS.toLocaleString('en-US')} events$`));

  async function shot() {
    await page.screenshot({ path: join(SCREENSHOTS, 'audit-04-million-scrolled.png'), animations: 'disabled' });
  }
});
