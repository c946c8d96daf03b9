import pg from 'pg';
import type { ConsoleCore } from '../src-main/app/console-core';
import { clientConfig } from '../src-main/postgres/server-endpoint';
import { LIMIT_SQLSTATE } from '../src-main/tenant-schema/migrations/003-limits';
import { table, verdict } from './lib/markdown';
import { median, rotate } from './lib/stats';

/**
 * Benchmark: insert throughput into erp.transactions with the limit triggers (statement-level,
 * escrow counters, a slot per writing backend) against the same table without them, and
 * against a naive per-row counter trigger (one hot row, checked per row) — 1, 4 and 8
 * connections, single-row and multi-row statements, autocommit, as the tenant's own role.
 * Then an overshoot run: 8 connections race past a limit; the rows that got in must equal
 * the limit exactly.
 */

/** Enforced ÷ unenforced throughput; 4 connections are shown without a target. */
export const LIMITS_TARGETS = { oneConnection: 0.85, eightConnections: 0.75 } as const;
const CONNECTIONS = [1, 4, 8] as const;

export interface LimitsOptions {
  /** Seconds each measured window runs. */
  readonly seconds: number;
  /** Rounds per cell; variants run round-robin, order rotated every round. */
  readonly rounds: number;
  readonly rowsPerStatement: number;
  readonly log: (line: string) => void;
}

type Variant = 'plain' | 'enforced' | 'naive';
const TABLES: Readonly<Record<Variant, string>> = { plain: 'erp.bench_plain', enforced: 'erp.transactions', naive: 'erp.bench_naive' };
export const LIMITS_VARIANT_LABELS: Readonly<Record<Variant, string>> = {
  plain: 'no enforcement',
  enforced: 'enforced (statement triggers, escrow counters, a slot per writer)',
  naive: 'naive per-row counter trigger',
};

export interface LimitsCell {
  readonly connections: number;
  readonly rowsPerStatement: number;
  readonly rowsPerSecond: Readonly<Record<Variant, number>>;
}

export interface LimitsResult {
  readonly options: Omit<LimitsOptions, 'log'>;
  readonly cells: readonly LimitsCell[];
  readonly overshoot: { readonly limit: number; readonly inserted: number; readonly refused: number; readonly overshoot: number };
}

const SETUP = /* sql */ `
  -- Same columns, checks, indexes and foreign keys as erp.transactions: only the limit triggers differ.
  CREATE TABLE erp.bench_plain (LIKE erp.transactions INCLUDING ALL);
  CREATE TABLE erp.bench_naive (LIKE erp.transactions INCLUDING ALL);
  ALTER TABLE erp.bench_plain ADD FOREIGN KEY (company_id) REFERENCES erp.companies (id),
    ADD FOREIGN KEY (user_id) REFERENCES erp.users (id) ON DELETE SET NULL,
    ADD FOREIGN KEY (invoice_id) REFERENCES erp.invoices (id), ADD FOREIGN KEY (journal_entry_id) REFERENCES erp.journal_entries (id);
  ALTER TABLE erp.bench_naive ADD FOREIGN KEY (company_id) REFERENCES erp.companies (id),
    ADD FOREIGN KEY (user_id) REFERENCES erp.users (id) ON DELETE SET NULL,
    ADD FOREIGN KEY (invoice_id) REFERENCES erp.invoices (id), ADD FOREIGN KEY (journal_entry_id) REFERENCES erp.journal_entries (id);
  CREATE TABLE platform.bench_naive_counter (id int PRIMARY KEY, used bigint NOT NULL, lim bigint);
  INSERT INTO platform.bench_naive_counter VALUES (1, 0, 1000000000);
  CREATE FUNCTION platform.bench_naive_check() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp AS $$
  BEGIN
    UPDATE platform.bench_naive_counter SET used = used + 1 WHERE id = 1 AND (lim IS NULL OR used + 1 <= lim);
    IF NOT FOUND THEN RAISE EXCEPTION 'limit reached' USING ERRCODE = '${LIMIT_SQLSTATE}'; END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER bench_naive_limit BEFORE INSERT ON erp.bench_naive FOR EACH ROW EXECUTE FUNCTION platform.bench_naive_check();
`;

async function connectAll(config: pg.ClientConfig, n: number): Promise<pg.Client[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const client = new pg.Client(config);
      await client.connect();
      return client;
    }),
  );
}

/** Rows per second inserted by `clients` for `seconds`, each in a loop of autocommit statements. */
async function measure(clients: readonly pg.Client[], tableName: string, rows: number, companyId: number, seconds: number): Promise<number> {
  const sql = rows === 1
    ? `INSERT INTO ${tableName} (company_id, amount) VALUES ($1, 1)`
    : `INSERT INTO ${tableName} (company_id, amount) SELECT $1, 1 FROM generate_series(1, ${rows})`;
  const deadline = performance.now() + seconds * 1000;
  let inserted = 0;
  const started = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < deadline) {
        await client.query({ text: sql, values: [companyId], name: `bench_${tableName.replace('.', '_')}_${rows}` });
        inserted += rows;
      }
    }),
  );
  return inserted / ((performance.now() - started) / 1000);
}

export async function benchLimits(core: ConsoleCore, options: LimitsOptions): Promise<LimitsResult> {
  const { log } = options;
  const { tenant, credentials } = await core.dispatch(
    'tenants:create',
    { companyName: 'Limits Bench', subdomain: `limits-bench-${Date.now().toString(36)}`, plan: 'professional', adminEmail: 'bench@example.com' },
    { origin: 'cli' },
  ).then((result) => {
    if (!result.ok) throw new Error(result.error.message);
    return result.value as { tenant: { tenantCode: string }; credentials: { host: string; port: number; database: string; user: string; password: string } };
  });
  // A finite but unreachable limit: the enforced path checks and counts on every statement.
  const override = await core.dispatch('tenants:setOverride', { ref: tenant.tenantCode, resource: 'transactions', kind: 'limit', value: 1_000_000_000, reason: 'benchmark' }, { origin: 'cli' });
  if (!override.ok) throw new Error(override.error.message);
  const admin = new pg.Client(clientConfig(core.platform.primary.endpoint, credentials.database));
  await admin.connect();
  try {
    await admin.query(SETUP);
    await admin.query(`GRANT SELECT, INSERT ON erp.bench_plain, erp.bench_naive TO ${credentials.user}; GRANT USAGE ON ALL SEQUENCES IN SCHEMA erp TO ${credentials.user}`);
    const { rows } = await admin.query<{ id: number }>(`INSERT INTO erp.companies (name) VALUES ('Bench') RETURNING id`);
    const companyId = rows[0]!.id;
    const tenantConfig: pg.ClientConfig = { host: credentials.host, port: credentials.port, user: credentials.user, password: credentials.password, database: credentials.database };

    const cells: LimitsCell[] = [];
    const variants: Variant[] = ['plain', 'enforced', 'naive'];
    for (const connections of CONNECTIONS) {
      for (const rowsPerStatement of [1, options.rowsPerStatement]) {
        const clients = await connectAll(tenantConfig, connections);
        try {
          const samples: Record<Variant, number[]> = { plain: [], enforced: [], naive: [] };
          // Warm-up: plans cached, counters' slots created.
          for (const variant of variants) await measure(clients, TABLES[variant], rowsPerStatement, companyId, 0.3);
          for (let round = 0; round < options.rounds; round += 1) {
            for (const variant of rotate(variants, round)) samples[variant].push(await measure(clients, TABLES[variant], rowsPerStatement, companyId, options.seconds));
          }
          const cell: LimitsCell = {
            connections,
            rowsPerStatement,
            rowsPerSecond: { plain: median(samples.plain), enforced: median(samples.enforced), naive: median(samples.naive) },
          };
          log(`  ${connections} conn × ${rowsPerStatement} row(s): plain ${cell.rowsPerSecond.plain.toFixed(0)}/s, enforced ${cell.rowsPerSecond.enforced.toFixed(0)}/s (${(cell.rowsPerSecond.enforced / cell.rowsPerSecond.plain).toFixed(2)}×), naive ${cell.rowsPerSecond.naive.toFixed(0)}/s (${(cell.rowsPerSecond.naive / cell.rowsPerSecond.plain).toFixed(2)}×)`);
          cells.push(cell);
        } finally {
          await Promise.all(clients.map((client) => client.end()));
        }
      }
    }

    // Overshoot: a limit 2,000 above this month's count, 8 connections racing past it.
    const { rows: used } = await admin.query<{ current: number }>(`SELECT current FROM platform.check_limit('transactions')`);
    const limit = used[0]!.current + 2000;
    const set = await core.dispatch('tenants:setOverride', { ref: tenant.tenantCode, resource: 'transactions', kind: 'limit', value: limit, reason: 'benchmark overshoot' }, { origin: 'cli' });
    if (!set.ok) throw new Error(set.error.message);
    const before = Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM erp.transactions')).rows[0]!.n);
    const racers = await connectAll(tenantConfig, 8);
    let refused = 0;
    try {
      await Promise.all(
        racers.map(async (client, i) => {
          for (let attempt = 0; attempt < 400; attempt += 1) {
            try {
              await client.query(`INSERT INTO erp.transactions (company_id, amount) SELECT $1, 1 FROM generate_series(1, $2::int)`, [companyId, (i + attempt) % 4 === 0 ? 7 : 1]);
            } catch (error) {
              if ((error as { code?: string }).code !== LIMIT_SQLSTATE) throw error;
              refused += 1;
            }
          }
        }),
      );
    } finally {
      await Promise.all(racers.map((client) => client.end()));
    }
    const after = Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM erp.transactions')).rows[0]!.n);
    const inserted = used[0]!.current + (after - before);
    log(`  overshoot: limit ${limit}, counted ${inserted}, ${refused} statements refused`);
    return { options: { seconds: options.seconds, rounds: options.rounds, rowsPerStatement: options.rowsPerStatement }, cells, overshoot: { limit, inserted, refused, overshoot: Math.max(0, inserted - limit) } };
  } finally {
    await admin.end();
  }
}

export function limitsSection(title: string, result: LimitsResult): string {
  const rows = result.cells.map((cell) => {
    const ratio = cell.rowsPerSecond.enforced / cell.rowsPerSecond.plain;
    const target = cell.connections === 1 ? LIMITS_TARGETS.oneConnection : cell.connections === 8 ? LIMITS_TARGETS.eightConnections : null;
    return [
      String(cell.connections),
      cell.rowsPerStatement === 1 ? 'single-row' : `${cell.rowsPerStatement} rows`,
      cell.rowsPerSecond.plain.toFixed(0),
      cell.rowsPerSecond.enforced.toFixed(0),
      `${ratio.toFixed(2)}×`,
      cell.rowsPerSecond.naive.toFixed(0),
      `${(cell.rowsPerSecond.naive / cell.rowsPerSecond.plain).toFixed(2)}×`,
      target === null ? '—' : `≥ ${target}× ${verdict(ratio >= target)}`,
    ];
  });
  const o = result.overshoot;
  return [
    `## ${title}`,
    '',
    `Autocommit inserts into erp.transactions as the tenant's role; ${result.options.rounds} round(s) of ${result.options.seconds} s per variant, median rows/s.`,
    '',
    table(['conns', 'statement', 'no enforcement rows/s', 'enforced rows/s', 'ratio', 'naive rows/s', 'naive ratio', 'target'], rows, ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'left']),
    '',
    `Overshoot: 8 connections racing past a limit of ${o.limit}: ${o.inserted} counted, ${o.refused} statements refused, overshoot ${o.overshoot} ${verdict(o.overshoot === 0 && o.inserted === o.limit)}.`,
  ].join('\n');
}
