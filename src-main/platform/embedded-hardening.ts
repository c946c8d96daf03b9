import type { PoolClient } from 'pg';
import { quoteIdent } from '../postgres/identifiers';

/**
 * The databases initdb makes that every role may CONNECT to (and create TEMP tables in)
 * through PostgreSQL's default grant to PUBLIC. On the embedded server the console owns
 * the whole cluster, so tenant roles get neither: a tenant's login reaches its own
 * database and nothing else. (template0 already refuses connections.)
 */
const INITDB_DATABASES = ['postgres', 'template1'] as const;

/**
 * Revokes CONNECT and TEMPORARY on `postgres` and `template1` from PUBLIC. Run at every
 * open of the embedded server, so existing installations are closed too; changes the
 * catalog only when a grant is still there (idempotent, and no row churn on each start).
 * The superuser the console uses is unaffected. An external server is the operator's:
 * there the server check reports it instead (server-check/public-databases.ts).
 */
export async function closeInitdbDatabasesToPublic(admin: PoolClient): Promise<string[]> {
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT d.datname
       FROM pg_database d
      WHERE d.datname = ANY($1::text[])
        AND (d.datacl IS NULL
             OR EXISTS (SELECT 1 FROM aclexplode(d.datacl) g
                         WHERE g.grantee = 0 AND g.privilege_type IN ('CONNECT', 'TEMPORARY')))
      ORDER BY d.datname`,
    [INITDB_DATABASES],
  );
  for (const { datname } of rows) {
    await admin.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${quoteIdent(datname, 'database name')} FROM PUBLIC`);
  }
  return rows.map((row) => row.datname);
}
