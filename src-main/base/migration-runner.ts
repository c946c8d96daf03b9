import type pg from 'pg';
import { LOCK_NAMESPACE, LOCK_PLATFORM_MIGRATIONS } from './advisory-locks';

/** One numbered migration: the platform database and every tenant database use the same runner. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Applies pending migrations exactly once, under an advisory lock: two consoles starting
 * together wait for each other instead of racing. Each migration commits with its record.
 */
export async function applyMigrations(client: pg.ClientBase, migrations: readonly Migration[], table = 'schema_migrations'): Promise<number[]> {
  await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_NAMESPACE, LOCK_PLATFORM_MIGRATIONS]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${table}`);
    const applied = new Set(rows.map((row) => row.version));
    const newest = Math.max(0, ...applied);
    const known = Math.max(0, ...migrations.map((migration) => migration.version));
    if (newest > known) {
      throw new Error(`This database was migrated by a newer Tenant Console (schema ${newest}, this console knows ${known}). Update the console.`);
    }
    const done: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query(`INSERT INTO ${table} (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(`Migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`, { cause: error });
      }
      done.push(migration.version);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, LOCK_PLATFORM_MIGRATIONS]).catch(() => undefined);
  }
}
