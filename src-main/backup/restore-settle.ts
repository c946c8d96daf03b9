import { CHECK_LIMIT_APPLICATION } from '../postgres/pools';
import type { TenantStatus } from '../../src-shared/domain/status';
import { quoteIdent } from '../postgres/identifiers';
import type { PlatformContext, TenantServer } from '../platform/platform-context';
import { enforceTenantStatus, terminateSessions } from '../tenants/enforce-status';
import type { Reconciler } from '../operations/reconcile';
import type { JournaledOperation } from '../operations/run-journaled';
import { finishRestoredDatabase } from './reapply-limits';

export interface RestorePayload extends Record<string, unknown> {
  mode: 'as-new' | 'in-place';
  serverId: string;
  /** The database the archive is loaded into before it becomes the tenant's. */
  staging: string;
  /** In place: the name the tenant's current database gets during the swap, until dropped. */
  oldDatabase: string;
  /** In place: the tenant's database, role and status. */
  database: string | null;
  role: string | null;
  status: string | null;
  /** As a new tenant: the copy's subdomain (how reconcile finds whether provisioning finished). */
  subdomain: string | null;
  file: string;
}

async function databaseExists(server: TenantServer, name: string): Promise<boolean> {
  const { rowCount } = await server.adminPool.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return (rowCount ?? 0) > 0;
}

/**
 * The swap of an in-place restore, and its completion: the tenant's sessions end, its
 * database steps aside (renamed), the verified staging database takes its name, privileges,
 * counters and the tenant's own limits (plan version + active overrides) are re-applied, the tenant's status is enforced again, and the old database
 * is dropped. With `fromStart` false it resumes a swap a crash interrupted.
 */
export async function finishInPlaceSwap(ctx: PlatformContext, operation: JournaledOperation, fromStart: boolean): Promise<void> {
  const payload = operation.payload as RestorePayload;
  const server = ctx.serverById(payload.serverId);
  const database = payload.database!;
  const role = payload.role!;
  if (fromStart || (await databaseExists(server, payload.staging))) {
    await server.adminPool.query(`REVOKE CONNECT ON DATABASE ${quoteIdent(database)} FROM ${quoteIdent(role)}`);
    await terminateSessions(server, role);
    // The console's own pooled check-limit connections (plans/check-limit.ts) step aside too: a rename waits for no session.
    await server.adminPool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2 AND pid <> pg_backend_pid()', [database, CHECK_LIMIT_APPLICATION]);
    await server.adminPool.query(`ALTER DATABASE ${quoteIdent(database)} RENAME TO ${quoteIdent(payload.oldDatabase)}`);
    await server.adminPool.query(`ALTER DATABASE ${quoteIdent(payload.staging)} RENAME TO ${quoteIdent(database)}`);
  }
  await server.adminPool.query(
    `REVOKE ALL ON DATABASE ${quoteIdent(database)} FROM PUBLIC;
     ALTER ROLE ${quoteIdent(role)} IN DATABASE ${quoteIdent(database)} SET search_path = erp, public`,
  );
  await finishRestoredDatabase(ctx, operation.tenantId!);
  await enforceTenantStatus(ctx, server, { database, role }, payload.status as TenantStatus);
  await server.adminPool.query(`DROP DATABASE IF EXISTS ${quoteIdent(payload.oldDatabase)} WITH (FORCE)`);
}

/**
 * Ends a restore that failed or whose process died, from wherever it stopped. Before the
 * swap: the staging database goes, nothing else was touched. In the middle of an in-place
 * swap: if the staging database already took the tenant's name, the swap is finished
 * (it was verified); otherwise the old database gets its name back. As a new tenant, once
 * provisioning adopted the staging database, provisioning's own journal decides.
 * Returns whether the restore was completed (true) or rolled back (false).
 */
export async function settleRestore(ctx: PlatformContext, operation: JournaledOperation, reason: string): Promise<boolean> {
  const payload = operation.payload as RestorePayload;
  const server = ctx.serverById(payload.serverId);
  const step = await operation.currentStep();

  if (payload.mode === 'in-place' && step === 'restore_swapping') {
    const tenantDb = await databaseExists(server, payload.database!);
    const staging = await databaseExists(server, payload.staging);
    if (tenantDb && !staging) {
      await finishInPlaceSwap(ctx, operation, false);
      await operation.finish({ error: `completed by reconcile: ${reason}` });
      return true;
    }
    if (!tenantDb && (await databaseExists(server, payload.oldDatabase))) {
      await server.adminPool.query(`ALTER DATABASE ${quoteIdent(payload.oldDatabase)} RENAME TO ${quoteIdent(payload.database!)}`);
    }
    await server.adminPool.query(`DROP DATABASE IF EXISTS ${quoteIdent(payload.staging)} WITH (FORCE)`);
    await enforceTenantStatus(ctx, server, { database: payload.database!, role: payload.role! }, payload.status as TenantStatus);
    await operation.finish({ state: 'rolled_back', error: reason });
    return false;
  }
  const hadStaging = await databaseExists(server, payload.staging);
  await server.adminPool.query(`DROP DATABASE IF EXISTS ${quoteIdent(payload.staging)} WITH (FORCE)`);
  if (payload.mode === 'as-new' && step === 'restore_provisioning' && !hadStaging && payload.subdomain) {
    // Provisioning took the database: its own journal rolled it back or made the tenant.
    const made = await ctx.pool.query("SELECT 1 FROM tenants WHERE lower(subdomain) = lower($1) AND status = 'active'", [payload.subdomain]);
    if ((made.rowCount ?? 0) > 0) {
      await operation.finish({ error: `the tenant was made before the interruption: ${reason}` });
      return true;
    }
  }
  await operation.finish({ state: 'rolled_back', error: reason });
  return false;
}

/** Reconcile settles an interrupted restore: rolled back, or a verified swap finished. */
export const restoreReconciler: Reconciler = {
  kinds: ['restore'],
  handle: async (ctx, operation, reason) => ((await settleRestore(ctx, operation, reason)) ? 'resumed' : 'rolledBack'),
};
