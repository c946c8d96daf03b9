import { alterRoleConnectionLimit } from '../limits/connection-limit';
import type { PlatformContext } from '../platform/platform-context';

interface TenantConnectionLimit {
  tenant_code: string;
  server_id: string;
  db_role: string;
  connection_limit: number;
}

/**
 * Sets every tenant role's CONNECTION LIMIT to its plan version's where the server says
 * otherwise: roles made before plans had a connection limit (CONNECTION LIMIT 100), or
 * changed by hand. One read per server, then an ALTER ROLE only for the roles that differ —
 * cheap enough to run with every fleet migration, even when no tenant schema is behind.
 * A server that cannot be reached is reported per tenant and never stops the others.
 */
export async function syncConnectionLimits(ctx: PlatformContext): Promise<{ set: string[]; failed: { tenantCode: string; message: string }[] }> {
  const { rows } = await ctx.pool.query<TenantConnectionLimit>(
    `SELECT t.tenant_code, t.server_id, t.db_role, p.connection_limit
       FROM tenants t JOIN plans p ON p.code = t.plan_code AND p.version = t.plan_version
      WHERE t.status NOT IN ('deleted', 'provisioning') ORDER BY t.tenant_code`,
  );
  const byServer = new Map<string, TenantConnectionLimit[]>();
  for (const row of rows) byServer.set(row.server_id, [...(byServer.get(row.server_id) ?? []), row]);
  const set: string[] = [];
  const failed: { tenantCode: string; message: string }[] = [];
  for (const [serverId, tenants] of byServer) {
    try {
      const server = ctx.serverById(serverId);
      const { rows: differing } = await server.adminPool.query<{ role: string }>(
        `SELECT w.role FROM unnest($1::text[], $2::int[]) AS w (role, wanted)
           JOIN pg_roles r ON r.rolname = w.role WHERE r.rolconnlimit <> w.wanted`,
        [tenants.map((t) => t.db_role), tenants.map((t) => t.connection_limit)],
      );
      const wrong = new Set(differing.map((row) => row.role));
      for (const tenant of tenants.filter((t) => wrong.has(t.db_role))) {
        try {
          await server.adminPool.query(alterRoleConnectionLimit(tenant.db_role, tenant.connection_limit));
          set.push(tenant.tenant_code);
        } catch (error) {
          failed.push({ tenantCode: tenant.tenant_code, message: `connection limit not set: ${(error as Error).message}` });
        }
      }
    } catch (error) {
      for (const tenant of tenants) failed.push({ tenantCode: tenant.tenant_code, message: `connection limit not checked: ${(error as Error).message}` });
    }
  }
  if (set.length > 0) ctx.logger.info({ tenants: set }, 'tenant roles given their plan connection limit');
  return { set, failed };
}
