import type pg from 'pg';
import type { ServerCheckFinding } from '../../../src-shared/contract/server-check-channels';
import { printable, sqlName } from './display';

/**
 * Databases PUBLIC may CONNECT to: every role on the server — every tenant's — can log in
 * there, read the catalogs and (with TEMPORARY, granted alongside by default) create
 * temporary tables. A NULL datacl is PostgreSQL's default ACL, which grants CONNECT and
 * TEMPORARY to PUBLIC; otherwise aclexplode lists the grants, PUBLIC being grantee 0.
 * A database that refuses connections (template0, the console's templates) is no way in.
 */
export async function publicConnectableDatabases(admin: pg.Pool): Promise<ServerCheckFinding[]> {
  const { rows } = await admin.query<{ datname: string; temporary: boolean }>(
    `SELECT d.datname,
            d.datacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(d.datacl) g WHERE g.grantee = 0 AND g.privilege_type = 'TEMPORARY') AS temporary
       FROM pg_database d
      WHERE d.datallowconn
        AND (d.datacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(d.datacl) g WHERE g.grantee = 0 AND g.privilege_type = 'CONNECT'))
      ORDER BY d.datname`,
  );
  return rows.map(({ datname, temporary }) => ({
    check: 'public-connect',
    severity: 'medium',
    subject: `database ${printable(datname)}`,
    message:
      `PUBLIC can connect to database ${printable(datname)}${temporary ? ' and create temporary tables in it' : ''}: ` +
      'every tenant role can log in there, read its catalogs and whatever it grants to PUBLIC, outside its own database.',
    fix: `REVOKE CONNECT, TEMPORARY ON DATABASE ${sqlName(datname)} FROM PUBLIC; (grant CONNECT to the roles that need it)`,
  }));
}
