import type { PlatformContext } from '../platform/platform-context';
import type { OperationRecord } from '../tenants/journal';
import { undoBackup } from './backup-tenant';
import { reconcileDeletion } from './delete-tenant';
import { undoExport } from './export-tenant';
import { settleRestore } from './restore-settle';

export const BACKUP_OPERATION_KINDS: ReadonlySet<string> = new Set(['backup', 'restore', 'export', 'delete']);

/**
 * Finishes a backup-capability operation whose process died. Backups and exports are
 * rolled back (temporary files removed, an uncatalogued file removed); restores drop their
 * staging database or finish a verified swap; deletions that had begun dropping are finished.
 */
export async function reconcileBackupOperation(ctx: PlatformContext, operation: OperationRecord): Promise<'resumed' | 'rolledBack'> {
  const reason = `rolled back by reconcile after an interruption at step "${operation.step}"`;
  switch (operation.kind) {
    case 'backup':
      await undoBackup({ ctx }, operation, reason);
      return 'rolledBack';
    case 'export':
      await undoExport({ ctx }, operation, reason);
      return 'rolledBack';
    case 'restore':
      return (await settleRestore(ctx, operation, reason)) ? 'resumed' : 'rolledBack';
    case 'delete':
      return reconcileDeletion(ctx, operation);
    default:
      throw new Error(`Not a backup operation: ${operation.kind}`);
  }
}
