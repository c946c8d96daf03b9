import type { TenantDetail } from '../../src-shared/contract/models';
import { STATUS_AFTER, statusActionProblem, type StatusAction, type TenantStatus } from '../../src-shared/domain/status';
import { AppError } from '../base/app-error';
import type { PlatformContext } from '../platform/platform-context';
import type { Reconciler } from '../operations/reconcile';
import { runJournaled, type JournaledOperation } from '../operations/run-journaled';
import { enforceTenantStatus } from './enforce-status';
import { commitStatusChange } from './tenant-writes';
import { readSetting } from '../settings/settings-store';
import { getTenant, getTenantRow } from './tenant-queries';
import { staleVersionError } from './stale-version';

export interface StatusChangeRequest {
  readonly ref: string;
  readonly expectedVersion: number;
  readonly reason?: string | undefined;
  /** What "Back up first" did (backup id, or the failure an operator overrode): kept in the journal. */
  readonly backup?: { backupFirst: boolean; backupId: string | null; overriddenFailure: string | null } | undefined;
}

export interface StatusPayload extends Record<string, unknown> {
  action: StatusAction;
  target: TenantStatus;
  previous: TenantStatus;
  reason: string | null;
  serverId: string;
  database: string;
  role: string;
  retentionDays: number;
  backup?: StatusChangeRequest['backup'] | null;
}

/**
 * suspend / activate / cancel, journaled: (1) check the version and the transition and
 * record the operation, (2) enforce it in PostgreSQL, (3) commit the new status with a
 * new version. A stale version is refused, never silently overwritten.
 */
export async function changeTenantStatus(ctx: PlatformContext, action: StatusAction, request: StatusChangeRequest): Promise<TenantDetail> {
  return runJournaled(
    ctx,
    {
      check: async (tx) => {
        const row = await getTenantRow(tx, request.ref, true);
        if (row.version !== request.expectedVersion) {
          throw staleVersionError(row.tenant_code, row.version, request.expectedVersion);
        }
        const problem = statusActionProblem(action, row.status);
        if (problem) throw new AppError('INVALID_STATE', `${problem.replace(/\.$/, '')} (${row.tenant_code}).`);
        const retentionDays = await readSetting(tx, 'cancellationRetentionDays');
        const payload: StatusPayload = {
          action,
          target: STATUS_AFTER[action],
          previous: row.status,
          reason: request.reason ?? null,
          serverId: row.server_id,
          database: row.database_name,
          role: row.db_role,
          retentionDays,
          backup: request.backup ?? null,
        };
        return { kind: action, tenantId: row.id, tenantCode: row.tenant_code, step: 'registered', payload };
      },
      undo: (operation, failure) => revertEnforcement(ctx, operation, failure),
    },
    (operation) => completeStatusChange(ctx, operation),
  );
}

/** Steps 2 and 3; also how reconcile resumes an interrupted status change. */
export async function completeStatusChange(ctx: PlatformContext, operation: JournaledOperation): Promise<TenantDetail> {
  const payload = operation.payload as StatusPayload;
  const server = ctx.serverById(payload.serverId);
  await enforceTenantStatus(ctx, server, payload, payload.target);
  await operation.step('enforced');
  await operation.finishIn({ step: 'committed' }, (client) =>
    commitStatusChange(client, operation.tenantId!, {
      target: payload.target,
      reason: payload.target === 'active' ? null : payload.reason,
      retentionDays: payload.retentionDays,
    }),
  );
  const tenant = await getTenant(ctx.pool, operation.tenantCode);
  ctx.events.emit('tenant:changed', { tenantCode: tenant.tenantCode, status: tenant.status, version: tenant.version });
  return tenant;
}

/** A status change that failed (not crashed): PostgreSQL goes back to the registry's status. */
async function revertEnforcement(ctx: PlatformContext, operation: JournaledOperation, cause: Error): Promise<void> {
  const payload = operation.payload as StatusPayload;
  await enforceTenantStatus(ctx, ctx.serverById(payload.serverId), payload, payload.previous);
  await operation.finish({ state: 'failed', error: cause.message });
}

/** Reconcile resumes an interrupted status change: enforcing the target again is idempotent. */
export const statusChangeReconciler: Reconciler = {
  kinds: ['suspend', 'activate', 'cancel'],
  handle: async (ctx, operation) => {
    await completeStatusChange(ctx, operation);
    return 'resumed';
  },
};
