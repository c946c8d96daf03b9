import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGzip, gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION } from '../../src-main/backup/archive-format';

const run = promisify(execFile);
const MEMORY_CEILING = 300 * 1024 * 1024;

/** A header a reader accepts, so the crafted part is what follows it. */
function validHeader(): Buffer {
  return Buffer.from(JSON.stringify({ format: ARCHIVE_FORMAT, formatVersion: ARCHIVE_FORMAT_VERSION, archiveId: '00000000-0000-4000-8000-000000000000', tenantCode: 'EVIL001', madeAt: new Date().toISOString() }));
}

async function writeTar(file: string, entries: { name: string; body: Buffer }[]): Promise<void> {
  const pack = tar.pack();
  for (const entry of entries) pack.entry({ name: entry.name, size: entry.body.length }, entry.body);
  pack.finalize();
  await pipeline(pack, createWriteStream(file));
}

/** gzip of `bytes` zero bytes, streamed (the test never holds the expanded data). */
async function gzipBomb(bytes: number): Promise<Buffer> {
  const block = Buffer.alloc(1024 * 1024);
  const source = Readable.from((function* () {
    for (let done = 0; done < bytes; done += block.length) yield block;
  })());
  const parts: Buffer[] = [];
  const gzip = source.pipe(createGzip({ level: 9 }));
  for await (const chunk of gzip) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/** A tar whose first entry (header.json) claims `size` bytes; the file is sparse, so it costs no disk. */
async function sparseHugeHeader(file: string, size: number): Promise<void> {
  // tar-stream emits an entry's 512-byte header block as soon as the entry opens.
  const pack = tar.pack();
  const first = new Promise<Buffer>((resolve) => pack.once('data', (chunk: unknown) => resolve(chunk as Buffer)));
  pack.entry({ name: 'header.json', size });
  const block = (await first).subarray(0, 512);
  pack.destroy();
  const handle = await open(file, 'w');
  try {
    await handle.write(block, 0, 512, 0);
    await handle.truncate(512 + size + 1024);
  } finally {
    await handle.close();
  }
}

describe('crafted backup files stay bounded', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tc-crafted-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses gzip bombs, oversized and sparse entries, devices and junk with a clear message, under 300 MB', async () => {
    const files = {
      bomb: join(dir, 'bomb.tcbackup'),
      bigChunk: join(dir, 'big-chunk.tcbackup'),
      sparseHeader: join(dir, 'sparse-header.tcbackup'),
      stray: join(dir, 'stray.tcbackup'),
      symlink: join(dir, 'symlink.tcbackup'),
      devZero: '/dev/zero',
    };
    // 1 MB of gzip that expands to 1 GiB.
    await writeTar(files.bomb, [{ name: 'header.json', body: validHeader() }, { name: 'data/0001/000001.gz', body: await gzipBomb(1024 * 1024 * 1024) }]);
    // A data chunk far larger than any the writer makes (random, so gzip cannot shrink it first).
    const noise = Buffer.alloc(20 * 1024 * 1024);
    for (let index = 0; index < noise.length; index += 4) noise.writeUInt32LE((index * 2654435761) >>> 0, index);
    await writeTar(files.bigChunk, [{ name: 'header.json', body: validHeader() }, { name: 'data/0001/000001.gz', body: gzipSync(noise, { level: 0 }) }]);
    await sparseHugeHeader(files.sparseHeader, 1024 * 1024 * 1024);
    await writeTar(files.stray, [{ name: 'header.json', body: validHeader() }, { name: '../../etc/passwd', body: Buffer.from('x') }]);
    {
      const pack = tar.pack();
      pack.entry({ name: 'header.json', size: validHeader().length }, validHeader());
      pack.entry({ name: 'data/0001/000001.gz', type: 'symlink', linkname: '/etc/shadow' });
      pack.finalize();
      await pipeline(pack, createWriteStream(files.symlink));
    }

    const started = Date.now();
    const { stdout } = await run(process.execPath, ['bin/run-ts.js', 'test/support/read-archive-child.ts', ...Object.values(files)], { timeout: 60_000 });
    const report = JSON.parse(stdout) as { results: { file: string; problem: string | null }[]; maxRssBytes: number };
    const problem = (file: string) => report.results.find((result) => result.file === file)!.problem;

    expect(problem(files.bomb)).toMatch(/expands to more than \d+ bytes/);
    expect(problem(files.bigChunk)).toMatch(/claims \d+ bytes, more than a console backup ever writes/);
    expect(problem(files.sparseHeader)).toMatch(/header\.json claims 1073741824 bytes/);
    expect(problem(files.stray)).toMatch(/unexpected entry/);
    expect(problem(files.symlink)).toMatch(/not a file/);
    expect(problem(files.devZero)).toMatch(/not a regular file/);
    expect(report.maxRssBytes).toBeLessThan(MEMORY_CEILING);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);
});
