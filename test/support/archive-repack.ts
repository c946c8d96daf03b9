import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import * as tar from 'tar-stream';

export interface ArchiveEntry {
  name: string;
  body: Buffer;
}

/** Every entry of a backup archive, in order (test archives are small). */
export async function readArchiveEntries(file: string): Promise<ArchiveEntry[]> {
  const extract = tar.extract();
  const reading = readFile(file).then((buffer) => extract.end(buffer));
  const list: ArchiveEntry[] = [];
  for await (const entry of extract) {
    const parts: Buffer[] = [];
    for await (const part of entry) parts.push(part as Buffer);
    list.push({ name: entry.header.name, body: Buffer.concat(parts) });
  }
  await reading;
  return list;
}

export async function writeArchiveEntries(file: string, entries: readonly ArchiveEntry[]): Promise<void> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve) => pack.on('end', () => resolve()));
  for (const entry of entries) pack.entry({ name: entry.name, size: entry.body.length }, entry.body);
  pack.finalize();
  await done;
  await writeFile(file, Buffer.concat(chunks));
}

/**
 * What an attacker with write access to the backup folder, but not the console's key, can
 * do: change the manifest, recompute manifest.sha256, and either keep the old signature or
 * drop manifest.hmac (so the archive looks like one made before signing existed).
 */
export async function tamperManifest(
  source: string,
  out: string,
  change: (manifest: Record<string, unknown> & { tenant: Record<string, unknown> }) => void,
  signature: 'keep' | 'drop',
): Promise<void> {
  const entries = await readArchiveEntries(source);
  const manifestEntry = entries.find((entry) => entry.name === 'manifest.json')!;
  const manifest = JSON.parse(manifestEntry.body.toString('utf8')) as Record<string, unknown> & { tenant: Record<string, unknown> };
  change(manifest);
  manifestEntry.body = Buffer.from(JSON.stringify(manifest, null, 2));
  entries.find((entry) => entry.name === 'manifest.sha256')!.body = Buffer.from(`${createHash('sha256').update(manifestEntry.body).digest('hex')}\n`);
  await writeArchiveEntries(out, signature === 'keep' ? entries : entries.filter((entry) => entry.name !== 'manifest.hmac'));
}

/** An archive as an older console wrote it: the same entries, no manifest.hmac. */
export async function withoutSignature(source: string, out: string): Promise<void> {
  await writeArchiveEntries(out, (await readArchiveEntries(source)).filter((entry) => entry.name !== 'manifest.hmac'));
}

/** An archive as another installation (its own key in its own secret store) would have signed it. */
export async function signedWithAnotherKey(source: string, out: string, sign: (manifestBytes: Buffer) => string): Promise<void> {
  const entries = await readArchiveEntries(source);
  const manifest = entries.find((entry) => entry.name === 'manifest.json')!.body;
  entries.find((entry) => entry.name === 'manifest.hmac')!.body = Buffer.from(`${sign(manifest)}\n`);
  await writeArchiveEntries(out, entries);
}
