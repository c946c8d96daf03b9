import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { channels, type ChannelInput } from '../src-shared/contract/channels';
import type { ConsoleCore } from '../src-main/app/console-core';
import { startHostServer } from '../src-main/host/host-server';
import { listTenants } from '../src-main/tenants/tenant-queries';
import { HostClient } from './lib/host-client';
import { rotate } from './lib/stats';

/**
 * Benchmark 2: the tenants screen's calls with 10,000 tenants in the registry, through host
 * mode over HTTP (cookie session, same-origin headers, validation, handler, output parse),
 * next to the same call in-process and the very same SQL straight on the pool.
 */

export type Layer = 'sql' | 'dispatch' | 'http';
export const LAYER_LABELS: Readonly<Record<Layer, string>> = {
  sql: 'same SQL on the pool',
  dispatch: 'core.dispatch in-process',
  http: 'host mode over HTTP',
};

export interface ListQuery {
  readonly id: 'list' | 'filter';
  readonly label: string;
  readonly input: ChannelInput<'tenants:list'>;
  readonly targetMs: number;
}

// Names built like real ones: 20 first words × 12 second words; 'Harbor' starts 1 in 20.
const FIRST_WORDS = [
  'Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Wonka', 'Tyrell', 'Cyberdyne', 'Soylent',
  'Hooli', 'Vandelay', 'Massive', 'Gringotts', 'Oscorp', 'Aperture', 'Nakatomi', 'Monarch', 'Harbor', 'Northwind',
];
const SECOND_WORDS = ['Logistics', 'Foods', 'Systems', 'Retail', 'Partners', 'Labs', 'Holdings', 'Energy', 'Media', 'Dental', 'Legal', 'Freight'];

export const LIST_QUERIES: readonly ListQuery[] = [
  { id: 'list', label: 'list, default paging (`{ limit: 50 }`)', input: { limit: 50 }, targetMs: 300 },
  { id: 'filter', label: "filtered search (`search: 'harbor'`, `status: ['active']`)", input: { search: 'harbor', status: ['active'], limit: 50 }, targetMs: 50 },
];

export interface RegistryOptions {
  readonly tenants: number;
  readonly iterations: number;
  readonly warmup: number;
  readonly log: (line: string) => void;
}

export interface QueryResult {
  readonly query: ListQuery;
  readonly total: number;
  readonly rows: number;
  readonly samples: Readonly<Record<Layer, number[]>>;
  readonly plan: string;
}

export interface RegistryResult {
  readonly tenants: number;
  readonly statusCounts: Readonly<Record<string, number>>;
  readonly seedMs: number;
  readonly options: Omit<RegistryOptions, 'log'>;
  readonly queries: readonly QueryResult[];
}

/** Registry rows straight in with SQL: valid codes, labels, plans and names; no databases behind them. */
export async function seedTenants(pool: pg.Pool, serverId: string, count: number): Promise<void> {
  await pool.query(
    `INSERT INTO tenants (tenant_code, company_name, subdomain, admin_email, plan_code, plan_version, status, status_reason,
                          status_changed_at, trial_ends_at, deletion_scheduled_at, server_id, database_name, db_role,
                          created_at, updated_at)
     SELECT code, company, sub, 'admin@' || sub || '.example.com', plan, 1, status,
            CASE status WHEN 'suspended' THEN 'Payment overdue' WHEN 'cancelled' THEN 'Customer request' END,
            CASE WHEN status <> 'active' THEN created + interval '20 days' END,
            CASE WHEN plan = 'trial' THEN created + interval '14 days' END,
            CASE WHEN status = 'cancelled' THEN created + interval '50 days' END,
            $2::uuid, 'tenant_' || lower(code), 'tenant_' || lower(code) || '_app', created, created
       FROM (
         SELECT upper(left(w1, 4)) || lpad(seq::text, 3, '0') AS code,
                w1 || ' ' || w2 || ' ' || seq AS company,
                lower(w1 || '-' || w2) || '-' || seq AS sub,
                (ARRAY['trial', 'starter', 'starter', 'professional', 'professional', 'starter', 'enterprise', 'trial', 'starter', 'professional'])[1 + (i * 7) % 10] AS plan,
                CASE WHEN (i * 31) % 100 < 75 THEN 'active' WHEN (i * 31) % 100 < 87 THEN 'suspended'
                     WHEN (i * 31) % 100 < 97 THEN 'cancelled' ELSE 'deleted' END AS status,
                now() - ($1::int - i) * interval '90 minutes' AS created
           FROM (SELECT i, $3::text[] AS a, $4::text[] AS b, i / array_length($3::text[], 1) + 1 AS seq
                   FROM generate_series(0, $1::int - 1) AS i) AS g,
                LATERAL (SELECT a[1 + i % array_length(a, 1)] AS w1, b[1 + (i / 7) % array_length(b, 1)] AS w2) AS words
       ) AS rows`,
    [count, serverId, FIRST_WORDS, SECOND_WORDS],
  );
  // What autovacuum would do within a minute of such an insert: plan on real statistics.
  await pool.query('ANALYZE tenants');
}

/** The statement listTenants sends for this input, captured as it goes to the pool. */
async function captureListSql(pool: pg.Pool, input: ChannelInput<'tenants:list'>): Promise<{ text: string; values: unknown[] }> {
  let captured: { text: string; values: unknown[] } | null = null;
  const recorder = {
    query: (text: string, values: unknown[]) => {
      captured ??= { text, values };
      return pool.query(text, values);
    },
  } as unknown as Parameters<typeof listTenants>[0];
  await listTenants(recorder, channels['tenants:list'].input.parse(input));
  if (!captured) throw new Error('listTenants sent no SQL.');
  return captured;
}

async function explain(pool: pg.Pool, sql: { text: string; values: unknown[] }): Promise<string> {
  const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql.text}`, sql.values);
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

export async function benchRegistry(core: ConsoleCore, rendererDir: string, options: RegistryOptions): Promise<RegistryResult> {
  const { tenants, iterations, warmup, log } = options;
  const pool = core.platform.pool;
  const { rows: existing } = await pool.query<{ n: number }>('SELECT count(*) AS n FROM tenants');
  if ((existing[0]?.n ?? 0) > 0) throw new Error(`The registry already holds ${existing[0]!.n} tenants; the benchmark needs an empty one.`);

  const seedStart = performance.now();
  await seedTenants(pool, core.platform.primary.id, tenants);
  const seedMs = performance.now() - seedStart;
  const { rows: counts } = await pool.query<{ status: string; n: number }>('SELECT status, count(*) AS n FROM tenants GROUP BY status ORDER BY status');
  log(`  seeded ${tenants} tenants in ${(seedMs / 1000).toFixed(2)} s`);

  // Host mode serves the renderer too; the benchmark needs only its API, so a stub page will do.
  await mkdir(rendererDir, { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>bench</title>\n');
  const host = await startHostServer(core, { port: 0, rendererDir });
  const client = new HostClient(host);
  try {
    await client.signIn();
    const prepared = await Promise.all(LIST_QUERIES.map(async (query) => ({ query, sql: await captureListSql(pool, query.input) })));

    const layers: Layer[] = ['sql', 'dispatch', 'http'];
    const call = async (layer: Layer, index: number): Promise<{ total: number; rows: number }> => {
      const { query, sql } = prepared[index]!;
      if (layer === 'sql') {
        const result = await pool.query<{ total: number }>(sql.text, sql.values);
        return { total: result.rows[0]?.total ?? 0, rows: result.rowCount ?? 0 };
      }
      const result = layer === 'http' ? await client.invoke('tenants:list', query.input) : await core.dispatch('tenants:list', query.input, { origin: 'test' });
      if (!result.ok) throw new Error(`tenants:list (${layer}) failed: ${result.error.code}: ${result.error.message}`);
      const value = result.value as { rows: unknown[]; total: number };
      return { total: value.total, rows: value.rows.length };
    };

    const samples = prepared.map(() => ({ sql: [] as number[], dispatch: [] as number[], http: [] as number[] }));
    const seen = prepared.map(() => new Map<Layer, string>());
    for (let i = 0; i < warmup + iterations; i += 1) {
      // Rotate both the queries and the layers, so none always runs on a cold or warm cache.
      for (const index of rotate(prepared.map((_, k) => k), i)) {
        for (const layer of rotate(layers, i + index)) {
          const start = performance.now();
          const answer = await call(layer, index);
          const ms = performance.now() - start;
          seen[index]!.set(layer, `${answer.total}/${answer.rows}`);
          if (i >= warmup) samples[index]![layer].push(ms);
        }
      }
    }
    // Every layer must have answered the same thing, or the comparison means nothing.
    for (const [index, answers] of seen.entries()) {
      if (new Set(answers.values()).size !== 1) throw new Error(`Layers disagree for ${prepared[index]!.query.id}: ${JSON.stringify([...answers])}`);
    }
    log(`  ${iterations} measured calls per query and layer (+${warmup} warm-up)`);

    const queries: QueryResult[] = [];
    for (const [index, { query, sql }] of prepared.entries()) {
      const [total, rows] = seen[index]!.get('sql')!.split('/').map(Number) as [number, number];
      queries.push({ query, total, rows, samples: samples[index]!, plan: await explain(pool, sql) });
    }
    return {
      tenants,
      statusCounts: Object.fromEntries(counts.map((row) => [row.status, row.n])),
      seedMs,
      options: { tenants, iterations, warmup },
      queries,
    };
  } finally {
    client.close();
    await host.close();
    // The registry was empty before: the seeded rows are all there is to remove.
    await pool.query("DELETE FROM tenants WHERE admin_email LIKE 'admin@%.example.com'").catch(() => undefined);
  }
}
