import type { TenantDetail } from '../../src-shared/contract/models';
import { STATUS_AFTER, statusActionProblem, type StatusAction, type TenantStatus } from '../../src-shared/domain/status';
import { AppError } from '../base/app-error';
import { pgErrorCode } from '../postgres/errors';
import { inTransaction } from '../postgres/pools';
import type { PlatformContext } from '../platform/platform-context';
import { enforceTenantStatus } from './enforce-status';
import { beginOperation, crashIfInjected, finishOperation, recordStep, releaseOperationLock, type OperationRecord } from './journal';
import { getTenant, getTenantRow, readSettings } from './tenant-queries';

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
  const session = await ctx.pool.connect();
  let operation: OperationRecord | null = null;
  try {
    await session.query('BEGIN');
    try {
      const row = await getTenantRow(session, request.ref, true);
      if (row.version !== request.expectedVersion) {
        throw new AppError(
          'CONFLICT',
          `Tenant ${row.tenant_code} was changed by someone else (now version ${row.version}, you saw ${request.expectedVersion}) — reload and try again.`,
        );
      }
      const problem = statusActionProblem(action, row.status);
      if (problem) throw new AppError('INVALID_STATE', `${problem.replace(/\.$/, '')} (${row.tenant_code}).`);
      const settings = await readSettings(session);
      const payload: StatusPayload = {
        action,
        target: STATUS_AFTER[action],
        previous: row.status,
        reason: request.reason ?? null,
        serverId: row.server_id,
        database: row.database_name,
        role: row.db_role,
        retentionDays: settings.cancellationRetentionDays,
        backup: request.backup ?? null,
      };
      operation = await beginOperation(session, {
        kind: action,
        tenantId: row.id,
        tenantCode: row.tenant_code,
        step: 'registered',
        payload,
        startedBy: ctx.operator,
      });
      await session.query('COMMIT');
      crashIfInjected('registered');
    } catch (error) {
      await session.query('ROLLBACK').catch(() => undefined);
      if (pgErrorCode(error) === '23505') {
        throw new AppError('CONFLICT', `Another operation on ${request.ref} is in progress — wait for it, then reload.`);
      }
      throw error;
    }

    try {
      return await completeStatusChange(ctx, operation);
    } catch (error) {
      await revertEnforcement(ctx, operation, error as Error);
      throw error;
    }
  } finally {
    if (operation) await releaseOperationLock(session, operation);
    session.release();
  }
}

/** Steps 2 and 3; also how reconcile resumes an interrupted status change. */
export async function completeStatusChange(ctx: PlatformContext, operation: OperationRecord): Promise<TenantDetail> {
  const payload = operation.payload as StatusPayload;
  const server = ctx.serverById(payload.serverId);
  await enforceTenantStatus(server, payload, payload.target);
  await recordStep(ctx.pool, operation, 'enforced');
  await inTransaction(ctx.pool, async (client) => {
    await client.query(
      `UPDATE tenants
          SET status = $2, status_reason = $3, status_changed_at = now(), updated_at = now(), version = version + 1,
              deletion_scheduled_at = CASE WHEN $2 = 'cancelled' THEN now() + make_interval(days => $4::int) ELSE NULL END
        WHERE id = $1 AND status <> $2`,
      [operation.tenantId, payload.target, payload.target === 'active' ? null : payload.reason, payload.retentionDays],
    );
    await client.query(`UPDATE operations SET step = 'committed', updated_at = now() WHERE id = $1`, [operation.id]);
    await finishOperation(client, operation, 'done');
  });
  const tenant = await getTenant(ctx.pool, operation.tenantCode);
  ctx.events.emit('tenant:changed', { tenantCode: tenant.tenantCode, status: tenant.status, version: tenant.version });
  return tenant;
}

/** A status change that failed (not crashed): PostgreSQL goes back to the registry's status. */
async function revertEnforcement(ctx: PlatformContext, operation: OperationRecord, cause: Error): Promise<void> {
  const payload = operation.payload as StatusPayload;
  try {
    await enforceTenantStatus(ctx.serverById(payload.serverId), payload, payload.previous);
    await finishOperation(ctx.pool, operation, 'failed', cause.message.slice(0, 1000));
  } catch (error) {
    ctx.logger.error({ err: error, operation: operation.id }, 'reverting a failed status change failed; reconcile will finish it');
  }
}
