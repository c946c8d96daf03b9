import { createHash } from 'node:crypto';
import type pg from 'pg';
import { LOCK_NAMESPACE, LOCK_PLATFORM_BOOTSTRAP } from '../../src-main/base/advisory-locks';
import { applyMigrations } from '../../src-main/base/migration-runner';
import { PLATFORM_MIGRATIONS } from '../../src-main/platform/migrations';
import { ENSURE_OPERATOR_GROUP_ROLES_SQL } from '../../src-main/platform/operator-group-roles';
import { ENSURE_TENANT_GROUP_ROLE_SQL } from '../../src-main/tenant-schema/privileges';
import { adminClient } from './drop-platform';

/**
 * A test speed-up, tests only: every test file opens a console on its own platform database,
 * and applying the platform migrations to an empty database is most of that open (~1.5 s of
 * ~2 s, measured). Each server gets one migrated, otherwise empty platform database per
 * version of the migrations; a file's platform database is a clone of it, and the console
 * then opens it as an existing, up-to-date platform (it still registers the server, makes the
 * first-run operator and grants it CONNECT, as on any open).
 *
 * The migrations hold nothing that depends on the database's name or on its database-level
 * privileges, which a clone does not copy: the clone is closed to PUBLIC here, as the
 * console's bootstrap closes a platform database it creates. Files that test the migrations
 * or the first open themselves call openConsoleCore on a fresh database, not this.
 */
export const PLATFORM_TEMPLATE_PREFIX = 'tc_test_platform_tmpl_';

const templateName = (): string => {
  const digest = createHash('sha256');
  for (const migration of PLATFORM_MIGRATIONS) digest.update(`${migration.version}\0${migration.name}\0${migration.sql}\0`);
  return `${PLATFORM_TEMPLATE_PREFIX}${digest.digest('hex').slice(0, 16)}`;
};

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Creates `platformDatabase` on the server at `url` as a clone of the migrated template (built on first use). */
export async function createPlatformFromTemplate(url: string, platformDatabase: string): Promise<void> {
  const template = templateName();
  const admin = await adminClient(url);
  try {
    // The console's own bootstrap lock: the template is built once per server, and its group
    // roles and database creation never race a console opening at the same time.
    await admin.query('SELECT pg_advisory_lock($1, $2)', [LOCK_NAMESPACE, LOCK_PLATFORM_BOOTSTRAP]);
    try {
      const existing = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname = ANY($1::text[])', [[template, platformDatabase]]);
      const names = new Set(existing.rows.map((row) => row.datname));
      // A file reopening its platform: nothing to create.
      if (names.has(platformDatabase)) return;
      if (!names.has(template)) await buildTemplate(url, admin, template);
      // CREATE DATABASE … TEMPLATE refuses while anyone is connected to the template: only
      // buildTemplate ever connects to it, and it has closed its connection.
      await admin.query(`CREATE DATABASE ${quote(platformDatabase)} TEMPLATE ${quote(template)}`);
      await admin.query(`REVOKE ALL ON DATABASE ${quote(platformDatabase)} FROM PUBLIC`);
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, LOCK_PLATFORM_BOOTSTRAP]).catch(() => undefined);
    }
  } finally {
    await admin.end();
  }
}

/** Built under a temporary name and renamed when complete: a half-built template never carries the final name. */
async function buildTemplate(url: string, admin: pg.Client, template: string): Promise<void> {
  const building = `${template}_building`;
  await admin.query(`DROP DATABASE IF EXISTS ${quote(building)} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${quote(building)} ENCODING 'UTF8' TEMPLATE template0`);
  await admin.query(`REVOKE ALL ON DATABASE ${quote(building)} FROM PUBLIC`);
  // The migrations grant to the group roles: they exist before, as the console's bootstrap ensures.
  await admin.query(ENSURE_TENANT_GROUP_ROLE_SQL);
  await admin.query(ENSURE_OPERATOR_GROUP_ROLES_SQL);
  const migrator = await adminClient(url, building);
  try {
    await applyMigrations(migrator, PLATFORM_MIGRATIONS);
  } finally {
    await migrator.end();
  }
  await admin.query(`ALTER DATABASE ${quote(building)} RENAME TO ${quote(template)}`);
}

/** Removes the templates of this and earlier migration versions from a server (the external one outlives the run). */
export async function dropPlatformTemplates(url: string): Promise<void> {
  const admin = await adminClient(url);
  try {
    const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE starts_with(datname, $1)", [PLATFORM_TEMPLATE_PREFIX]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${quote(datname)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
