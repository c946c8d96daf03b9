import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_GROUP_ROLES, OPERATOR_ROLES, type OperatorRole } from '../../src-shared/contract/operator-roles';
import { ownerClient } from '../support/operator-world';
import { embeddedTarget, useTestPlatform } from '../support/servers';
import { EXPECTED_PLATFORM_GRANTS } from './operators-expected-grants';

/**
 * Every table, view, sequence and function of the platform database has an explicit
 * decision for each console group role, read back from PostgreSQL's catalog (what each role
 * can really do, inherited memberships included) and compared with the list written in
 * operators-expected-grants.ts. A later migration's table, view or function without a
 * decision fails here, and so does a grant nobody decided. PUBLIC holds nothing.
 *
 * Letters as in PostgreSQL's ACLs: r SELECT, a INSERT, w UPDATE, d DELETE, D TRUNCATE,
 * x REFERENCES, t TRIGGER, U USAGE (sequences), X EXECUTE; "w(col, …)" are column grants.
 */

const TABLE_PRIVILEGES: [string, string][] = [
  ['r', 'SELECT'],
  ['a', 'INSERT'],
  ['w', 'UPDATE'],
  ['d', 'DELETE'],
  ['D', 'TRUNCATE'],
  ['x', 'REFERENCES'],
  ['t', 'TRIGGER'],
];
const COLUMN_PRIVILEGES: [string, string][] = [
  ['r', 'SELECT'],
  ['a', 'INSERT'],
  ['w', 'UPDATE'],
];

type Grantee = OperatorRole | 'public';
export type ObjectGrants = Readonly<Record<Grantee, string>>;

/** What `role` may do on every object of the platform database's public schema, as PostgreSQL answers. */
async function actualGrants(admin: pg.Client): Promise<Record<string, ObjectGrants>> {
  const result: Record<string, Record<Grantee, string>> = {};
  const grantees: [Grantee, string][] = [...OPERATOR_ROLES.map((role): [Grantee, string] => [role, OPERATOR_GROUP_ROLES[role]]), ['public', 'public']];
  const { rows: relations } = await admin.query<{ oid: number; name: string; kind: string }>(
    `SELECT c.oid::int AS oid, c.relname AS name, c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') ORDER BY c.relname`,
  );
  const { rows: functions } = await admin.query<{ signature: string }>(
    `SELECT p.oid::regprocedure::text AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'public' AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') ORDER BY 1`,
  );
  for (const relation of relations) {
    const label = `${relation.kind === 'S' ? 'sequence' : relation.kind === 'v' || relation.kind === 'm' ? 'view' : 'table'} ${relation.name}`;
    result[label] = {} as Record<Grantee, string>;
    for (const [grantee, pgRole] of grantees) {
      // PUBLIC: what a role in no group at all may do (has_*_privilege with 'public' asks exactly that).
      if (relation.kind === 'S') {
        const { rows } = await admin.query<Record<string, boolean>>(
          `SELECT has_sequence_privilege($1, $2::oid, 'USAGE') AS "U", has_sequence_privilege($1, $2::oid, 'SELECT') AS r, has_sequence_privilege($1, $2::oid, 'UPDATE') AS w`,
          [pgRole, relation.oid],
        );
        result[label][grantee] = ['U', 'r', 'w'].filter((letter) => rows[0]![letter]).join('');
        continue;
      }
      const { rows } = await admin.query<Record<string, boolean>>(
        `SELECT ${TABLE_PRIVILEGES.map(([letter, privilege]) => `has_table_privilege($1, $2::oid, '${privilege}') AS "${letter}"`).join(', ')}`,
        [pgRole, relation.oid],
      );
      const table = TABLE_PRIVILEGES.filter(([letter]) => rows[0]![letter]).map(([letter]) => letter);
      const columnGrants: string[] = [];
      for (const [letter, privilege] of COLUMN_PRIVILEGES) {
        if (table.includes(letter)) continue;
        const { rows: columns } = await admin.query<{ name: string }>(
          `SELECT a.attname AS name FROM pg_attribute a WHERE a.attrelid = $2::oid AND a.attnum > 0 AND NOT a.attisdropped
              AND has_column_privilege($1, $2::oid, a.attnum, '${privilege}') ORDER BY a.attname`,
          [pgRole, relation.oid],
        );
        if (columns.length > 0) columnGrants.push(`${letter}(${columns.map((column) => column.name).join(', ')})`);
      }
      result[label][grantee] = [table.join(''), ...columnGrants].filter(Boolean).join(' ');
    }
  }
  for (const { signature } of functions) {
    const label = `function ${signature}`;
    result[label] = {} as Record<Grantee, string>;
    for (const [grantee, pgRole] of grantees) {
      const { rows } = await admin.query<{ x: boolean }>(`SELECT has_function_privilege($1, $2::regprocedure, 'EXECUTE') AS x`, [pgRole, signature]);
      result[label][grantee] = rows[0]!.x ? 'X' : '';
    }
  }
  return result;
}

describe('platform grants: every object has a decision for every role', () => {
  const platform = useTestPlatform({ name: 'embedded PostgreSQL', target: embeddedTarget, skip: false }, 'grants');
  let admin: pg.Client;

  beforeAll(async () => {
    admin = await ownerClient(platform.url, platform.platformDatabase);
  });
  afterAll(async () => {
    await admin?.end();
  });

  it('matches the written decisions, object by object (none missing, none extra)', async () => {
    const actual = await actualGrants(admin);
    if (process.env.PRINT_PLATFORM_GRANTS) console.log(JSON.stringify(actual, null, 2));
    const undecided = Object.keys(actual).filter((object) => !(object in EXPECTED_PLATFORM_GRANTS));
    expect(undecided, 'objects of the platform database without a grant decision in operators-expected-grants.ts').toEqual([]);
    const gone = Object.keys(EXPECTED_PLATFORM_GRANTS).filter((object) => !(object in actual));
    expect(gone, 'decisions for objects that no longer exist').toEqual([]);
    for (const [object, grants] of Object.entries(actual)) {
      expect(grants, object).toEqual(EXPECTED_PLATFORM_GRANTS[object]);
    }
  });

  it('gives PUBLIC nothing: not on the database’s objects, not CONNECT or TEMPORARY on the database, not CREATE in the schema', async () => {
    const { rows } = await admin.query<{ connect: boolean; temp: boolean; create: boolean }>(
      `SELECT has_database_privilege('public', current_database(), 'CONNECT') AS connect,
              has_database_privilege('public', current_database(), 'TEMPORARY') AS temp,
              has_schema_privilege('public', 'public', 'CREATE') AS create`,
    );
    expect(rows[0]).toEqual({ connect: false, temp: false, create: false });
    // A function a later migration creates is not executable by PUBLIC either (default privileges of the migrating role).
    await admin.query('BEGIN');
    try {
      await admin.query('CREATE FUNCTION tc_probe_default_privileges() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$');
      const probe = await admin.query<{ x: boolean }>("SELECT has_function_privilege('public', 'tc_probe_default_privileges()', 'EXECUTE') AS x");
      expect(probe.rows[0]!.x).toBe(false);
    } finally {
      await admin.query('ROLLBACK');
    }
  });
});
