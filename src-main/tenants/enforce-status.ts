import type { TenantStatus } from '../../src-shared/domain/status';
import { quoteIdent } from '../postgres/identifiers';
import { inTransaction } from '../postgres/pools';
import type { PlatformContext, TenantServer } from '../platform/platform-context';

/**
 * Makes PostgreSQL itself enforce a tenant's status. Idempotent, so reconcile can re-run it.
 * - active: the role may log in and connect to its own database;
 * - suspended / cancelled: NOLOGIN, CONNECT revoked, then every open session terminated —
 *   after the revoke, so a reconnect in between is already refused.
 */
export async function enforceTenantStatus(ctx: PlatformContext, server: TenantServer, names: { database: string; role: string }, status: TenantStatus): Promise<{ terminatedSessions: number }> {
  // An operator's call on the platform's own server: PostgreSQL's SECURITY DEFINER functions
  // (platform migration 011), which act only on this platform's tenants and only for support.
  if (ctx.pool !== ctx.ownerPool && server.id === ctx.primary.id) return enforceAsOperator(ctx, names, status);
  const database = quoteIdent(names.database, 'database name');
  const role = quoteIdent(names.role, 'role name');
  if (status === 'active') {
    await inTransaction(server.adminPool, async (client) => {
      await client.query(`GRANT CONNECT ON DATABASE ${database} TO ${role}`);
      await client.query(`ALTER ROLE ${role} LOGIN`);
    });
    return { terminatedSessions: 0 };
  }
  if (status !== 'suspended' && status !== 'cancelled') throw new Error(`No enforcement for status ${status}.`);
  await inTransaction(server.adminPool, async (client) => {
    await client.query(`ALTER ROLE ${role} NOLOGIN`);
    await client.query(`REVOKE CONNECT ON DATABASE ${database} FROM ${role}`);
  });
  return { terminatedSessions: await terminateSessions(server, names.role) };
}

async function enforceAsOperator(ctx: PlatformContext, names: { database: string; role: string }, status: TenantStatus): Promise<{ terminatedSessions: number }> {
  if (status !== 'active' && status !== 'suspended' && status !== 'cancelled') throw new Error(`No enforcement for status ${status}.`);
  await ctx.pool.query('SELECT tc_set_tenant_access($1, $2, $3)', [names.database, names.role, status === 'active']);
  if (status === 'active') return { terminatedSessions: 0 };
  const { rows } = await ctx.pool.query<{ ended: number }>('SELECT tc_end_tenant_sessions($1) AS ended', [names.role]);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows: left } = await ctx.pool.query<{ n: number }>('SELECT tc_tenant_sessions($1) AS n', [names.role]);
    if ((left[0]?.n ?? 0) === 0) break;
    if (Date.now() > deadline) throw new Error(`Sessions of ${names.role} did not end within 10s.`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { terminatedSessions: rows[0]?.ended ?? 0 };
}

/** Terminates the role's sessions and waits until the server reports none left. */
export async function terminateSessions(server: TenantServer, role: string, timeoutMs = 10_000): Promise<number> {
  const { rows } = await server.adminPool.query<{ terminated: number }>(
    `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS terminated
       FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()`,
    [role],
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows: left } = await server.adminPool.query<{ n: number }>('SELECT count(*) AS n FROM pg_stat_activity WHERE usename = $1', [role]);
    if ((left[0]?.n ?? 0) === 0) break;
    if (Date.now() > deadline) throw new Error(`Sessions of ${role} did not end within ${timeoutMs / 1000}s.`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return rows[0]?.terminated ?? 0;
}
