import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelInput } from '../src-shared/contract/channels';
import type { ConsoleCore } from '../src-main/app/console-core';
import { cacheFileIn, openCache } from '../src-main/cache/open-cache';
import { startHostServer } from '../src-main/host/host-server';
import { createSilentLogger } from '../src-main/logging/logger';
import { SnapshotStore } from '../src-main/offline/snapshot-store';
import { listAllTenantDetails } from '../src-main/tenants/tenant-queries';
import { HostClient } from './lib/host-client';
import { table, verdict } from './lib/markdown';
import { ms, rotate, summarize, type Summary } from './lib/stats';
import { seedTenants } from './registry-list';

/**
 * Ctrl/⌘-K over 10,000 tenants: `search:everything` (tenants by code, company ignoring
 * accents, subdomain and admin e-mail, plus invoices by number) through host mode over HTTP —
 * what the palette waits for between a keystroke and its first result — next to the same call
 * in-process, and the offline answer from the local cache's SQLite snapshot.
 */
export const SEARCH_TARGET_MS = 100;

export type SearchLayer = 'dispatch' | 'http' | 'snapshot';
const LAYERS: readonly SearchLayer[] = ['dispatch', 'http', 'snapshot'];

export interface SearchQuery {
  readonly text: string;
  readonly what: string;
}

export const SEARCH_QUERIES: readonly SearchQuery[] = [
  { text: 'Muller', what: 'accents ignored (1 in 100 names is "Müller …")' },
  { text: 'harbor', what: 'a company word (1 in 20 tenants)' },
  { text: 'a', what: 'one letter: nearly every tenant matches, ranking decides' },
  { text: 'WAYN042', what: 'a tenant code' },
  { text: 'admin@wonka-media', what: 'an admin e-mail' },
  { text: 'INV-2027-004217', what: 'an invoice number (10,000 invoices)' },
  { text: 'zzzz', what: 'no match: every row is read' },
];

export interface SearchBenchOptions {
  readonly tenants: number;
  readonly iterations: number;
  readonly warmup: number;
  readonly log: (line: string) => void;
}

export interface SearchQueryResult {
  readonly query: SearchQuery;
  readonly hits: number;
  readonly samples: Readonly<Record<SearchLayer, Summary>>;
}

export interface SearchBenchResult {
  readonly options: Omit<SearchBenchOptions, 'log'>;
  readonly seedMs: number;
  readonly invoices: number;
  readonly queries: readonly SearchQueryResult[];
}

export async function benchSearch(core: ConsoleCore, options: SearchBenchOptions): Promise<SearchBenchResult> {
  const { tenants, iterations, warmup, log } = options;
  const pool = core.platform.pool;
  const { rows: existing } = await pool.query<{ n: number }>('SELECT count(*) AS n FROM tenants');
  if ((existing[0]?.n ?? 0) > 0) throw new Error(`The registry already holds ${existing[0]!.n} tenants; the benchmark needs an empty one.`);

  const scratch = await mkdtemp(join(tmpdir(), 'tc-bench-search-'));
  const seedStart = performance.now();
  await seedTenants(pool, core.platform.primary.id, tenants);
  // One company in a hundred gets an accented name, and every tenant an open invoice with a number.
  await pool.query(`UPDATE tenants SET company_name = 'Müller Bäckerei ' || tenant_code WHERE abs(hashtext(tenant_code)) % 100 = 0`);
  const invoices = await pool.query(
    `INSERT INTO invoices (tenant_id, source, number, state, currency, subtotal_cents, total_cents, issued_at, created_by)
     SELECT id, 'manual', 'INV-2027-' || lpad((row_number() OVER (ORDER BY tenant_code))::text, 6, '0'), 'open', 'USD', 4900, 4900,
            now() - (row_number() OVER (ORDER BY tenant_code)) * interval '1 minute', 'bench'
       FROM tenants`,
  );
  await pool.query('ANALYZE tenants; ANALYZE invoices');
  const seedMs = performance.now() - seedStart;
  log(`  seeded ${tenants} tenants and ${invoices.rowCount} invoices in ${(seedMs / 1000).toFixed(2)} s`);

  // The offline answer: the same tenants saved in a local cache, as the console keeps them.
  const { cache, status } = openCache({ file: cacheFileIn(scratch), logger: createSilentLogger() });
  if (!cache) throw new Error(`The local cache did not open: ${status.problem ?? 'unknown'}`);
  const snapshot = new SnapshotStore(cache.db, { consoleId: cache.consoleId, consoleLabel: 'bench' });
  snapshot.saveTenants(await listAllTenantDetails(pool), new Date().toISOString());

  const rendererDir = join(scratch, 'renderer');
  await mkdir(rendererDir, { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>bench</title>\n');
  const host = await startHostServer(core, { port: 0, rendererDir });
  const client = new HostClient(host);
  try {
    await client.signIn();
    const call = async (layer: SearchLayer, query: SearchQuery): Promise<number> => {
      const input: ChannelInput<'search:everything'> = { text: query.text, limit: 8 };
      if (layer === 'snapshot') return snapshot.searchTenants('live', query.text, 8).rows.length;
      const result = layer === 'http' ? await client.invoke('search:everything', input) : await core.dispatch('search:everything', input, { origin: 'test' });
      if (!result.ok) throw new Error(`search:everything (${layer}) failed: ${result.error.code}: ${result.error.message}`);
      return (result.value as { hits: unknown[] }).hits.length;
    };

    const samples = SEARCH_QUERIES.map(() => ({ dispatch: [] as number[], http: [] as number[], snapshot: [] as number[] }));
    const hits = SEARCH_QUERIES.map(() => 0);
    for (let i = 0; i < warmup + iterations; i += 1) {
      // Rotate queries and layers, so none always runs on a cold or warm cache.
      for (const index of rotate(SEARCH_QUERIES.map((_, k) => k), i)) {
        for (const layer of rotate(LAYERS, i + index)) {
          const start = performance.now();
          const found = await call(layer, SEARCH_QUERIES[index]!);
          const elapsed = performance.now() - start;
          if (layer === 'http') hits[index] = found;
          if (i >= warmup) samples[index]![layer].push(elapsed);
        }
      }
    }
    // Every query must find what it was built to find, or its timing means nothing.
    for (const [index, query] of SEARCH_QUERIES.entries()) {
      const expectNone = query.text === 'zzzz';
      if (expectNone ? hits[index] !== 0 : hits[index] === 0) throw new Error(`"${query.text}" found ${hits[index]} hits.`);
    }
    log(`  ${iterations} measured calls per query and layer (+${warmup} warm-up)`);
    return {
      options: { tenants, iterations, warmup },
      seedMs,
      invoices: invoices.rowCount ?? 0,
      queries: SEARCH_QUERIES.map((query, index) => ({
        query,
        hits: hits[index]!,
        samples: { dispatch: summarize(samples[index]!.dispatch), http: summarize(samples[index]!.http), snapshot: summarize(samples[index]!.snapshot) },
      })),
    };
  } finally {
    client.close();
    await host.close();
    cache.close();
    await rm(scratch, { recursive: true, force: true });
    await pool.query("DELETE FROM invoices WHERE created_by = 'bench'").catch(() => undefined);
    await pool.query("DELETE FROM tenants WHERE admin_email LIKE 'admin@%.example.com'").catch(() => undefined);
  }
}

function worstHttpP95(result: SearchBenchResult): number {
  return Math.max(...result.queries.map((query) => query.samples.http.p95));
}

export function searchSummaryRows(result: SearchBenchResult): string[][] {
  const worst = worstHttpP95(result);
  return [[`Ctrl-K search over ${result.options.tenants.toLocaleString('en-US')} tenants, host mode, worst query p95`, ms(worst), `≤ ${SEARCH_TARGET_MS} ms`, verdict(worst <= SEARCH_TARGET_MS)]];
}

export function searchSection(title: string, result: SearchBenchResult): string {
  const cell = (summary: Summary) => `${ms(summary.median)} / ${ms(summary.p95)}`;
  return [
    `## ${title}`,
    '',
    `${result.options.tenants.toLocaleString('en-US')} tenants and ${result.invoices.toLocaleString('en-US')} invoices (seeded in ${(result.seedMs / 1000).toFixed(1)} s); ` +
      `${result.options.iterations} calls per query and layer after ${result.options.warmup} of warm-up, layers and queries rotated. ` +
      'Figures are median / p95. "host mode over HTTP" is what the palette waits for after a keystroke (validation, role check, both statements, output parse, JSON over HTTP); ' +
      '"snapshot" is the offline answer from the local cache (SQLite, tenants only).',
    '',
    table(
      ['query', 'what', 'hits', 'core.dispatch', 'host mode over HTTP', 'snapshot (offline)', `target ≤ ${SEARCH_TARGET_MS} ms (HTTP p95)`],
      result.queries.map((query) => [
        `\`${query.query.text}\``,
        query.query.what,
        String(query.hits),
        cell(query.samples.dispatch),
        cell(query.samples.http),
        cell(query.samples.snapshot),
        verdict(query.samples.http.p95 <= SEARCH_TARGET_MS),
      ]),
      ['left', 'left', 'right', 'right', 'right', 'right', 'left'],
    ),
  ].join('\n');
}
