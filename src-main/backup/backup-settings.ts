import { execFile } from 'node:child_process';
import { isAbsolute, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import type { BackupSettings } from '../../src-shared/contract/backup-models';
import { writeSettingValues } from '../tenants/tenant-queries';

type Queryable = Pick<pg.ClientBase, 'query'>;
const run = promisify(execFile);

export const DEFAULT_KEEP_LAST = 10;

/** backup_directory (default <data folder>/backups) and backup_keep_last, from the settings table. */
export async function readBackupSettings(db: Queryable, dataDir: string): Promise<Omit<BackupSettings, 'pgDump'>> {
  const { rows } = await db.query<{ key: string; value: unknown }>(
    "SELECT key, value FROM settings WHERE key IN ('backup_directory', 'backup_keep_last')",
  );
  const map = new Map(rows.map((row) => [row.key, row.value]));
  const directory = map.get('backup_directory');
  return {
    directory: typeof directory === 'string' && isAbsolute(directory) ? resolve(directory) : join(dataDir, 'backups'),
    keepLast: Number(map.get('backup_keep_last') ?? DEFAULT_KEEP_LAST),
  };
}

export async function writeBackupSettings(db: Queryable, patch: { directory?: string | null | undefined; keepLast?: number | undefined }): Promise<void> {
  if (patch.directory === null) await db.query("DELETE FROM settings WHERE key = 'backup_directory'");
  const entries: [string, unknown][] = [];
  if (typeof patch.directory === 'string') entries.push(['backup_directory', resolve(patch.directory)]);
  if (patch.keepLast !== undefined) entries.push(['backup_keep_last', patch.keepLast]);
  await writeSettingValues(db, entries);
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
