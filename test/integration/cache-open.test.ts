import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../src-main/logging/logger';
import { cacheFileIn, openCache } from '../../src-main/cache/open-cache';
import { CACHE_MIGRATIONS } from '../../src-main/cache/migrations';

const logger = createSilentLogger();

describe('local cache opener', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tc-cache-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a WAL cache with its migrations and a stable console id', () => {
    const file = cacheFileIn(dir);
    const first = openCache({ file, logger });
    expect(first.status).toMatchObject({ state: 'open', notice: null, problem: null, schemaVersion: CACHE_MIGRATIONS.at(-1)!.version });
    const { consoleId } = first.cache!;
    expect(first.cache!.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(first.cache!.db.pragma('user_version', { simple: true })).toBe(CACHE_MIGRATIONS.at(-1)!.version);
    first.cache!.close();
    const again = openCache({ file, logger });
    expect(again.cache!.consoleId).toBe(consoleId);
    again.cache!.close();
  });

  it('lets a second process-like handle share the file (busy timeout, same console id)', () => {
    const file = cacheFileIn(dir);
    const a = openCache({ file, logger });
    const b = openCache({ file, logger });
    expect(b.cache!.consoleId).toBe(a.cache!.consoleId);
    a.cache!.close();
    b.cache!.close();
  });

  it('moves a corrupt file aside, keeps it, starts fresh and says so', () => {
    const file = cacheFileIn(dir);
    writeFileSync(file, 'this is not a SQLite database, but it is long enough to have a header'.repeat(200));
    const opening = openCache({ file, logger });
    expect(opening.status.state).toBe('open');
    expect(opening.status.notice).toMatch(/damaged.*kept as .*corrupt-.*fresh cache/);
    const kept = readdirSync(dir).filter((name) => name.startsWith('cache.sqlite.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(dir, kept[0]!), 'utf8')).toMatch(/^this is not a SQLite database/);
    // The fresh cache works.
    expect(opening.cache!.db.prepare('SELECT count(*) AS n FROM audit_events').get()).toEqual({ n: 0 });
    opening.cache!.close();
  });

  it('refuses a cache written by a newer console and leaves the file untouched', () => {
    const file = cacheFileIn(dir);
    const raw = new Database(file);
    raw.exec('CREATE TABLE future_things (x INTEGER)');
    raw.pragma('user_version = 99');
    raw.close();
    const before = readFileSync(file);
    const opening = openCache({ file, logger });
    expect(opening.cache).toBeNull();
    expect(opening.status).toMatchObject({ state: 'refused', consoleId: null });
    expect(opening.status.problem).toContain(`newer Tenant Console (cache schema 99; this console knows ${CACHE_MIGRATIONS.at(-1)!.version}). Update the console`);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.includes('corrupt'))).toEqual([]);
  });
});
