import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import yazl from 'yazl';
import type { ExportResult } from '../../src-shared/contract/backup-models';
import { AppError } from '../base/app-error';
import { neutralizeCsvCellSql } from '../base/csv-cell';
import { cancelledError } from '../jobs/job-registry';
import { quoteIdent } from '../postgres/identifiers';
import { LONG_TENANT_WORK, withClient } from '../postgres/pools';
import type { Reconciler } from '../operations/reconcile';
import { runJournaled } from '../operations/run-journaled';
import { getTenantRow } from '../tenants/tenant-queries';
import { COPY_SESSION_SQL } from './archive-format';
import { assertNoLargeObjects } from './large-objects';
import { createAtomicFile, removeIfPresent, tempPathFor } from './atomic-file';
import { formatBytes, progressEmitter, type BackupContext } from './backup-context';
import { HashingStream } from './hashing-stream';
import { discoverTables, tableSql, tenantSchemaVersion, type CatalogColumn } from './table-catalog';

export interface ExportPayload extends Record<string, unknown> {
  tempPath: string;
  finalPath: string;
}

/**
 * The customer's copy of their data, with no lock-in: a zip (opens anywhere) with one CSV
 * per table (COPY … CSV HEADER, streamed), manifest.json and a README.txt that says what
 * is inside. Written atomically and journaled like a backup.
 */
export async function exportTenant(bctx: BackupContext, request: { ref: string; file: string; requestId?: string | undefined }): Promise<ExportResult> {
  const { ctx } = bctx;
  const tenant = await getTenantRow(ctx.pool, request.ref);
  if (tenant.status === 'provisioning' || tenant.status === 'deleted') throw new AppError('INVALID_STATE', `Cannot export ${tenant.tenant_code}: it is ${tenant.status}.`);
  const tag = randomUUID().slice(0, 8);
  const payload: ExportPayload = { tempPath: tempPathFor(request.file, tag), finalPath: request.file };
  const job = bctx.jobs.start(request.requestId, `The export of ${tenant.tenant_code}`);
  const progress = progressEmitter(ctx, request.requestId, 'export', tenant.tenant_code);
  try {
    return await runJournaled(
      ctx,
      {
        entry: { kind: 'export', tenantId: tenant.id, tenantCode: tenant.tenant_code, step: 'export_registered', payload },
        describeFailure: (error) =>
          job.signal.aborted
            ? cancelledError(`The export of ${tenant.tenant_code}`)
            : error instanceof AppError
              ? error
              : new AppError('INTERNAL', `The export of ${tenant.tenant_code} failed: ${(error as Error).message}.`, { cause: error }),
      },
      async (operation) => {
        // The console UI exports into the backup folder, which the first backup would otherwise create.
        const file = await mkdir(dirname(request.file), { recursive: true, mode: 0o700 }).then(() => createAtomicFile(request.file, tag)).catch((error: NodeJS.ErrnoException) => {
          throw new AppError('VALIDATION', `Cannot write the export next to ${request.file}: ${error.code ?? error.message}.`);
        });
        try {
          await operation.step('export_writing');
          const zip = new yazl.ZipFile();
          const counter = new HashingStream();
          const writing = pipeline(zip.outputStream, counter, file.stream);
          writing.catch(() => undefined);
          const summary = await withClient(ctx.serverById(tenant.server_id).endpoint, tenant.database_name, (client) =>
            addTables(client, zip, tenant.tenant_code, (done, total) => progress('tables', `Exported ${done}/${total} tables, ${formatBytes(counter.bytes)}`, { tablesDone: done, tablesTotal: total, bytesDone: counter.bytes }), job.signal),
            { timeouts: LONG_TENANT_WORK },
          );
          const manifest = {
            tenant: { code: tenant.tenant_code, companyName: tenant.company_name, subdomain: tenant.subdomain, plan: tenant.plan_code },
            exportedAt: new Date().toISOString(),
            tenantSchemaVersion: summary.schemaVersion,
            format: 'CSV (RFC 4180), UTF-8, first line = column names, one file per table',
            tables: summary.tables,
          };
          zip.addBuffer(Buffer.from(JSON.stringify(manifest, null, 2)), 'manifest.json');
          zip.addBuffer(Buffer.from(readme(manifest)), 'README.txt');
          zip.end();
          await writing;
          job.throwIfCancelled();
          await file.commit();
          const rows = summary.tables.reduce((sum, table) => sum + table.rows, 0);
          await operation.step('export_written');
          await operation.finish();
          progress('done', `Exported ${tenant.tenant_code}: ${summary.tables.length} tables, ${rows} rows`, { tablesDone: summary.tables.length, tablesTotal: summary.tables.length, bytesDone: counter.bytes });
          return { file: request.file, sizeBytes: counter.bytes, tables: summary.tables.length, rows };
        } catch (error) {
          await file.abort();
          throw error;
        }
      },
    );
  } finally {
    job.finish();
  }
}

async function addTables(client: pg.ClientBase, zip: yazl.ZipFile, tenantCode: string, onTable: (done: number, total: number) => void, signal: AbortSignal) {
  await client.query(COPY_SESSION_SQL);
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  // The customer's copy must not silently miss data either (see large-objects.ts).
  await assertNoLargeObjects(client, tenantCode, 'export');
  const tables = await discoverTables(client);
  const schemaVersion = await tenantSchemaVersion(client);
  const out: { file: string; table: string; rows: number; columns: string[] }[] = [];
  for (const [index, table] of tables.entries()) {
    if (signal.aborted) throw new Error('cancelled');
    const name = `${table.schema}.${table.name}.csv`;
    const entry = new PassThrough();
    zip.addReadStream(entry, name);
    // yazl reads entries in order; this COPY ends when its CSV has been handed to the zip.
    const copy = client.query(copyTo(`COPY (SELECT ${table.columns.map(exportedColumnSql).join(', ')} FROM ${tableSql(table)}) TO STDOUT WITH (FORMAT csv, HEADER true)`));
    await pipeline(copy, entry);
    out.push({ file: name, table: `${table.schema}.${table.name}`, rows: copy.rowCount, columns: table.columns.map((column) => column.name) });
    onTable(index + 1, tables.length);
  }
  await client.query('ROLLBACK');
  return { tables: out, schemaVersion };
}

// A leading '-' is a number's sign in these types, never a formula: they are written as PostgreSQL prints them.
const NUMERIC_TYPE = /^(smallint|integer|bigint|numeric|real|double precision|money|interval)\b/;

/** One column of the export: text-like values go through the CSV injection rule, numbers as they are. */
function exportedColumnSql(column: CatalogColumn): string {
  const quoted = quoteIdent(column.name, 'column name');
  return NUMERIC_TYPE.test(column.type) ? quoted : `${neutralizeCsvCellSql(quoted)} AS ${quoted}`;
}

function readme(manifest: { tenant: { code: string; companyName: string }; exportedAt: string; tables: { file: string; rows: number }[] }): string {
  return [
    `Data export of ${manifest.tenant.companyName} (${manifest.tenant.code})`,
    `Made ${manifest.exportedAt}.`,
    '',
    'Every table of your database is one CSV file (UTF-8, comma-separated, RFC 4180 quoting,',
    'the first line names the columns). Empty fields are NULL. Open them in any spreadsheet',
    'or load them into any database. manifest.json lists the tables, columns and row counts.',
    "Text that starts with = + - @, a tab or a carriage return is written with a leading '",
    'so that no spreadsheet runs it as a formula; remove that apostrophe when loading it elsewhere.',
    '',
    ...manifest.tables.map((table) => `  ${table.file.padEnd(48)} ${table.rows} rows`),
    '',
  ].join('\n');
}

/** Reconcile: an export whose process died leaves only its temporary file, removed here. */
export const exportReconciler: Reconciler = {
  kinds: ['export'],
  handle: async (_ctx, operation, reason) => {
    await removeIfPresent((operation.payload as ExportPayload).tempPath);
    await operation.finish({ state: 'rolled_back', error: reason });
    return 'rolledBack';
  },
};
