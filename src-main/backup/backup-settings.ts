import { execFile } from 'node:child_process';
import { isAbsolute, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import type { BackupSettings } from '../../src-shared/contract/backup-models';
import { readSettings, writeSettings } from '../settings/settings-store';

type Queryable = Pick<pg.ClientBase, 'query'>;
const run = promisify(execFile);

/** backupDirectory (default <data folder>/backups), backupKeepLast and backupRequireSigned, from the settings (src-main/settings). */
export async function readBackupSettings(db: Queryable, dataDir: string): Promise<Omit<BackupSettings, 'pgDump'>> {
  const { backupDirectory: directory, backupKeepLast: keepLast, backupRequireSigned: requireSigned } = await readSettings(db, [
    'backupDirectory',
    'backupKeepLast',
    'backupRequireSigned',
  ]);
  return {
    directory: directory !== null && isAbsolute(directory) ? resolve(directory) : join(dataDir, 'backups'),
    keepLast,
    requireSigned,
  };
}

/** directory null: back to the default folder. */
export async function writeBackupSettings(
  db: Queryable,
  patch: { directory?: string | null | undefined; keepLast?: number | undefined; requireSigned?: boolean | undefined },
): Promise<void> {
  await writeSettings(db, {
    backupDirectory: typeof patch.directory === 'string' ? resolve(patch.directory) : patch.directory,
    backupKeepLast: patch.keepLast,
    backupRequireSigned: patch.requireSigned,
  });
}

const pgDumpByMajor = new Map<number, Promise<string | null>>();

/**
 * A pg_dump on PATH whose major version equals the server's, or null. An older pg_dump
 * refuses a newer server and a newer one writes archives an older pg_restore cannot read,
 * so only an exact major match is offered (the embedded server usually has none).
 */
export function findMatchingPgDump(serverMajor: number): Promise<string | null> {
  let found = pgDumpByMajor.get(serverMajor);
  if (!found) {
    found = run('pg_dump', ['--version'], { timeout: 5000 })
      .then(({ stdout }) => {
        const major = Number(/(\d+)(?:\.\d+)?/.exec(stdout)?.[1]);
        return major === serverMajor ? 'pg_dump' : null;
      })
      .catch(() => null);
    pgDumpByMajor.set(serverMajor, found);
  }
  return found;
}

export async function serverMajor(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ num: string }>('SHOW server_version_num');
  return Math.floor(Number(rows[0]?.num ?? 0) / 10000);
}
