import { changeStatusWithBackup } from '../../backup/status-with-backup';
import type { StepContext } from './step-context';

/**
 * Step 9. A subscription that has ended — Stripe's 'canceled', or a manual cancellation at
 * the end of a period that is now over — cancels the tenant, backup first (the tenant's
 * deletion is then scheduled after the retention period, as for an operator's cancel).
 */
export async function endedSubscriptions(sc: StepContext): Promise<void> {
  const { rows } = await sc.b.ctx.pool.query<{ id: string; tenant_code: string; version: number; state: string }>(
    `SELECT t.id, t.tenant_code, t.version, tb.state
       FROM tenant_billing tb JOIN tenants t ON t.id = tb.tenant_id
      WHERE (tb.state = 'canceled' OR (tb.cancel_at_period_end AND tb.current_period_end <= $1))
        AND t.status IN ('active', 'suspended')
      ORDER BY t.tenant_code`,
    [sc.now],
  );
  await sc.run.eachTenant('ended-subscriptions', rows, async (row) => {
    const result = await changeStatusWithBackup(sc.b.backups, 'cancel', {
      ref: row.tenant_code,
      expectedVersion: row.version,
      reason: row.state === 'canceled' ? 'Billing: subscription canceled' : 'Billing: cancelled at the end of the period',
      backupFirst: true,
      overrideBackupFailure: false,
      requestId: undefined,
    });
    await sc.b.ctx.pool.query(`UPDATE tenant_billing SET state = 'canceled', updated_at = now() WHERE tenant_id = $1`, [row.id]);
    await sc.run.act('subscription_ended', row.tenant_code, `tenant cancelled; backup ${result.backup?.backupId ?? 'none'}`, { backupId: result.backup?.backupId ?? null });
  });
}
