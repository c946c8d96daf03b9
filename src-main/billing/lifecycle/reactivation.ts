import type { GraceReason } from '../../../src-shared/contract/billing-models';
import { changeTenantStatus } from '../../tenants/status-change';
import { noticeKeys } from '../notices/notice-keys';
import { causeHoldsSql } from './cause-holds';
import { notifyTenant } from './notify';
import { daysAfter, type StepContext } from './step-context';

interface ReactivationRow {
  id: string;
  tenant_code: string;
  version: number;
  status: string;
  grace_reason: GraceReason | null;
  grace_started_at: Date | null;
  suspended_by_billing: boolean;
  status_changed_at: Date | null;
  /** Suspended, and by billing's own suspension (not one an operator made after activating it by hand). */
  billing_suspension: boolean;
}

/**
 * Step 8. When the cause of a grace period is gone (manual: no open invoice overdue past
 * the threshold; Stripe: active again; trial: converted), the grace period is cleared, and
 * a tenant billing suspended is activated again with a "reactivated" notice. A tenant an
 * operator suspended is never activated here: suspended_by_billing is false, or (an operator
 * who activated a billing-suspended tenant by hand and suspended it again) the suspension
 * is not the one billing made (status_changed_at ≠ billing_suspended_at).
 */
export async function reactivation(sc: StepContext): Promise<void> {
  const { rows } = await sc.b.ctx.pool.query<ReactivationRow>(
    `SELECT t.id, t.tenant_code, t.version, t.status, tb.grace_reason, tb.grace_started_at, tb.suspended_by_billing, t.status_changed_at,
            (t.status = 'suspended' AND tb.suspended_by_billing AND t.status_changed_at = tb.billing_suspended_at) AS billing_suspension
       FROM tenant_billing tb
       JOIN tenants t ON t.id = tb.tenant_id
       JOIN plans p ON p.code = t.plan_code AND p.version = t.plan_version
      WHERE (tb.grace_ends_at IS NOT NULL OR tb.suspended_by_billing) AND t.status NOT IN ('deleted', 'provisioning')
        AND NOT COALESCE(${causeHoldsSql('$1', '$2')}, false)
      ORDER BY t.tenant_code`,
    [daysAfter(sc.now, -sc.settings.overdueDays), sc.now],
  );
  await sc.run.eachTenant('reactivation', rows, async (row) => {
    const activate = row.billing_suspension;
    if (activate) await changeTenantStatus(sc.b.ctx, 'activate', { ref: row.tenant_code, expectedVersion: row.version, reason: 'Billing: payment received' });
    const cleared = await sc.b.ctx.pool.query(
      `UPDATE tenant_billing SET grace_reason = NULL, grace_started_at = NULL, grace_ends_at = NULL, suspended_by_billing = false, billing_suspended_at = NULL, updated_at = now()
        WHERE tenant_id = $1 AND grace_started_at IS NOT DISTINCT FROM $2 AND suspended_by_billing = $3`,
      [row.id, row.grace_started_at, row.suspended_by_billing],
    );
    if (cleared.rowCount === 0) return; // changed under us: the next run looks again
    if (row.grace_reason) await sc.run.act('grace_cleared', row.tenant_code, `${row.grace_reason.replace('_', ' ')} resolved`, { reason: row.grace_reason });
    if (activate) {
      await sc.run.act('reactivated', row.tenant_code, 'billing suspension lifted');
      const episode = row.grace_started_at ?? row.status_changed_at ?? sc.now;
      await notifyTenant(sc, row.id, 'reactivated', noticeKeys.episode('reactivated', row.id, episode));
    }
  });
}
