import { z } from 'zod';
import { backupSchema } from '../../src-shared/contract/backup-models';
import { tenantStatusSchema } from '../../src-shared/contract/models';
import { subdomainSchema } from '../../src-shared/domain/subdomain';
import { hasInvisibleOrControl } from '../../src-shared/domain/text';
import { companyNameSchema, emailSchema, planCodeSchema, TENANT_CODE_PATTERN } from '../../src-shared/domain/tenant-fields';

/**
 * The backup archive: one tar file (tar-stream), written front to back in one pass.
 *
 *   header.json            who and when, archive id — known before any data is read
 *   data/0001/000001.gz    COPY … TO STDOUT (text) of table 1, first ≤ 4 MiB, gzip level 1
 *   data/0001/000002.gz    … every table's data in chunks, tables in manifest order
 *   manifest.json          tables (columns, rows, bytes, SHA-256 of the COPY text), sequences
 *   manifest.sha256        SHA-256 of manifest.json's bytes
 *   manifest.hmac          HMAC-SHA256 of manifest.json's bytes with the console's key
 *                          (secret backup_hmac_key); absent in archives made before it: "unsigned"
 *
 * The manifest comes last because the checksums are only known once the data has streamed
 * through; the header repeats the archive id so a manifest from another archive is refused.
 * Chunks are compressed separately so several compress at once on the libuv thread pool
 * while the next chunk streams in from PostgreSQL; a chunk is never bigger than 4 MiB of
 * raw data, so nothing is ever held whole in memory.
 */
export const ARCHIVE_FORMAT = 'tenant-console-backup';
export const ARCHIVE_FORMAT_VERSION = 1;
export const ARCHIVE_EXTENSION = '.tcbackup';
export const CHUNK_BYTES = 4 * 1024 * 1024;
export const GZIP_LEVEL = 1;
/**
 * What a reader accepts, so a crafted file can never make it buffer or inflate more than
 * this: the writer flushes a chunk once it holds CHUNK_BYTES, so a chunk's raw data is at
 * most CHUNK_BYTES plus one COPY read (well under another CHUNK_BYTES), and gzip never
 * grows data by more than a few bytes per 16 KiB block.
 */
export const MAX_CHUNK_RAW_BYTES = 2 * CHUNK_BYTES;
export const MAX_CHUNK_GZIP_BYTES = MAX_CHUNK_RAW_BYTES + 64 * 1024;
export const MAX_HEADER_BYTES = 64 * 1024;
export const MAX_MANIFEST_BYTES = 32 * 1024 * 1024;
export const MAX_MANIFEST_SUM_BYTES = 1024;
export const HEADER_ENTRY = 'header.json';
export const MANIFEST_ENTRY = 'manifest.json';
export const MANIFEST_SUM_ENTRY = 'manifest.sha256';
export const MANIFEST_HMAC_ENTRY = 'manifest.hmac';
export const MAX_MANIFEST_HMAC_BYTES = 1024;
const DATA_ENTRY = /^data\/(\d{4})\/(\d{6})\.gz$/;

export function dataEntryName(tableIndex: number, chunk: number): string {
  return `data/${String(tableIndex).padStart(4, '0')}/${String(chunk).padStart(6, '0')}.gz`;
}

export function parseDataEntryName(name: string): { tableIndex: number; chunk: number } | null {
  const match = DATA_ENTRY.exec(name);
  return match ? { tableIndex: Number(match[1]), chunk: Number(match[2]) } : null;
}

/**
 * Fixed output settings for every COPY the console reads or writes, so the same rows give
 * the same bytes on PostgreSQL 15 and 18 and whatever the server's defaults are.
 */
export const COPY_SESSION_SQL = `
  SET DateStyle = 'ISO, YMD';
  SET IntervalStyle = 'postgres';
  SET TimeZone = 'UTC';
  SET extra_float_digits = 3;
  SET bytea_output = 'hex';
  SET client_encoding = 'UTF8';
  SET synchronize_seqscans = off;`;

// Names come from a file on restore: only the console's own identifier shape is accepted.
const identifier = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'unexpected identifier');
// A column type as format_type() prints it, e.g. "numeric(18,2)", "timestamp with time zone", "text[]".
const columnType = z.string().regex(/^[a-z][a-z0-9_ ."]*(\(\d+(,\d+)?\))?( with(out)? time zone)?(\[\])*$/, 'unexpected column type');

// Everything in the header and manifest comes from a file that may have been crafted (a
// recomputed checksum proves nothing): every field is held to the rules the contract applies
// when the operator types the same value, so a restore never hands the provisioning, the
// welcome mail or the screen a value the console itself would have refused.
const tenantCode = z.string().regex(TENANT_CODE_PATTERN, 'not a tenant code');
const isoInstant = z.iso.datetime({ offset: true });
/** Free text written by the console itself (server version, operator): short, no control characters. */
const plainText = z
  .string()
  .min(1)
  .max(200)
  .refine((value) => !hasInvisibleOrControl(value), 'contains control or invisible characters');

export const headerSchema = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  formatVersion: z.literal(ARCHIVE_FORMAT_VERSION),
  archiveId: z.string().uuid(),
  tenantCode,
  madeAt: isoInstant,
});
export type ArchiveHeader = z.infer<typeof headerSchema>;

export const manifestTableSchema = z.object({
  index: z.number().int().min(1),
  schema: identifier,
  name: identifier,
  columns: z.array(z.object({ name: identifier, type: columnType, notNull: z.boolean() })).min(1),
  primaryKey: z.array(identifier).nullable(),
  rows: z.number().int().min(0),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  chunks: z.number().int().min(0),
});
export type ManifestTable = z.infer<typeof manifestTableSchema>;

export const manifestSchema = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  formatVersion: z.literal(ARCHIVE_FORMAT_VERSION),
  archiveId: z.string().uuid(),
  tenant: z.object({
    id: z.string().uuid(),
    code: tenantCode,
    companyName: companyNameSchema,
    subdomain: subdomainSchema,
    adminEmail: emailSchema,
    plan: planCodeSchema,
    planVersion: z.number().int().min(1),
    status: tenantStatusSchema,
  }),
  kind: backupSchema.shape.kind,
  tenantSchemaVersion: z.number().int().min(1),
  serverVersion: plainText,
  madeBy: plainText,
  madeAt: isoInstant,
  copyFormat: z.literal('text'),
  tables: z.array(manifestTableSchema),
  /** last_value as text (bigint); null for a sequence never used. */
  sequences: z.array(z.object({ schema: identifier, name: identifier, lastValue: z.string().regex(/^-?\d+$/).nullable() })),
  totals: z.object({ tables: z.number().int().min(0), rows: z.number().int().min(0), bytes: z.number().int().min(0) }),
});
export type ArchiveManifest = z.output<typeof manifestSchema>;

export const qualifiedName = (table: { schema: string; name: string }): string => `${table.schema}.${table.name}`;

/** An archive that must not be trusted; the message says why, for the operator. */
export class ArchiveProblem extends Error {
  override readonly name = 'ArchiveProblem';
}
