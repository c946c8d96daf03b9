import type pg from 'pg';
import { assertConsoleIdentifier, quoteIdent } from '../postgres/identifiers';

export interface CatalogColumn {
  readonly name: string;
  readonly type: string;
  readonly notNull: boolean;
}

export interface CatalogTable {
  readonly schema: string;
  readonly name: string;
  readonly columns: readonly CatalogColumn[];
  readonly primaryKey: readonly string[] | null;
}

export interface CatalogSequence {
  readonly schema: string;
  readonly name: string;
  readonly lastValue: string | null;
}

type Queryable = Pick<pg.ClientBase, 'query'>;

// Every user schema: erp and platform today, and whatever a later migration adds.
const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`;

/**
 * Every ordinary table of the database, from the catalog (never a hard-coded list), with
 * its stored columns in order. Generated columns are left out: PostgreSQL computes them.
 * A name outside the console's identifier rules is refused rather than quoted loosely.
 */
export async function discoverTables(db: Queryable): Promise<CatalogTable[]> {
  const { rows } = await db.query<{ schema: string; name: string; columns: { name: string; type: string; notNull: boolean }[]; primary_key: string[] | null }>(
    `SELECT n.nspname AS schema, c.relname AS name,
            (SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'notNull', a.attnotnull) ORDER BY a.attnum)
               FROM pg_attribute a
              WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '') AS columns,
            (SELECT array_agg(a.attname::text ORDER BY k.ord)
               FROM pg_constraint con
               CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
              WHERE con.conrelid = c.oid AND con.contype = 'p') AS primary_key
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND ${USER_SCHEMAS}
      ORDER BY n.nspname, c.relname`,
  );
  return rows.map((row) => {
    assertConsoleIdentifier(row.schema, 'schema name');
    assertConsoleIdentifier(row.name, 'table name');
    for (const column of row.columns ?? []) assertConsoleIdentifier(column.name, `column name in ${row.schema}.${row.name}`);
    return { schema: row.schema, name: row.name, columns: row.columns ?? [], primaryKey: row.primary_key };
  });
}

export async function readSequences(db: Queryable): Promise<CatalogSequence[]> {
  const { rows } = await db.query<{ schema: string; name: string; last_value: string | null }>(
    `SELECT schemaname AS schema, sequencename AS name, last_value::text AS last_value
       FROM pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND schemaname NOT LIKE 'pg\\_%'
      ORDER BY schemaname, sequencename`,
  );
  return rows.map((row) => ({ schema: assertConsoleIdentifier(row.schema, 'schema name'), name: assertConsoleIdentifier(row.name, 'sequence name'), lastValue: row.last_value }));
}

/** The tenant database's schema version: the newest tenant-schema migration it has. */
export async function tenantSchemaVersion(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ version: number | null }>('SELECT max(version) AS version FROM platform.schema_migrations');
  return rows[0]?.version ?? 0;
}

export const tableSql = (table: { schema: string; name: string }): string => `${quoteIdent(table.schema, 'schema name')}.${quoteIdent(table.name, 'table name')}`;
export const columnListSql = (columns: readonly { name: string }[]): string => columns.map((column) => quoteIdent(column.name, 'column name')).join(', ');
