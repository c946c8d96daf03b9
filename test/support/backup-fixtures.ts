import pg from 'pg';
import { clientConfig, endpointFromUrl } from '../../src-main/postgres/server-endpoint';

/** A superuser connection to one tenant database (as the console's admin). */
export async function tenantAdminClient(url: string, database: string): Promise<pg.Client> {
  const client = new pg.Client(clientConfig(endpointFromUrl(url), database));
  await client.connect();
  return client;
}

/**
 * Fills a tenant database with ≥ 100,000 rows across several ERP tables, plus a test-only
 * table (made as superuser, outside the tenant schema) holding NULLs, unicode, bytea,
 * numeric precision, timestamptz, arrays and JSON — the backup must carry every table.
 * Five companies and 2,000 users: more than any plan but enterprise allows.
 */
export async function seedTenant(url: string, database: string, transactions = 100_000): Promise<void> {
  const client = await tenantAdminClient(url, database);
  try {
    await client.query(`
      INSERT INTO erp.companies (name) SELECT 'Company ' || g FROM generate_series(1, 5) g;
      INSERT INTO erp.users (company_id, email, full_name)
        SELECT 1 + g % 5, 'user' || g || '@example.com', CASE WHEN g % 7 = 0 THEN NULL ELSE 'Ünïcødé 名前 ' || g END
          FROM generate_series(1, 2000) g;
      INSERT INTO erp.transactions (company_id, user_id, amount, description, occurred_at)
        SELECT 1 + g % 5, 1 + g % 2000, round((g * 1.37)::numeric, 2),
               CASE WHEN g % 11 = 0 THEN NULL ELSE E'line\\twith tab and \\\\ backslash, "quotes" ' || g END,
               timestamptz '2024-01-01 00:00:00+00' + g * interval '37 seconds'
          FROM generate_series(1, ${transactions}) g;
      CREATE TABLE erp.type_zoo (
        id bigint PRIMARY KEY,
        precise numeric(38, 18),
        label text,
        blob bytea,
        at timestamptz,
        tags text[],
        numbers integer[],
        doc jsonb,
        raw json,
        ratio double precision,
        span interval,
        flag boolean,
        day date,
        ident uuid
      );
      INSERT INTO erp.type_zoo
        SELECT g,
               CASE WHEN g % 5 = 0 THEN NULL ELSE (g::numeric * 1234567.123456789012345678) END,
               CASE g % 4 WHEN 0 THEN NULL WHEN 1 THEN E'multi\\nline\\r\\n' || g WHEN 2 THEN '😀 emoji ' || g ELSE 'ascii' END,
               CASE WHEN g % 3 = 0 THEN NULL ELSE decode(md5(g::text) || '00ff', 'hex') END,
               timestamptz '2000-02-29 23:59:59.123456+05:30' + g * interval '1 hour',
               ARRAY['a' || g, NULL, 'b,c', E'q"uote'],
               ARRAY[g, -g, 0],
               jsonb_build_object('n', g, 'nested', jsonb_build_object('ü', ARRAY[1, 2]), 'nul', NULL),
               ('{"keep":  "spacing", "n": ' || g || '}')::json,
               CASE WHEN g % 9 = 0 THEN 'NaN'::float8 ELSE g / 3.0 END,
               make_interval(days => g, secs => g / 7.0),
               g % 2 = 0,
               date '1999-12-31' + g,
               md5(g::text)::uuid
          FROM generate_series(1, 2000) g;
      ANALYZE;
    `);
  } finally {
    await client.end();
  }
}

/**
 * What a table's rows are compared as. The limits the console pushes come from the registry,
 * not the file (a restore re-pushes them: pushed_at and, for a copy, the plan differ), so
 * platform.limits' content is asserted on its own (only its rows are counted); the counters are compared as usage per key (the
 * escrow's slots, shares and validity are bookkeeping that every push resets).
 */
const COMPARED_AS: Readonly<Record<string, string | null>> = {
  'platform.limits': null,
  'platform.counters': 'SELECT resource, scope, period, sum(used) AS used FROM platform.counters GROUP BY 1, 2, 3 HAVING sum(used) <> 0',
};

/** Per-table row count and an order-independent checksum of every row, computed in SQL. */
export async function tableChecksums(url: string, database: string): Promise<Record<string, { rows: number; sum: string }>> {
  const client = await tenantAdminClient(url, database);
  try {
    await client.query("SET TimeZone = 'UTC'; SET extra_float_digits = 3; SET DateStyle = 'ISO, YMD'");
    const { rows: tables } = await client.query<{ name: string }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname IN ('erp', 'platform') ORDER BY 1`,
    );
    const result: Record<string, { rows: number; sum: string }> = {};
    for (const { name } of tables) {
      // Rows are always counted as stored; the checksum covers what is compared.
      const source = name in COMPARED_AS ? (COMPARED_AS[name] ?? 'SELECT 1 WHERE false') : `SELECT * FROM ${name}`;
      const { rows } = await client.query<{ rows: number; sum: string }>(
        `SELECT (SELECT count(*)::int FROM ${name}) AS rows, md5(coalesce(string_agg(h, ',' ORDER BY h), '')) AS sum FROM (SELECT md5(t::text) AS h FROM (${source}) t) x`,
      );
      result[name] = rows[0]!;
    }
    return result;
  } finally {
    await client.end();
  }
}

type Queryable = { query: <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<pg.QueryResult<R>> };

/**
 * Staging and replaced databases of this platform's restores (named in their journal
 * entries) that still exist. Scoped to the journal, not a name pattern: other test files
 * restore on the same server at the same time.
 */
export async function leftoverRestoreDatabases(platformPool: Queryable, adminPool: Queryable): Promise<string[]> {
  const { rows } = await platformPool.query<{ names: string[] | null }>(
    "SELECT array_agg(name) AS names FROM operations, LATERAL (VALUES (payload->>'staging'), (payload->>'oldDatabase')) AS n (name) WHERE kind = 'restore' AND name IS NOT NULL",
  );
  const names = rows[0]?.names ?? [];
  if (names.length === 0) return [];
  const existing = await adminPool.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname = ANY($1::text[]) ORDER BY datname', [names]);
  return existing.rows.map((row) => row.datname);
}
