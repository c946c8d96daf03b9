import { createHash, randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import * as tar from 'tar-stream';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_FORMAT_VERSION,
  CHUNK_BYTES,
  COPY_SESSION_SQL,
  dataEntryName,
  GZIP_LEVEL,
  HEADER_ENTRY,
  MANIFEST_ENTRY,
  MANIFEST_SUM_ENTRY,
  MANIFEST_HMAC_ENTRY,
  type ArchiveHeader,
  type ArchiveManifest,
  type ManifestTable,
} from './archive-format';
import { HashingStream } from './hashing-stream';
import { signManifest } from './manifest-signature';
import { crashIfInjected } from '../operations/journal';
import { columnListSql, discoverTables, readSequences, tableSql, tenantSchemaVersion } from './table-catalog';
import { assertNoLargeObjects } from './large-objects';

const gzipAsync = promisify(gzip);
// Chunks compressing at once: the thread pool has 4 threads, the COPY stream keeps one core busy.
const COMPRESSING_AT_ONCE = 3;

export type ArchiveProgress = (progress: { tablesDone: number; tablesTotal: number; bytesDone: number; table: string | null }) => void;

export interface ArchiveSubject {
  readonly tenant: ArchiveManifest['tenant'];
  readonly kind: ArchiveManifest['kind'];
  readonly madeBy: string;
  /** The console's signing key (manifest-signature.ts): the manifest's HMAC goes in manifest.hmac. */
  readonly hmacKey: Buffer;
}

export interface WrittenArchive {
  readonly manifest: ArchiveManifest;
  readonly sha256: string;
  readonly sizeBytes: number;
}

/**
 * Streams every table of the database `client` is connected to (as a superuser) into a
 * backup archive on `out`, in one consistent snapshot. Memory stays bounded by
 * COMPRESSING_AT_ONCE chunks; the caller owns `out` (an atomic temp file) and the client —
 * after a failure the client may be mid-COPY and must be closed, not reused.
 */
export async function writeArchive(
  client: pg.ClientBase,
  out: Writable,
  subject: ArchiveSubject,
  onProgress: ArchiveProgress,
  signal: AbortSignal,
): Promise<WrittenArchive> {
  await client.query(COPY_SESSION_SQL);
  // One snapshot for every table. After a failure the connection may be mid-COPY: the
  // caller closes it rather than rolling back.
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  // Before anything is written: an archive never leaves a large object out unnoticed.
  await assertNoLargeObjects(client, subject.tenant.code);
  const [tables, sequences, schemaVersion, server] = [
    await discoverTables(client),
    await readSequences(client),
    await tenantSchemaVersion(client),
    (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version,
  ];
  const header: ArchiveHeader = {
    format: ARCHIVE_FORMAT,
    formatVersion: ARCHIVE_FORMAT_VERSION,
    archiveId: randomUUID(),
    tenantCode: subject.tenant.code,
    madeAt: new Date().toISOString(),
  };

  const pack = tar.pack();
  const file = new HashingStream();
  const writing = pipeline(pack as unknown as NodeJS.ReadableStream, file, out);
  // A failed pipeline must not leave an unhandled rejection while we are still producing.
  writing.catch(() => undefined);
  const addEntry = (name: string, body: Buffer) =>
    new Promise<void>((resolve, reject) => {
      pack.entry({ name, size: body.length, mtime: new Date(header.madeAt), mode: 0o600 }, body, (error) => (error ? reject(error) : resolve()));
    });

  try {
    await addEntry(HEADER_ENTRY, Buffer.from(JSON.stringify(header, null, 2)));
    const manifestTables: ManifestTable[] = [];
    let lastReport = 0;
    const report = (tablesDone: number, table: string | null, force = false) => {
      const now = Date.now();
      if (!force && now - lastReport < 200) return;
      lastReport = now;
      onProgress({ tablesDone, tablesTotal: tables.length, bytesDone: file.bytes, table });
    };
    report(0, null, true);

    // Compressed chunks in flight, oldest first: written to the tar in order.
    const inFlight: { name: string; body: Promise<Buffer> }[] = [];
    const writeOldest = async () => {
      const next = inFlight.shift()!;
      await addEntry(next.name, await next.body);
    };

    for (const [position, table] of tables.entries()) {
      const index = position + 1;
      const hash = createHash('sha256');
      let bytes = 0;
      let chunks = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async () => {
        chunks += 1;
        const raw = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
        inFlight.push({ name: dataEntryName(index, chunks), body: gzipAsync(raw, { level: GZIP_LEVEL }) });
        while (inFlight.length >= COMPRESSING_AT_ONCE) await writeOldest();
      };

      const copy = client.query(copyTo(`COPY ${tableSql(table)} (${columnListSql(table.columns)}) TO STDOUT`));
      for await (const chunk of copy as AsyncIterable<Buffer>) {
        if (signal.aborted) {
          copy.destroy();
          throw new Error('cancelled');
        }
        hash.update(chunk);
        bytes += chunk.length;
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes >= CHUNK_BYTES) await flush();
        report(position, `${table.schema}.${table.name}`);
      }
      if (pendingBytes > 0) await flush();
      manifestTables.push({
        index,
        schema: table.schema,
        name: table.name,
        columns: [...table.columns],
        primaryKey: table.primaryKey ? [...table.primaryKey] : null,
        rows: copy.rowCount,
        bytes,
        sha256: hash.digest('hex'),
        chunks,
      });
      report(index, `${table.schema}.${table.name}`, true);
      crashIfInjected(`backup_table_${index}`);
    }
    while (inFlight.length > 0) await writeOldest();

    const manifest: ArchiveManifest = {
      format: ARCHIVE_FORMAT,
      formatVersion: ARCHIVE_FORMAT_VERSION,
      archiveId: header.archiveId,
      tenant: subject.tenant,
      kind: subject.kind,
      tenantSchemaVersion: schemaVersion,
      serverVersion: server,
      madeBy: subject.madeBy,
      madeAt: header.madeAt,
      copyFormat: 'text',
      tables: manifestTables,
      sequences: sequences.map((sequence) => ({ ...sequence })),
      totals: {
        tables: manifestTables.length,
        rows: manifestTables.reduce((sum, table) => sum + table.rows, 0),
        bytes: manifestTables.reduce((sum, table) => sum + table.bytes, 0),
      },
    };
    const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2));
    await addEntry(MANIFEST_ENTRY, manifestBytes);
    await addEntry(MANIFEST_SUM_ENTRY, Buffer.from(`${createHash('sha256').update(manifestBytes).digest('hex')}\n`));
    await addEntry(MANIFEST_HMAC_ENTRY, Buffer.from(`${signManifest(subject.hmacKey, manifestBytes)}\n`));
    pack.finalize();
    await writing;
    report(tables.length, null, true);
    await client.query('ROLLBACK');
    return { manifest, sha256: file.digest(), sizeBytes: file.bytes };
  } catch (error) {
    pack.destroy(error as Error);
    await writing.catch(() => undefined);
    throw error;
  }
}
