import { withClient } from '../postgres/pools';
import type { TenantServer } from '../platform/platform-context';
import { grantTenantPrivileges } from '../tenant-schema/privileges';

/**
 * Re-applies what the platform enforces inside a restored tenant database. For now that is
 * the tenant role's privileges; the limits capability replaces the body with its function
 * that pushes the tenant's plan limits into the database (the archive restored the
 * platform schema's counters as data; the limits come from the registry, not the file).
 */
export async function reapplyTenantLimits(server: TenantServer, database: string, role: string): Promise<void> {
  await withClient(server.endpoint, database, (client) => grantTenantPrivileges(client, role));
}

/** Every restored database passes here once, whatever the mode: the one call site of reapplyTenantLimits. */
export async function finishRestoredDatabase(server: TenantServer, database: string, role: string): Promise<void> {
  await reapplyTenantLimits(server, database, role);
}
