import type pg from 'pg';
import { quoteIdent } from '../postgres/identifiers';

/**
 * Inside a tenant database: the tenant's role may use the erp schema's tables (DML — never
 * TRUNCATE, which would bypass the limit counters) and sequences; in the platform schema it
 * may read its limits and usage and call check_limit, nothing more. It owns nothing and
 * cannot create objects. Idempotent: re-run after every tenant-schema migration.
 */
export async function grantTenantPrivileges(client: pg.ClientBase, role: string): Promise<void> {
  const r = quoteIdent(role, 'role name');
  await client.query(`
    GRANT USAGE ON SCHEMA erp TO ${r};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA erp TO ${r};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA erp TO ${r};
    GRANT USAGE ON SCHEMA platform TO ${r};
    GRANT SELECT ON platform.limits, platform.limit_overrides, platform.counters TO ${r};
    GRANT EXECUTE ON FUNCTION platform.check_limit(text, bigint) TO ${r};
  `);
}
