import { createHash } from 'node:crypto';
import type pg from 'pg';
import { applyMigrations } from '../base/migration-runner';
import { LOCK_NAMESPACE, LOCK_TEMPLATE_BUILD } from '../base/advisory-locks';
import { quoteIdent } from '../postgres/identifiers';
import { withClient } from '../postgres/pools';
import type { ServerEndpoint } from '../postgres/server-endpoint';
import type { Migration } from '../base/migration-runner';
import { TENANT_MIGRATIONS } from './migrations';

export const TENANT_SCHEMA_VERSION = Math.max(...TENANT_MIGRATIONS.map((migration) => migration.version));

/**
 * The template's name carries the schema version and a hash of the migrations' text, so a
 * template is built once per schema version and rebuilt whenever a migration changes.
 */
export function templateDatabaseName(migrations: readonly Migration[] = TENANT_MIGRATIONS): string {
  const hash = createHash('sha256');
  for (const migration of migrations) hash.update(`${migration.version}\n${migration.sql}\n`);
  const version = Math.max(...migrations.map((migration) => migration.version));
  return `tc_template_v${version}_${hash.digest('hex').slice(0, 10)}`;
}

/**
 * Ensures the prepared template exists on the server. Built under a cluster-wide advisory
 * lock (taken in the maintenance database) as `<name>_building`, then renamed: a template
 * under its final name is always complete. It accepts no connections, so CREATE DATABASE …
 * TEMPLATE never finds it busy.
 */
export async function ensureTemplate(
  endpoint: ServerEndpoint,
  admin: pg.ClientBase,
  migrations: readonly Migration[] = TENANT_MIGRATIONS,
): Promise<string> {
  const name = templateDatabaseName(migrations);
  const exists = async () =>
    (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate', [name])).rowCount === 1;
  if (await exists()) return name;

  await admin.query('SELECT pg_advisory_lock($1, $2)', [LOCK_NAMESPACE, LOCK_TEMPLATE_BUILD]);
  try {
    if (await exists()) return name;
    const building = `${name}_building`;
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(building)} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${quoteIdent(building)} TEMPLATE template0 ENCODING 'UTF8'`);
    await withClient(endpoint, building, async (client) => {
      await client.query('CREATE SCHEMA IF NOT EXISTS platform');
      await applyMigrations(client, migrations, 'platform.schema_migrations');
    });
    await admin.query(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(name)}`);
    await admin.query(`REVOKE ALL ON DATABASE ${quoteIdent(name)} FROM PUBLIC`);
    await admin.query(`ALTER DATABASE ${quoteIdent(name)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
    return name;
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, LOCK_TEMPLATE_BUILD]).catch(() => undefined);
  }
}
