import type { GraceReason } from '../../../src-shared/contract/billing-models';
import { changeStatusWithBackup } from '../../backup/status-with-backup';
import { noticeKeys } from '../notices/notice-keys';
import { causeHoldsSql } from './cause-holds';
import { notifyTenant } from './notify';
import { confirmSuspensionIntent, dropSuspensionIntent, markSuspensionIntent, settleSuspensionIntents } from './suspension-intent';
import { daysAfter, type StepContext } from './step-context';

const REASON_TEXT: Record<GraceReason, string> = {
  trial_ended: 'trial ended without a payment method',
  payment_failed: 'payment failed',
  invoice_overdue: 'invoice overdue',
};

/**
 * Step 7. A grace period that is over while its cause still holds suspends the tenant —
 * backup first; a failed backup leaves the tenant active and is this tenant's error, tried
 * again next run. Billing marks the suspension as its own (suspended_by_billing) so a
 * payment lifts it — durably: the intent is written before the suspension (a crash between
 * the two is settled at the start of the next run, suspension-intent.ts) — and never
 * suspends twice in one episode: a tenant an operator reactivated by hand stays active
 * until the episode ends.
 */
export async function graceExpiry(sc: StepContext): Promise<void> {
  for (const row of await settleSuspensionIntents(sc)) {
    await sc.run.act('suspended', row.tenant_code, "a billing suspension interrupted before it was recorded, recognised as billing's", { recovered: true });
    // Once per episode by its key: sent now unless it went out before the crash.
    if (row.grace_started_at) await notifyTenant(sc, row.id, 'suspended', noticeKeys.episode('suspended', row.id, row.grace_started_at));
  }
  const { rows } = await sc.b.ctx.pool.query<{ id: string; tenant_code: string; version: number; grace_reason: GraceReason; grace_started_at: Date }>(
    `SELECT t.id, t.tenant_code, t.version, tb.grace_reason, tb.grace_started_at
       FROM tenant_billing tb
       JOIN tenants t ON t.id = tb.tenant_id
       JOIN plans p ON p.code = t.plan_code AND p.version = t.plan_version
      WHERE tb.grace_ends_at <= $1 AND t.status = 'active' AND NOT tb.suspended_by_billing
        AND ${causeHoldsSql('$2', '$1')}
      ORDER BY tb.grace_ends_at, t.tenant_code`,
    [sc.now, daysAfter(sc.now, -sc.settings.overdueDays)],
  );
  await sc.run.eachTenant('grace-expiry', rows, async (row) => {
    const reason = `Billing: ${REASON_TEXT[row.grace_reason]}, grace period over`;
    // The intent first, so a crash after the suspension still leaves it recognisable as billing's.
    if (!(await markSuspensionIntent(sc, row.id, row.version, reason))) return;
    let result: Awaited<ReturnType<typeof changeStatusWithBackup>>;
    try {
      result = await changeStatusWithBackup(sc.b.backups, 'suspend', {
        ref: row.tenant_code,
        expectedVersion: row.version,
        reason,
        backupFirst: true,
        overrideBackupFailure: false,
        requestId: undefined,
      });
    } catch (error) {
      await dropSuspensionIntent(sc, row.id, error);
      throw error;
    }
    await confirmSuspensionIntent(sc, row.id);
    await sc.run.act('suspended', row.tenant_code, `${REASON_TEXT[row.grace_reason]}; backup ${result.backup?.backupId ?? 'none'}`, {
      reason: row.grace_reason,
      backupId: result.backup?.backupId ?? null,
    });
    await notifyTenant(sc, row.id, 'suspended', noticeKeys.episode('suspended', row.id, row.grace_started_at));
  });
}
