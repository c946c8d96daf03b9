import type { ChannelOutput, ChannelParsedInput } from '../../src-shared/contract/channels';
import { statusActionProblem } from '../../src-shared/domain/status';
import { AppError, isAppError } from '../base/app-error';
import { enforceTenantStatus } from '../tenants/enforce-status';
import { changeTenantStatus } from '../tenants/status-change';
import { getTenantRow } from '../tenants/tenant-queries';
import { backupTenant } from './backup-tenant';
import type { BackupContext } from './backup-context';
import { staleVersionError } from '../tenants/stale-version';
import { operationInProgress } from '../operations/run-journaled';
import { pgErrorCode } from '../postgres/errors';

type Action = 'suspend' | 'cancel';

const isConflict = (error: unknown): boolean => isAppError(error) && error.code === 'CONFLICT';

/**
 * Suspend or cancel with "Back up first": the tenant's sessions end first (CONNECT revoked,
 * NOLOGIN, sessions terminated — so no lock of theirs can hold the backup up: suspension
 * always wins), then the backup runs and is verified, then the status changes. If the
 * change does not go ahead, an active tenant gets its access back at once. A failed backup stops the change unless the operator overrides it; the override
 * and the failure it overrode are written into the status change's journal entry and
 * returned. A cancelled backup (jobs:cancel) always stops the change.
 */
export async function changeStatusWithBackup(
  bctx: BackupContext,
  action: Action,
  input: ChannelParsedInput<'tenants:suspend'> | ChannelParsedInput<'tenants:cancel'>,
): Promise<ChannelOutput<'tenants:suspend'>> {
  const { ctx } = bctx;
  let backupId: string | null = null;
  let overriddenFailure: string | null = null;
  // Set once the tenant's access was taken away ahead of the backup: how to give it back.
  let giveAccessBack: (() => Promise<unknown>) | null = null;
  if (input.backupFirst) {
    // Refuse a stale or impossible request before spending a backup on it.
    const row = await getTenantRow(ctx.pool, input.ref);
    const problem = statusActionProblem(action, row.status);
    if (problem) throw new AppError('INVALID_STATE', `${problem.replace(/\.$/, '')} (${row.tenant_code}).`);
    if (row.version !== input.expectedVersion) {
      throw staleVersionError(row.tenant_code, row.version, input.expectedVersion);
    }
    const server = ctx.serverById(row.server_id);
    const names = { database: row.database_name, role: row.db_role };
    if (row.status === 'active') {
      await enforceTenantStatus(ctx, server, names, 'suspended').catch((error: unknown) => {
        // Two operators at once: the catalog refuses the second concurrent ALTER ROLE.
        throw pgErrorCode(error) === 'XX000' ? operationInProgress(action, row.tenant_code) : error;
      });
      giveAccessBack = () => enforceTenantStatus(ctx, server, names, 'active');
    }
    try {
      backupId = (await backupTenant(bctx, { ref: row.tenant_code, kind: action === 'suspend' ? 'pre-suspension' : 'pre-cancellation', requestId: input.requestId })).id;
    } catch (error) {
      const message = (error as Error).message;
      if ((isAppError(error) && error.code === 'CANCELLED') || !input.overrideBackupFailure) {
        if (!isConflict(error)) await giveAccessBack?.();
        throw new AppError(isAppError(error) ? error.code : 'INTERNAL', `${row.tenant_code} was not ${action === 'suspend' ? 'suspended' : 'cancelled'}: ${message}`, { cause: error });
      }
      overriddenFailure = message;
      ctx.logger.warn({ tenant: row.tenant_code, action, failure: message }, 'backup failed; the operator overrode it');
    }
  }
  let tenant: Awaited<ReturnType<typeof changeTenantStatus>>;
  try {
    tenant = await changeTenantStatus(ctx, action, {
      ref: input.ref,
      expectedVersion: input.expectedVersion,
      reason: input.reason,
      backup: { backupFirst: input.backupFirst, backupId, overriddenFailure },
    });
  } catch (error) {
    // A conflict means another operation on this tenant runs now: it settles the access.
    if (!isConflict(error)) await giveAccessBack?.();
    throw error;
  }
  return { ...tenant, backup: { backupId, overriddenFailure } };
}
