import type pg from 'pg';
import { AppError } from '../base/app-error';

/**
 * Refuses to back up (or export) a database that holds large objects.
 *
 * The console's archive copies tables; large objects live in pg_largeobject, outside every
 * table, so an archive of such a database would leave them out and still pass verification.
 * Tenants cannot create large objects (tenant migration 005), so one found here was made
 * by an administrator or before that migration: the operator must look at it. Refusing
 * (rather than carrying large objects in the archive) keeps the archive format and restore
 * as they are, and never lets a backup that misses data count as verified.
 *
 * Run inside the backup's snapshot, so what is checked is what would be copied.
 */
export async function assertNoLargeObjects(client: Pick<pg.ClientBase, 'query'>, tenantCode: string, what: 'backup' | 'export' = 'backup'): Promise<void> {
  const { rows } = await client.query<{ count: string; first: string | null }>(
    'SELECT count(*) AS count, min(oid)::text AS first FROM pg_catalog.pg_largeobject_metadata',
  );
  const count = Number(rows[0]!.count);
  if (count === 0) return;
  throw new AppError(
    'INVALID_STATE',
    `${tenantCode}'s database holds ${count} large object${count === 1 ? '' : 's'} (pg_largeobject_metadata, first OID ${rows[0]!.first}). ` +
      `The console's ${what}s copy tables only and would leave ${count === 1 ? 'it' : 'them'} out, so no ${what} was made. ` +
      'Tenants cannot create large objects; remove them as the admin (SELECT lo_unlink(oid) FROM pg_largeobject_metadata) ' +
      'after saving what you need, or use the pg_dump format, which carries them.',
  );
}
