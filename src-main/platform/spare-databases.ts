import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { quoteIdent } from '../postgres/identifiers';

/**
 * Spare tenant databases: clones of a plan template made ahead of time, so provisioning
 * renames one (a catalog update) instead of cloning on the request path (a copy of every
 * file, ~5 MB of WAL). A spare is exactly what the clone would be — the plan template's
 * grants and limits, no connections allowed, closed to PUBLIC — and is named after it:
 *
 *   tc_spare_<platform 8 hex>_<plan template 10 hex>_<random 8 hex>
 *
 * The platform part keeps each platform database's spares to itself (two platforms on one
 * server never take, count or drop each other's); the plan template part is a hash of the
 * plan template's name, which already names everything the template holds (schema
 * template, plan, version, limits, warning threshold: plan-templates.ts). A spare whose
 * template is no longer the one provisioning asks for is never found by it, and is dropped
 * by the next refill. A spare being built carries `_building` at the end and is never taken.
 */

export const SPARE_PREFIX = 'tc_spare_';
const BUILDING_SUFFIX = '_building';
const SPARE_NAME = /^tc_spare_([0-9a-f]{8})_([0-9a-f]{10})_([0-9a-f]{8})(_building)?$/;

const shortHash = (text: string, length: number): string => createHash('sha256').update(text).digest('hex').slice(0, length);

/** The part of a spare's name that says whose it is: the platform database's. */
export function spareScope(platformDatabase: string): string {
  return shortHash(`platform:${platformDatabase}`, 8);
}

/** The part of a spare's name that says what it is a clone of: the plan template's name (content-addressed). */
export function spareKey(planTemplate: string): string {
  return shortHash(`template:${planTemplate}`, 10);
}

/** Every spare of a platform, built or being built, starts with this. */
export function sparePrefix(scope: string): string {
  return `${SPARE_PREFIX}${scope}_`;
}

export function newSpareName(scope: string, key: string): string {
  return `${sparePrefix(scope)}${key}_${randomBytes(4).toString('hex')}`;
}

export interface SpareDatabase {
  readonly name: string;
  readonly key: string;
  /** Its build did not finish (the console stopped, or is building it now). */
  readonly building: boolean;
}

type Admin = Pick<pg.ClientBase, 'query'>;

/** A platform's spares on the server, finished or not. */
export async function listSpares(admin: Admin, scope: string): Promise<SpareDatabase[]> {
  const { rows } = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname', [
    sparePrefix(scope),
  ]);
  return rows.flatMap(({ datname }) => {
    const match = SPARE_NAME.exec(datname);
    return match && match[1] === scope ? [{ name: datname, key: match[2]!, building: match[4] !== undefined }] : [];
  });
}

/**
 * Up to `limit` finished spares of one plan template, in random order (two consoles asking
 * at once seldom try the same one first; if they do, one rename fails and it tries the next).
 */
export async function readySpares(admin: Admin, scope: string, key: string, limit: number): Promise<string[]> {
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database
      WHERE starts_with(datname, $1) AND datname ~ $2 AND NOT datallowconn AND NOT datistemplate
      ORDER BY random() LIMIT $3`,
    // Finished ones only: `_building` never matches the random part's eight hex digits at the end.
    [`${sparePrefix(scope)}${key}_`, `^${sparePrefix(scope)}${key}_[0-9a-f]{8}$`, limit],
  );
  return rows.map((row) => row.datname);
}

/**
 * Builds one spare: cloned under a `_building` name with connections refused (nobody — no
 * tenant role either — can get in before it is someone's), then closed to PUBLIC and given
 * its final name in one transaction. A spare under its final name is always complete.
 */
export async function buildSpare(admin: Admin, planTemplate: string, name: string): Promise<void> {
  const building = quoteIdent(`${name}${BUILDING_SUFFIX}`);
  await admin.query(`CREATE DATABASE ${building} TEMPLATE ${quoteIdent(planTemplate)} ALLOW_CONNECTIONS false`);
  await admin.query(`REVOKE ALL ON DATABASE ${building} FROM PUBLIC;\nALTER DATABASE ${building} RENAME TO ${quoteIdent(name)}`);
}

export async function dropSpare(admin: Admin, name: string): Promise<void> {
  await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}

/**
 * Makes a spare the tenant's database: renamed (fails with 3D000 if another console took it
 * first: PostgreSQL serialises the two renames on the database's lock) and opened to
 * connections. For a transaction that also grants the tenant's role CONNECT, so nobody can
 * connect before the grants are in.
 */
export function takeSpareStatements(spare: string, database: string): string {
  return `ALTER DATABASE ${quoteIdent(spare)} RENAME TO ${quoteIdent(database)};
         ALTER DATABASE ${quoteIdent(database)} WITH ALLOW_CONNECTIONS true`;
}
