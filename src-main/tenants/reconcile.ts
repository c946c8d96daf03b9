import type { ReconcileReport } from '../../src-shared/contract/models';
import type { PlatformContext } from '../platform/platform-context';
import { claimAbandonedOperations, releaseOperationLock } from './journal';
import { undoProvision } from './provision';
import { completeStatusChange } from './status-change';
import { completePlanChange } from '../plans/plan-change';
import { BACKUP_OPERATION_KINDS, reconcileBackupOperation } from '../backup/reconcile-backup';

/**
 * Finishes every operation whose process died: provisioning is rolled back (its
 * credentials were never delivered), status and plan changes are resumed (re-enforcing the
 * target and re-pushing limits are idempotent). Operations still owned by a live process are left alone.
 */
export async function reconcile(ctx: PlatformContext): Promise<ReconcileReport> {
  const session = await ctx.pool.connect();
  const report: ReconcileReport = { examined: 0, resumed: [], rolledBack: [], failed: [], skippedInProgress: 0 };
  try {
    const { claimed, busy } = await claimAbandonedOperations(session);
    report.examined = claimed.length + busy;
    report.skippedInProgress = busy;
    for (const operation of claimed) {
      const entry = { operationId: operation.id, kind: operation.kind, tenantCode: operation.tenantCode };
      try {
        if (BACKUP_OPERATION_KINDS.has(operation.kind)) {
          const outcome = await reconcileBackupOperation(ctx, operation);
          report[outcome].push(entry);
        } else if (operation.kind === 'provision') {
          await undoProvision(ctx, operation, `rolled back by reconcile after an interruption at step "${operation.step}"`);
          report.rolledBack.push(entry);
        } else if (operation.kind === 'plan_change') {
          await completePlanChange(ctx, operation);
          report.resumed.push(entry);
        } else {
          await completeStatusChange(ctx, operation);
          report.resumed.push(entry);
        }
      } catch (error) {
        ctx.logger.error({ err: error, operation: operation.id }, 'reconcile could not finish an operation');
        report.failed.push({ ...entry, message: (error as Error).message });
      } finally {
        await releaseOperationLock(session, operation);
      }
    }
    if (report.examined > 0) ctx.logger.info({ report }, 'reconcile finished');
    return report;
  } finally {
    session.release();
  }
}
