import { chmodSync, closeSync, existsSync, mkdirSync, openSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { CACHE_MIGRATIONS, type CacheMigration } from './migrations';

export type SqliteDatabase = Database.Database;

const CACHE_FILE_NAME = 'cache.sqlite';

/** The cache file of an installation: one per data folder, shared by the app, host mode and the CLI. */
export function cacheFileIn(dataDir: string): string {
  return join(dataDir, CACHE_FILE_NAME);
}

/** An open local cache. Only the main process (or a worker of it) ever holds one. */
export interface LocalCache {
  readonly db: SqliteDatabase;
  readonly file: string;
  /** This installation's identity: stamped on every audit event it writes. */
  readonly consoleId: string;
  readonly schemaVersion: number;
  close(): void;
}

/** What the operator is told about the cache (`cache:status`). */
export interface CacheStatus {
  readonly state: 'open' | 'refused';
  readonly file: string;
  readonly consoleId: string | null;
  readonly schemaVersion: number | null;
  /** Something the operator must know although the cache works (a corrupt file moved aside). */
  readonly notice: string | null;
  /** Why the cache is not open (state 'refused'). */
  readonly problem: string | null;
}

export interface CacheOpening {
  readonly cache: LocalCache | null;
  readonly status: CacheStatus;
}

export interface OpenCacheOptions {
  readonly file: string;
  readonly logger: Logger;
  /** Electron's build of better-sqlite3 (scripts/build-native-electron.mjs); unset under Node. */
  readonly nativeBinding?: string;
  /** For tests: the migrations this console knows (defaults to all). */
  readonly migrations?: readonly CacheMigration[];
}

/** The file was written by a newer console: opening it could corrupt what that version relies on. */
class CacheFromFutureError extends Error {
  constructor(
    readonly file: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `The local cache ${file} was written by a newer Tenant Console (cache schema ${found}; this console knows ${known}). ` +
        'Update the console. Audited actions are refused until then; the file was left untouched.',
    );
    this.name = 'CacheFromFutureError';
  }
}

// How long a statement waits for another process (the app and a CLI command) holding the write lock.
const BUSY_TIMEOUT_MS = 10_000;

function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}

function knownVersion(migrations: readonly CacheMigration[]): number {
  return Math.max(0, ...migrations.map((migration) => migration.version));
}

/**
 * Applies the missing migrations under one IMMEDIATE transaction: two processes opening a
 * new cache together serialise here, and the second finds the work done.
 */
function migrate(db: SqliteDatabase, file: string, migrations: readonly CacheMigration[]): number {
  const known = knownVersion(migrations);
  const run = db.transaction(() => {
    const current = Number(db.pragma('user_version', { simple: true }));
    if (current > known) throw new CacheFromFutureError(file, current, known);
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
    }
    if (known > current) db.pragma(`user_version = ${known}`);
    db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('console_id', uuidv7());
    db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('created_at', new Date().toISOString());
    return known;
  });
  return run.immediate();
}

/**
 * The cache holds the audit log, usage snapshots and tenant names: readable by its owner
 * only. SQLite gives the -wal and -shm files the main file's mode, so the file is created
 * 0600 before SQLite opens it; an older installation's files are tightened here too.
 */
function ownerOnly(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(file + suffix)) chmodSync(file + suffix, 0o600);
  }
}

function openFile(options: OpenCacheOptions): LocalCache {
  const { file } = options;
  const migrations = options.migrations ?? CACHE_MIGRATIONS;
  ownerOnly(file);
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
  try {
    // Reading the header first: a file that is not SQLite fails here, before any write.
    const found = Number(db.pragma('user_version', { simple: true }));
    if (found > knownVersion(migrations)) throw new CacheFromFutureError(file, found, knownVersion(migrations));
    db.pragma('journal_mode = WAL');
    // FULL: each commit reaches the disk before the caller hears "done" (see docs/notes/audit.md;
    // group commit in the audit log keeps the rate up).
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const schemaVersion = migrate(db, file, migrations);
    // Touches every table's root page: a file damaged in its schema fails now, not mid-call.
    db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").get();
    const consoleId = (db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get('console_id') as string | undefined) ?? '';
    return {
      db,
      file,
      consoleId,
      schemaVersion,
      close: () => {
        if (db.open) db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Renames the damaged file (and its WAL and shared-memory files) aside, keeping them for inspection. */
function moveAside(file: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const target = `${file}.corrupt-${stamp}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
  }
  return target;
}

/**
 * Opens (creating if needed) the installation's cache: WAL, busy timeout for the other
 * console processes, migrations by `user_version`.
 * - A cache from a newer console is refused and left untouched; the console still starts,
 *   but audited (mutating) actions are refused until it is updated (status says why).
 * - A corrupt file is moved aside (timestamped, kept), a fresh cache is started, and the
 *   notice is logged and kept in the status for the UI.
 */
export function openCache(options: OpenCacheOptions): CacheOpening {
  const { file, logger } = options;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const refused = (problem: string): CacheOpening => ({
    cache: null,
    status: { state: 'refused', file, consoleId: null, schemaVersion: null, notice: null, problem },
  });
  const opened = (cache: LocalCache, notice: string | null): CacheOpening => ({
    cache,
    status: { state: 'open', file, consoleId: cache.consoleId, schemaVersion: cache.schemaVersion, notice, problem: null },
  });

  try {
    return opened(openFile(options), null);
  } catch (error) {
    if (error instanceof CacheFromFutureError) {
      logger.error({ file, found: error.found, known: error.known }, 'local cache is from a newer console; refused');
      return refused(error.message);
    }
    if (!isCorruption(error)) {
      logger.error({ err: error, file }, 'local cache could not be opened');
      return refused(`The local cache ${file} could not be opened: ${(error as Error).message}`);
    }
    const keptAs = moveAside(file);
    const notice =
      `The local cache ${file} was damaged (${(error as Error).message}); it was kept as ${keptAs} and a fresh cache was started. ` +
      'Audit events not yet sent to the platform database are in the kept file only.';
    logger.error({ file, keptAs, err: error }, 'local cache was corrupt; moved aside and started fresh');
    try {
      return opened(openFile(options), notice);
    } catch (second) {
      logger.error({ err: second, file }, 'a fresh local cache could not be created');
      return refused(`${notice} But the fresh cache could not be created either: ${(second as Error).message}`);
    }
  }
}
