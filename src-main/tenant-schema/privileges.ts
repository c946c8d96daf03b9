import type pg from 'pg';
import { quoteIdent } from '../postgres/identifiers';

/**
 * Inside a tenant database: the tenant's role may use the erp schema's tables (DML) and
 * sequences, and nothing else — it owns nothing, cannot create objects, and never touches
 * the platform schema's internals. Idempotent: re-run after every tenant-schema migration.
 */
export async function grantTenantPrivileges(client: pg.ClientBase, role: string): Promise<void> {
  const r = quoteIdent(role, 'role name');
  await client.query(`
    GRANT USAGE ON SCHEMA erp TO ${r};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA erp TO ${r};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA erp TO ${r};
  `);
}
