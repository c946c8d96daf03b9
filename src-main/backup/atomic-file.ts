import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';

export interface AtomicFile {
  readonly tempPath: string;
  readonly finalPath: string;
  readonly stream: Writable;
  /** fsync, rename to the final name, fsync the folder: from here on the file is durable. */
  commit(): Promise<void>;
  /** Closes and removes the temporary file (after a failure or a cancel). */
  abort(): Promise<void>;
}

/** Where the temporary file of `finalPath` lives: the same folder (so rename is atomic), hidden. */
export function tempPathFor(finalPath: string, tag: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}.${tag}.partial`);
}

/**
 * A file that appears under its final name only complete: written under a temporary name
 * in the same folder, fsynced, renamed, and the folder fsynced — a crash at any moment
 * leaves either nothing or a .partial file (which reconcile removes), never half a file
 * under the final name. Works on local disks and on mounted network folders alike.
 */
export async function createAtomicFile(finalPath: string, tag: string): Promise<AtomicFile> {
  const tempPath = tempPathFor(finalPath, tag);
  // 'wx': never reuse or follow an existing file; 0600: backups hold the tenant's data.
  const stream = createWriteStream(tempPath, { flags: 'wx', mode: 0o600, highWaterMark: 1024 * 1024 });
  await once(stream, 'open');
  const closed = () => (stream.closed ? Promise.resolve() : once(stream, 'close').then(() => undefined));
  return {
    tempPath,
    finalPath,
    stream,
    async commit() {
      // The writer ended the stream; once it has closed, fsync the file's data through a new descriptor.
      await closed();
      await syncPath(tempPath, 'r+');
      await rename(tempPath, finalPath);
      await syncFolder(dirname(finalPath));
    },
    async abort() {
      stream.destroy();
      await closed().catch(() => undefined);
      await unlink(tempPath).catch(() => undefined);
    },
  };
}

async function syncPath(path: string, flags: string): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncFolder(folder: string): Promise<void> {
  // Windows cannot open a folder for fsync; its rename is durable enough on NTFS.
  if (process.platform === 'win32') return;
  await syncPath(folder, 'r');
}

export async function removeIfPresent(path: string): Promise<void> {
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}
