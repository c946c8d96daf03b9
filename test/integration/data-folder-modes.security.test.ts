import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheFileIn, openCache } from '../../src-main/cache/open-cache';
import { createFileLogger, createSilentLogger } from '../../src-main/logging/logger';

const modeOf = (file: string) => statSync(file).mode & 0o777;

// Another local user must not read the audit log, usage snapshots or logs in the data folder.
describe('data folder files are readable by their owner only', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tc-modes-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates cache.sqlite and its -wal and -shm files 0600', () => {
    const file = cacheFileIn(dir);
    const { cache } = openCache({ file, logger: createSilentLogger() });
    cache!.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('probe', 'x');
    for (const suffix of ['', '-wal', '-shm']) expect(modeOf(file + suffix), `cache.sqlite${suffix}`).toBe(0o600);
    cache!.close();
  });

  it('tightens a world-readable cache left by an older version', () => {
    const file = cacheFileIn(dir);
    openCache({ file, logger: createSilentLogger() }).cache!.close();
    chmodSync(file, 0o644);
    writeFileSync(`${file}-wal`, '');
    chmodSync(`${file}-wal`, 0o644);
    const { cache } = openCache({ file, logger: createSilentLogger() });
    for (const suffix of ['', '-wal', '-shm']) expect(modeOf(file + suffix), `cache.sqlite${suffix}`).toBe(0o600);
    cache!.close();
  });

  it('writes the log 0600 in a 0700 folder, also when an older log was 0644', () => {
    const logger = createFileLogger(dir, 'test');
    logger.info('hello');
    expect(modeOf(join(dir, 'logs'))).toBe(0o700);
    expect(modeOf(join(dir, 'logs', 'console.log'))).toBe(0o600);
    chmodSync(join(dir, 'logs', 'console.log'), 0o644);
    createFileLogger(dir, 'test').info('again');
    expect(modeOf(join(dir, 'logs', 'console.log'))).toBe(0o600);
  });
});
