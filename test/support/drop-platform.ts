import pg from 'pg';
import { clientConfig, endpointFromUrl } from '../../src-main/postgres/server-endpoint';
import { listSpares, spareScope } from '../../src-main/platform/spare-databases';

/** Admin client on a server's database. */
export async function adminClient(url: string, database = 'postgres'): Promise<pg.Client> {
  const client = new pg.Client(clientConfig(endpointFromUrl(url), database));
  await client.connect();
  return client;
}

/** An admin connection for the length of `work`, closed whatever happens. */
export async function withAdminClient<T>(url: string, database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await adminClient(url, database);
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Removes everything a test or benchmark platform made on a shared server: every tenant
 * database and role it registered, its spare databases, the platform database, then its
 * operators' roles. (Plain module, no vitest: the benchmarks use it too.)
 */
export async function dropPlatformAndTenants(url: string, platformDatabase: string): Promise<void> {
  const admin = await adminClient(url);
  try {
    // Its spares first: they outlive a platform database someone else dropped.
    for (const spare of await listSpares(admin, spareScope(platformDatabase))) {
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(spare.name)} WITH (FORCE)`);
    }
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [platformDatabase]);
    if (!exists.rowCount) return;
    const platform = await adminClient(url, platformDatabase);
    let tenants: { database_name: string; db_role: string }[] = [];
    let operatorRoles: string[] = [];
    try {
      tenants = (await platform.query<{ database_name: string; db_role: string }>('SELECT database_name, db_role FROM tenants')).rows;
      // Operators' login roles are cluster-wide: they would outlive the platform on a shared server.
      operatorRoles = (await platform.query<{ db_role: string }>('SELECT db_role FROM operators').catch(() => ({ rows: [] }))).rows.map((row) => row.db_role);
    } catch {
      // The platform's migrations never ran (or predate operators): nothing registered.
    } finally {
      await platform.end();
    }
    for (const tenant of tenants) {
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(tenant.database_name)} WITH (FORCE)`);
      await admin.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(tenant.db_role)}`);
    }
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(platformDatabase)} WITH (FORCE)`);
    // After the database: its CONNECT grants were the roles' only dependencies.
    for (const role of operatorRoles) {
      await admin.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(role)}`);
    }
  } finally {
    await admin.end();
  }
}
