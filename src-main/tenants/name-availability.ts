import type pg from 'pg';
import { tenantCodePrefix, tenantDatabaseName, tenantRoleName } from '../../src-shared/domain/tenant-code';
import type { TenantServer } from '../platform/platform-context';

/**
 * Codes already spoken for, with this company's prefix: in the registry, or as a database
 * or role name on the server (another console's tenants, leftovers a human made). Two
 * queries, whatever the number of tenants.
 */
export async function takenTenantCodes(platform: Pick<pg.ClientBase, 'query'>, server: TenantServer, companyName: string): Promise<Set<string>> {
  const prefix = tenantCodePrefix(companyName);
  const lowerPrefix = `tenant\\_${prefix.toLowerCase()}%`;
  const [registry, names] = await Promise.all([
    platform.query<{ code: string }>('SELECT tenant_code AS code FROM tenants WHERE tenant_code LIKE $1', [`${prefix}%`]),
    server.adminPool.query<{ name: string }>(
      `SELECT datname AS name FROM pg_database WHERE datname LIKE $1
       UNION ALL SELECT rolname FROM pg_roles WHERE rolname LIKE $1`,
      [lowerPrefix],
    ),
  ]);
  const taken = new Set(registry.rows.map((row) => row.code));
  const codeOf = /^tenant_([a-z]{2,4}[0-9]{3,6})(?:_app)?$/;
  for (const { name } of names.rows) {
    const match = codeOf.exec(name);
    if (match) taken.add(match[1]!.toUpperCase());
  }
  return taken;
}

export function namesFor(code: string): { database: string; role: string } {
  return { database: tenantDatabaseName(code), role: tenantRoleName(code) };
}
