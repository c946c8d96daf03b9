import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { quoteIdent, quoteLiteral } from '../postgres/identifiers';
import { ArchiveProblem, COPY_SESSION_SQL, qualifiedName, type ArchiveManifest, type ManifestTable } from './archive-format';
import { readArchive } from './archive-reader';
import { columnListSql, tableSql } from './table-catalog';
import { crashIfInjected } from '../operations/journal';

export type LoadProgress = (progress: { tablesDone: number; tablesTotal: number; bytesDone: number }) => void;

/**
 * Loads a verified archive into `client`'s database (a fresh one from the template): in one
 * transaction, with triggers off (session_replication_role = replica — foreign keys and
 * the platform's limit triggers are the template's business, the rows are the archive's),
 * the template's seed rows replaced by the archive's, sequences set to the archive's values.
 * Tables the template lacks (added by hand to the source) are created with their columns,
 * NOT NULL and primary key.
 */
export async function loadArchive(client: pg.ClientBase, path: string, manifest: ArchiveManifest, hmacKey: Buffer, onProgress: LoadProgress, signal: AbortSignal): Promise<void> {
  await client.query(COPY_SESSION_SQL);
  await client.query('BEGIN');
  await client.query('SET LOCAL session_replication_role = replica');
  await createMissingTables(client, manifest.tables);
  if (manifest.tables.length > 0) await client.query(`TRUNCATE ${manifest.tables.map(tableSql).join(', ')}`);

  const byIndex = new Map(manifest.tables.map((table) => [table.index, table]));
  let current: { index: number; stream: ReturnType<typeof copyFrom> } | null = null;
  let tablesDone = 0;
  const endCurrent = async () => {
    if (!current) return;
    const { stream } = current;
    current = null;
    stream.end();
    await finished(stream);
    tablesDone += 1;
    crashIfInjected(`restore_table_${tablesDone}`);
  };
  // The second pass is checked like the first (the file could change in between): same key.
  await readArchive(path, {
    signal,
    hmacKey,
    onData: async (tableIndex, data) => {
      if (signal.aborted) throw new Error('cancelled');
      if (current?.index !== tableIndex) {
        await endCurrent();
        const table = byIndex.get(tableIndex);
        if (!table) throw new ArchiveProblem(`The archive has data for table #${tableIndex}, which its manifest does not list.`);
        current = { index: tableIndex, stream: client.query(copyFrom(`COPY ${tableSql(table)} (${columnListSql(table.columns)}) FROM STDIN`)) };
      }
      if (!current.stream.write(data)) await once(current.stream, 'drain');
    },
    onProgress: ({ bytesDone }) => onProgress({ tablesDone, tablesTotal: manifest.tables.length, bytesDone }),
  });
  await endCurrent();

  for (const sequence of manifest.sequences) {
    const name = `${quoteIdent(sequence.schema)}.${quoteIdent(sequence.name)}`;
    const { rows } = await client.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [name]);
    if (!rows[0]?.exists) continue;
    if (sequence.lastValue === null) await client.query(`ALTER SEQUENCE ${name} RESTART`);
    else await client.query('SELECT setval($1::regclass, $2::bigint, true)', [name, sequence.lastValue]);
  }
  await client.query('COMMIT');
}

async function createMissingTables(client: pg.ClientBase, tables: readonly ManifestTable[]): Promise<void> {
  for (const table of tables) {
    const { rows } = await client.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [tableSql(table)]);
    if (rows[0]?.exists) continue;
    // The types were checked against a strict pattern when the manifest was parsed.
    const columns = table.columns.map((column) => `${quoteIdent(column.name)} ${column.type}${column.notNull ? ' NOT NULL' : ''}`);
    if (table.primaryKey && table.primaryKey.length > 0) columns.push(`PRIMARY KEY (${table.primaryKey.map((name) => quoteIdent(name)).join(', ')})`);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(table.schema)}`);
    await client.query(`CREATE TABLE ${tableSql(table)} (${columns.join(', ')})`);
    await client.query(`COMMENT ON TABLE ${tableSql(table)} IS ${quoteLiteral('restored from a backup: not part of the tenant schema')}`);
  }
}

/**
 * After loading: reads every table back with COPY and checks row count and SHA-256 against
 * the manifest — the restore is reported done only when the database holds exactly what
 * was backed up.
 */
export async function verifyLoaded(client: pg.ClientBase, manifest: ArchiveManifest, signal: AbortSignal): Promise<void> {
  await client.query(COPY_SESSION_SQL);
  for (const table of manifest.tables) {
    if (signal.aborted) throw new Error('cancelled');
    const hash = createHash('sha256');
    const copy = client.query(copyTo(`COPY ${tableSql(table)} (${columnListSql(table.columns)}) TO STDOUT`));
    for await (const chunk of copy as AsyncIterable<Buffer>) hash.update(chunk);
    const sha256 = hash.digest('hex');
    if (copy.rowCount !== table.rows || sha256 !== table.sha256) {
      throw new Error(`Restored table ${qualifiedName(table)} differs from the backup (rows ${copy.rowCount} vs ${table.rows}).`);
    }
  }
}
