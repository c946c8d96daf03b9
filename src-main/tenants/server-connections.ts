import type { ServerConnections } from '../../src-shared/contract/server-channels';
import type { PlatformContext, TenantServer } from '../platform/platform-context';

const TOP_TENANTS = 10;

interface ServerRow {
  id: string;
  name: string;
  kind: 'embedded' | 'external';
  tenant_codes: string[];
  roles: string[];
}

interface SlotsRow {
  max_connections: number;
  superuser_reserved: number;
  reserved: number;
  console_is_superuser: boolean;
  console_may_use_reserved: boolean | null;
  used: number;
  used_by_console: number;
  tenants: { tenant_code: string; used: number; limit: number }[];
}

/**
 * One read of the server: its slots (max_connections and what is reserved), the client
 * sessions open now by role, and the tenant roles' CONNECTION LIMIT as the server has them.
 * reserved_connections exists from PostgreSQL 16 (missing_ok: NULL before), and so does
 * pg_use_reserved_connections (looked up by name: absent on 15, never an error).
 */
const SLOTS_SQL = /* sql */ `
  WITH sessions AS (
    SELECT usename, count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' GROUP BY usename
  ), tenant_roles AS (
    SELECT w.tenant_code, coalesce(s.n, 0) AS used, r.rolconnlimit AS "limit"
      FROM unnest($1::text[], $2::text[]) AS w (tenant_code, role)
      JOIN pg_roles r ON r.rolname = w.role
      LEFT JOIN sessions s ON s.usename = w.role
  )
  SELECT current_setting('max_connections')::int AS max_connections,
         current_setting('superuser_reserved_connections')::int AS superuser_reserved,
         coalesce(current_setting('reserved_connections', true)::int, 0) AS reserved,
         (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS console_is_superuser,
         (SELECT bool_or(pg_has_role(current_user, oid, 'USAGE')) FROM pg_roles WHERE rolname = 'pg_use_reserved_connections') AS console_may_use_reserved,
         (SELECT coalesce(sum(n), 0)::int FROM sessions) AS used,
         (SELECT coalesce(sum(n), 0)::int FROM sessions WHERE usename = current_user) AS used_by_console,
         (SELECT coalesce(json_agg(t ORDER BY t.used DESC, t.tenant_code), '[]') FROM tenant_roles t) AS tenants`;

/**
 * Connections on every server tenants live on that this console is connected to: how full
 * it is, how many slots only the console can take, and which tenants hold the most. Read
 * as the console's admin role (which sees every session's role in pg_stat_activity).
 */
export async function serverConnections(ctx: PlatformContext): Promise<ServerConnections[]> {
  const { rows } = await ctx.pool.query<ServerRow>(
    `SELECT s.id, s.name, s.kind,
            coalesce(array_agg(t.tenant_code ORDER BY t.tenant_code) FILTER (WHERE t.id IS NOT NULL), '{}') AS tenant_codes,
            coalesce(array_agg(t.db_role ORDER BY t.tenant_code) FILTER (WHERE t.id IS NOT NULL), '{}') AS roles
       FROM servers s LEFT JOIN tenants t ON t.server_id = s.id AND t.status <> 'deleted'
      GROUP BY s.id ORDER BY s.is_primary DESC, s.name`,
  );
  const connected = rows.flatMap((row) => {
    try {
      return [{ row, server: ctx.serverById(row.id) }];
    } catch {
      return []; // a server this console has no pool for: nothing to read it with
    }
  });
  return Promise.all(connected.map(({ row, server }) => readServer(row, server)));
}

async function readServer(row: ServerRow, server: TenantServer): Promise<ServerConnections> {
  const { rows } = await server.adminPool.query<SlotsRow>(SLOTS_SQL, [row.tenant_codes, row.roles]);
  const slots = rows[0]!;
  // Superusers may take the superuser-reserved slots and the reserved ones; pg_use_reserved_connections members only the latter.
  const reservedForConsole = slots.console_is_superuser
    ? slots.superuser_reserved + slots.reserved
    : slots.console_may_use_reserved ? slots.reserved : 0;
  const unlimited = slots.tenants.filter((tenant) => tenant.limit < 0).map((tenant) => tenant.tenant_code);
  return {
    serverId: row.id,
    name: row.name,
    kind: row.kind,
    used: slots.used,
    maxConnections: slots.max_connections,
    usedByConsole: slots.used_by_console,
    usedByTenants: slots.tenants.reduce((sum, tenant) => sum + tenant.used, 0),
    reservedForConsole,
    tenantLimitSum: slots.tenants.reduce((sum, tenant) => sum + Math.max(tenant.limit, 0), 0),
    topTenants: slots.tenants.filter((tenant) => tenant.used > 0).slice(0, TOP_TENANTS)
      .map((tenant) => ({ tenantCode: tenant.tenant_code, used: tenant.used, limit: tenant.limit })),
    warning: warningOf(reservedForConsole, unlimited),
  };
}

function warningOf(reservedForConsole: number, unlimited: readonly string[]): string | null {
  if (reservedForConsole === 0) {
    return "No connection slot on this server is reserved for the console's role: tenants could take every slot and lock the console out. " +
      'Connect the console as a superuser (superuser_reserved_connections), or on PostgreSQL 16+ set reserved_connections and grant its role pg_use_reserved_connections.';
  }
  if (unlimited.length > 0) {
    return `No connection limit on the role of ${unlimited.slice(0, 5).join(', ')}${unlimited.length > 5 ? ' …' : ''}: run a fleet migration to give it its plan's.`;
  }
  return null;
}
