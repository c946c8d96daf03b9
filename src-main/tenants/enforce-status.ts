import type { TenantStatus } from '../../src-shared/domain/status';
import { quoteIdent } from '../postgres/identifiers';
import { inTransaction } from '../postgres/pools';
import type { TenantServer } from '../platform/platform-context';

/**
 * Makes PostgreSQL itself enforce a tenant's status. Idempotent, so reconcile can re-run it.
 * - active: the role may log in and connect to its own database;
 * - suspended / cancelled: NOLOGIN, CONNECT revoked, then every open session terminated —
 *   after the revoke, so a reconnect in between is already refused.
 */
export async function enforceTenantStatus(server: TenantServer, names: { database: string; role: string }, status: TenantStatus): Promise<{ terminatedSessions: number }> {
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
