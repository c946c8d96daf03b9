import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import * as tar from 'tar-stream';
import {
  ArchiveProblem,
  headerSchema,
  HEADER_ENTRY,
  manifestSchema,
  MAX_CHUNK_GZIP_BYTES,
  MAX_CHUNK_RAW_BYTES,
  MAX_HEADER_BYTES,
  MAX_MANIFEST_BYTES,
  MAX_MANIFEST_SUM_BYTES,
  MANIFEST_ENTRY,
  MANIFEST_SUM_ENTRY,
  MANIFEST_HMAC_ENTRY,
  MAX_MANIFEST_HMAC_BYTES,
  parseDataEntryName,
  qualifiedName,
  type ArchiveHeader,
  type ArchiveManifest,
} from './archive-format';
import { countNewlines, HashingStream } from './hashing-stream';
import { checkManifestSignature, type ArchiveSignature } from './manifest-signature';

const gunzipAsync = promisify(gunzip);

export interface TableTally {
  rows: number;
  bytes: number;
  chunks: number;
  readonly hash: Hash;
  sha256: string | null;
}

export interface ReadArchive {
  readonly header: ArchiveHeader;
  readonly manifest: ArchiveManifest;
  /** SHA-256 and size of the whole file, as read. */
  readonly sha256: string;
  readonly sizeBytes: number;
  /** Whether the manifest carries this console's HMAC ("signed") or none at all (an older archive). */
  readonly signature: ArchiveSignature;
}

export interface ReadOptions {
  /** Raw COPY text of table `tableIndex`, in order; the next chunk waits for the promise. */
  readonly onData?: (tableIndex: number, data: Buffer) => Promise<void>;
  readonly onProgress?: (progress: { bytesDone: number; bytesTotal: number; tablesSeen: number }) => void;
  readonly signal?: AbortSignal;
  /** The console's signing key (manifest-signature.ts): a signed archive is only accepted when its HMAC matches. */
  readonly hmacKey?: Buffer;
}

/**
 * Reads a whole archive, recomputing every table's row count, byte count and SHA-256 from
 * the data, and checks them — and the manifest's own checksum, and that the header and the
 * manifest belong to the same archive — against the manifest. Anything that does not add
 * up throws ArchiveProblem with a message for the operator. Used by verify (onData absent)
 * and by restore (onData loads each chunk; restore verifies with a first pass before).
 */
export async function readArchive(path: string, options: ReadOptions = {}): Promise<ReadArchive> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    throw new ArchiveProblem(`Cannot read the backup file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  // A device (/dev/zero), a FIFO or a folder never ends or is no archive: refused before reading.
  if (!info.isFile()) throw new ArchiveProblem(`${path} is not a regular file, so it is not a backup.`);
  const bytesTotal = info.size;
  if (bytesTotal === 0) throw new ArchiveProblem('The backup file is empty or not a Tenant Console backup.');
  // Never past the size the file had when the read began (a file that keeps growing ends here).
  const source = createReadStream(path, { highWaterMark: 1024 * 1024, end: bytesTotal - 1 });
  const file = new HashingStream();
  const extract = tar.extract();
  source.pipe(file).pipe(extract as unknown as NodeJS.WritableStream);
  source.on('error', (error) => extract.destroy(error));

  let header: ArchiveHeader | null = null;
  let manifestBytes: Buffer | null = null;
  let manifestSum: string | null = null;
  let manifestHmac: string | null = null;
  const tallies = new Map<number, TableTally>();
  let lastTable = 0;
  let lastChunk = 0;

  try {
    for await (const entry of extract) {
      if (options.signal?.aborted) throw new Error('cancelled');
      const name = entry.header.name;
      // Every entry is checked by name, type and declared size before a byte of it is buffered.
      if (header === null && name !== HEADER_ENTRY) throw new ArchiveProblem('This file is not a Tenant Console backup (it has no header).');
      const limit = entryLimit(name);
      if (limit === null) throw new ArchiveProblem(`The archive has an unexpected entry ${JSON.stringify(name).slice(0, 80)}.`);
      if (entry.header.type !== 'file') throw new ArchiveProblem(`The archive's ${name} is a ${entry.header.type ?? 'special'} entry, not a file.`);
      const declared = entry.header.size ?? 0;
      if (declared > limit) {
        throw new ArchiveProblem(`The archive's ${name} claims ${declared} bytes, more than a console backup ever writes there (${limit}): refused.`);
      }
      // Only the signature may follow the manifest's checksum, once.
      if (manifestHmac !== null || (manifestSum !== null && name !== MANIFEST_HMAC_ENTRY)) {
        throw new ArchiveProblem(`The archive has data after its manifest (${name}): it is not a console backup as written.`);
      }
      const body = await readEntry(entry, limit);
      if (header === null) {
        header = parseJson(body, headerSchema, 'header');
        continue;
      }
      const data = parseDataEntryName(name);
      if (data) {
        if (manifestBytes !== null) throw new ArchiveProblem('The archive has table data after its manifest.');
        const inOrder = data.tableIndex > lastTable ? data.chunk === 1 : data.tableIndex === lastTable && data.chunk === lastChunk + 1;
        if (!inOrder) throw new ArchiveProblem(`The archive's data is out of order or has a gap at ${name}.`);
        lastTable = data.tableIndex;
        lastChunk = data.chunk;
        let raw: Buffer;
        try {
          // A gzip bomb stops at the bound instead of filling memory.
          raw = await gunzipAsync(body, { maxOutputLength: MAX_CHUNK_RAW_BYTES });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
            throw new ArchiveProblem(`The archive's ${name} expands to more than ${MAX_CHUNK_RAW_BYTES} bytes, which no console backup writes: refused.`);
          }
          throw new ArchiveProblem(`The archive is damaged: ${name} does not decompress (a changed or missing byte).`);
        }
        let tally = tallies.get(data.tableIndex);
        if (!tally) tallies.set(data.tableIndex, (tally = { rows: 0, bytes: 0, chunks: 0, hash: createHash('sha256'), sha256: null }));
        tally.hash.update(raw);
        tally.bytes += raw.length;
        tally.rows += countNewlines(raw);
        tally.chunks += 1;
        if (options.onData) await options.onData(data.tableIndex, raw);
        options.onProgress?.({ bytesDone: file.bytes, bytesTotal, tablesSeen: tallies.size });
      } else if (name === MANIFEST_ENTRY) {
        manifestBytes = body;
      } else if (name === MANIFEST_SUM_ENTRY) {
        if (manifestBytes === null) throw new ArchiveProblem('The archive has a manifest checksum but no manifest.');
        manifestSum = body.toString('utf8').trim();
      } else if (name === MANIFEST_HMAC_ENTRY) {
        if (manifestSum === null) throw new ArchiveProblem('The archive has a manifest signature before its manifest checksum.');
        manifestHmac = body.toString('utf8').trim();
      } else {
        throw new ArchiveProblem(`The archive has a second ${name}.`);
      }
    }
  } catch (error) {
    source.destroy();
    if (error instanceof ArchiveProblem || options.signal?.aborted) throw error;
    throw new ArchiveProblem(`The backup file is truncated or damaged (${(error as Error).message}).`);
  }

  if (header === null) throw new ArchiveProblem('The backup file is empty or not a Tenant Console backup.');
  if (manifestBytes === null || manifestSum === null) throw new ArchiveProblem('The backup file is incomplete: it ends before its manifest (truncated).');
  if (createHash('sha256').update(manifestBytes).digest('hex') !== manifestSum) {
    throw new ArchiveProblem("The backup's manifest was changed: its checksum does not match.");
  }
  // The signature before anything in the manifest is believed.
  const signature = checkManifestSignature(options.hmacKey, manifestBytes, manifestHmac);
  const manifest = parseJson(manifestBytes, manifestSchema, 'manifest');
  // The header is not signed itself: each of its fields must equal the signed manifest's.
  if (manifest.archiveId !== header.archiveId || manifest.tenant.code !== header.tenantCode || manifest.madeAt !== header.madeAt) {
    throw new ArchiveProblem('The manifest belongs to another backup (archive id, tenant or time differ from the header).');
  }
  checkAgainstManifest(manifest, tallies);
  return { header, manifest, sha256: file.digest(), sizeBytes: file.bytes, signature };
}

function checkAgainstManifest(manifest: ArchiveManifest, tallies: ReadonlyMap<number, TableTally>): void {
  const known = new Set(manifest.tables.map((table) => table.index));
  if (known.size !== manifest.tables.length) throw new ArchiveProblem('The manifest lists a table number twice.');
  const sum = (field: 'rows' | 'bytes') => manifest.tables.reduce((total, table) => total + table[field], 0);
  // The totals are what a restore reports: they must add up like the tables they sum.
  if (manifest.totals.tables !== manifest.tables.length || manifest.totals.rows !== sum('rows') || manifest.totals.bytes !== sum('bytes')) {
    throw new ArchiveProblem("The manifest's totals do not add up to its tables.");
  }
  for (const index of tallies.keys()) {
    if (!known.has(index)) throw new ArchiveProblem(`The archive has data for table #${index}, which its manifest does not list.`);
  }
  const emptyHash = createHash('sha256').digest('hex');
  for (const table of manifest.tables) {
    const tally = tallies.get(table.index);
    const sha256 = tally ? tally.hash.digest('hex') : emptyHash;
    if (tally) tally.sha256 = sha256;
    const rows = tally?.rows ?? 0;
    const bytes = tally?.bytes ?? 0;
    if (rows !== table.rows || bytes !== table.bytes || sha256 !== table.sha256 || (tally?.chunks ?? 0) !== table.chunks) {
      throw new ArchiveProblem(
        `Table ${qualifiedName(table)} does not match the manifest (rows ${rows} vs ${table.rows}, checksum ${sha256.slice(0, 12)}… vs ${table.sha256.slice(0, 12)}…).`,
      );
    }
  }
}

/** The most bytes the entry `name` may hold, or null for a name no console backup has. */
function entryLimit(name: string): number | null {
  if (name === HEADER_ENTRY) return MAX_HEADER_BYTES;
  if (name === MANIFEST_ENTRY) return MAX_MANIFEST_BYTES;
  if (name === MANIFEST_SUM_ENTRY) return MAX_MANIFEST_SUM_BYTES;
  if (name === MANIFEST_HMAC_ENTRY) return MAX_MANIFEST_HMAC_BYTES;
  return parseDataEntryName(name) ? MAX_CHUNK_GZIP_BYTES : null;
}

async function readEntry(entry: AsyncIterable<unknown>, limit: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of entry) {
    size += (part as Buffer).length;
    if (size > limit) throw new ArchiveProblem(`An archive entry is larger than ${limit} bytes: refused.`);
    parts.push(part as Buffer);
  }
  return Buffer.concat(parts);
}

function parseJson<T>(body: Buffer, schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ArchiveProblem(`The backup's ${what} is not valid JSON (damaged).`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // The path names the field (tenant.adminEmail…); the value itself is never echoed (it may be crafted).
    throw new ArchiveProblem(`The backup's ${what} is not one this console accepts (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}): refused.`);
  }
  return parsed.data;
}
