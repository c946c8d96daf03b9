import { restoreReconciler } from '../backup/restore-settle';
import { backupReconciler } from '../backup/backup-tenant';
import { deletionReconciler } from '../backup/delete-tenant';
import { exportReconciler } from '../backup/export-tenant';
import { reconcilerRegistry } from '../operations/reconcile';
import { planChangeReconciler } from '../plans/plan-change';
import { provisionReconciler } from '../tenants/provision';
import { statusChangeReconciler } from '../tenants/status-change';

/** Every capability's reconciler, by the operation kinds it owns: what `reconcile` dispatches to. */
export const RECONCILERS = reconcilerRegistry([
  provisionReconciler,
  statusChangeReconciler,
  planChangeReconciler,
  backupReconciler,
  restoreReconciler,
  exportReconciler,
  deletionReconciler,
]);
