import type { DeletionResult, ScheduledDeletionsPreview, ScheduledDeletionsReport } from '../../src-shared/contract/backup-models';
import { AppError } from '../base/app-error';
import { quoteIdent } from '../postgres/identifiers';
import type { PlatformContext } from '../platform/platform-context';
import type { Reconciler } from '../operations/reconcile';
import { runJournaled, type JournaledOperation } from '../operations/run-journaled';
import { enforceTenantStatus, terminateSessions } from '../tenants/enforce-status';
import { getTenant, getTenantRow } from '../tenants/tenant-queries';
import type { TenantRow } from '../tenants/tenant-rows';
import { tombstoneTenant } from '../tenants/tenant-writes';
import { backupTenant } from './backup-tenant';
import { progressEmitter, type BackupContext } from './backup-context';

interface DeletePayload extends Record<string, unknown> {
  serverId: string;
  database: string;
  role: string;
  finalBackupId: string;
  forced: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Why `tenant` cannot be deleted now (null: it can). Pure: the rules in one place. */
export function deletionProblem(tenant: Pick<TenantRow, 'tenant_code' | 'status' | 'deletion_scheduled_at'>, confirmCode: string | undefined, now: Date): string | null {
  if (tenant.status === 'deleted') return `${tenant.tenant_code} is already deleted.`;
  if (tenant.status === 'provisioning') return `${tenant.tenant_code} is still being provisioned.`;
  if (confirmCode !== undefined) {
    return confirmCode.toUpperCase() === tenant.tenant_code ? null : `To force the deletion, type the tenant code ${tenant.tenant_code} exactly.`;
  }
  if (tenant.status !== 'cancelled') return `Only cancelled tenants are deleted (${tenant.tenant_code} is ${tenant.status}); to force it, type the tenant code.`;
  if (!tenant.deletion_scheduled_at || tenant.deletion_scheduled_at > now) {
    const when = tenant.deletion_scheduled_at ? tenant.deletion_scheduled_at.toISOString().slice(0, 10) : 'not scheduled';
    return `${tenant.tenant_code} is within its retention period (deletion ${when}); to delete it now, type the tenant code.`;
  }
  return null;
}

/**
 * Deletes a tenant: refused unless cancelled and past retention, or forced by typing its
 * code. A verified pre-deletion backup is made first (a backup older than 24 hours never
 * counts); then, journaled, the role is locked out, its sessions end, the database and the
 * role are dropped, and the registry keeps a tombstone (status deleted) that names the
 * final backup. Once the drop has started, reconcile finishes it rather than undoing it.
 */
export async function deleteTenant(bctx: BackupContext, request: { ref: string; confirmCode?: string | undefined; requestId?: string | undefined }): Promise<DeletionResult> {
  const { ctx } = bctx;
  const tenant = await getTenantRow(ctx.pool, request.ref);
  const problem = deletionProblem(tenant, request.confirmCode, new Date());
  if (problem) throw new AppError(request.confirmCode !== undefined && tenant.status !== 'deleted' ? 'VALIDATION' : 'INVALID_STATE', problem);
  const progress = progressEmitter(ctx, request.requestId, 'delete', tenant.tenant_code);

  progress('backup', `Making the final backup of ${tenant.tenant_code}`);
  const backup = await backupTenant(bctx, { ref: tenant.tenant_code, kind: 'pre-deletion', requestId: request.requestId });
  if (!backup.verifiedAt || Date.now() - Date.parse(backup.verifiedAt) > DAY_MS) {
    throw new AppError('INVALID_STATE', `The final backup of ${tenant.tenant_code} is not verified: nothing was deleted.`);
  }

  const payload: DeletePayload = { serverId: tenant.server_id, database: tenant.database_name, role: tenant.db_role, finalBackupId: backup.id, forced: request.confirmCode !== undefined };
  return runJournaled(
    ctx,
    {
      check: async (tx) => {
        // Re-read under lock: the tenant may have been reactivated while the backup ran.
        const fresh = await getTenantRow(tx, tenant.tenant_code, true);
        const again = deletionProblem(fresh, request.confirmCode, new Date());
        if (again) throw new AppError('INVALID_STATE', again);
        return { kind: 'delete', tenantId: tenant.id, tenantCode: tenant.tenant_code, step: 'delete_registered', payload };
      },
      describeFailure: (error) =>
        error instanceof AppError ? error : new AppError('INTERNAL', `Deleting ${tenant.tenant_code} failed: ${(error as Error).message}`, { cause: error }),
      undo: async (operation, _failure, cause) => {
        // Before the drop nothing is lost: put the tenant's status back in PostgreSQL.
        await enforceTenantStatus(ctx, ctx.serverById(payload.serverId), payload, tenant.status).catch(() => undefined);
        await operation.finish({ state: 'failed', error: (cause as Error).message });
      },
    },
    async (operation) => {
      progress('dropping', `Dropping the database and role of ${tenant.tenant_code}`);
      await completeDeletion(ctx, operation);
      progress('done', `Deleted ${tenant.tenant_code}; final backup ${backup.id}`);
      return { tenantCode: tenant.tenant_code, finalBackupId: backup.id, forced: payload.forced };
    },
  );
}

/** The drop and the tombstone; idempotent, so reconcile resumes an interrupted deletion with it. */
export async function completeDeletion(ctx: PlatformContext, operation: JournaledOperation): Promise<void> {
  const payload = operation.payload as DeletePayload;
  const server = ctx.serverById(payload.serverId);
  await operation.step('delete_dropping');
  const role = quoteIdent(payload.role, 'role name');
  const { rowCount } = await server.adminPool.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [payload.role]);
  if ((rowCount ?? 0) > 0) {
    await server.adminPool.query(`ALTER ROLE ${role} NOLOGIN`);
    await terminateSessions(server, payload.role);
  }
  await server.adminPool.query(`DROP DATABASE IF EXISTS ${quoteIdent(payload.database, 'database name')} WITH (FORCE)`);
  await server.adminPool.query(`DROP ROLE IF EXISTS ${role}`);
  await operation.step('delete_dropped');
  await operation.finishIn({ step: 'tombstoned' }, (client) => tombstoneTenant(client, operation.tenantId!, payload.finalBackupId));
  const tenant = await getTenant(ctx.pool, operation.tenantCode);
  ctx.events.emit('tenant:changed', { tenantCode: tenant.tenantCode, status: tenant.status, version: tenant.version });
}

/** Reconcile: a deletion that had not started dropping is abandoned; one that had is finished. */
export const deletionReconciler: Reconciler = {
  kinds: ['delete'],
  handle: async (ctx, operation) => {
    if (operation.record.step === 'delete_registered') {
      await operation.finish({ state: 'rolled_back', error: 'interrupted before anything was dropped' });
      return 'rolledBack';
    }
    await completeDeletion(ctx, operation);
    return 'resumed';
  },
};

/**
 * Who scheduled deletions take now — the one decision the preview and the run share:
 * cancelled tenants whose retention has ended, the longest overdue first.
 */
const DUE_FOR_DELETION = /* sql */ `
  SELECT t.tenant_code, t.company_name, t.database_name, s.name AS server_name, t.deletion_scheduled_at
    FROM tenants t JOIN servers s ON s.id = t.server_id
   WHERE t.status = 'cancelled' AND t.deletion_scheduled_at <= now()
   ORDER BY t.deletion_scheduled_at, t.tenant_code`;

/** The tenants a scheduled-deletions run would delete now, read without changing anything. */
export async function previewScheduledDeletions(bctx: BackupContext): Promise<ScheduledDeletionsPreview> {
  const { rows } = await bctx.ctx.pool.query<{ tenant_code: string; company_name: string; database_name: string; server_name: string; deletion_scheduled_at: Date }>(DUE_FOR_DELETION);
  return {
    tenants: rows.map((row) => ({
      tenantCode: row.tenant_code,
      companyName: row.company_name,
      databaseName: row.database_name,
      serverName: row.server_name,
      deletionScheduledAt: row.deletion_scheduled_at.toISOString(),
    })),
  };
}

/**
 * The scheduler's job: deletes every cancelled tenant whose retention has ended, one by
 * one. With `confirmedCodes` (from a preview the operator confirmed) only those still due
 * are deleted: a tenant that fell due after the preview waits for the next run, and a
 * confirmed one no longer due (reactivated, already deleted) is reported skipped.
 */
export async function runScheduledDeletions(bctx: BackupContext, confirmedCodes?: readonly string[]): Promise<ScheduledDeletionsReport> {
  const { rows } = await bctx.ctx.pool.query<{ tenant_code: string }>(DUE_FOR_DELETION);
  const confirmed = confirmedCodes ? new Set(confirmedCodes.map((code) => code.toUpperCase())) : null;
  const due = rows.map((row) => row.tenant_code).filter((code) => confirmed === null || confirmed.has(code));
  const report: ScheduledDeletionsReport = { deleted: [], failed: [], skipped: confirmed ? [...confirmed].filter((code) => !due.includes(code)) : [] };
  for (const code of due) {
    try {
      report.deleted.push(await deleteTenant(bctx, { ref: code }));
    } catch (error) {
      bctx.ctx.logger.error({ err: error, tenant: code }, 'scheduled deletion failed');
      report.failed.push({ tenantCode: code, message: (error as Error).message });
    }
  }
  return report;
}
