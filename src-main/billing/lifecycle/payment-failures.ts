import { noticeKeys } from '../notices/notice-keys';
import { notifyTenant } from './notify';
import { daysAfter, NOTICE_CONCURRENCY, type StepContext } from './step-context';

/**
 * Step 6. A failed payment — Stripe's past_due / unpaid, or (manual) an open invoice
 * overdue by the overdueDays setting — starts a grace period with a "payment failed"
 * notice. The grace row is the episode: a running grace period is never restarted.
 */
export async function paymentFailures(sc: StepContext): Promise<void> {
  const overdueBefore = daysAfter(sc.now, -sc.settings.overdueDays);
  const { rows } = await sc.b.ctx.pool.query<{ id: string; tenant_code: string; reason: 'payment_failed' | 'invoice_overdue' }>(
    `SELECT t.id, t.tenant_code, CASE WHEN tb.state IN ('past_due', 'unpaid') THEN 'payment_failed' ELSE 'invoice_overdue' END AS reason
       FROM tenant_billing tb JOIN tenants t ON t.id = tb.tenant_id
      WHERE tb.grace_reason IS NULL AND t.status = 'active'
        AND tb.tenant_id IN (SELECT tenant_id FROM tenant_billing WHERE state IN ('past_due', 'unpaid')
                             UNION SELECT tenant_id FROM invoices WHERE state = 'open' AND due_at <= $1)
      ORDER BY t.tenant_code`,
    [overdueBefore],
  );
  await sc.run.eachTenant('payment-failures', rows, async (row) => {
    const started = await sc.b.ctx.pool.query<{ grace_started_at: Date; grace_ends_at: Date }>(
      `UPDATE tenant_billing SET grace_reason = $2, grace_started_at = $3, grace_ends_at = $4, updated_at = now()
        WHERE tenant_id = $1 AND grace_reason IS NULL
        RETURNING grace_started_at, grace_ends_at`,
      [row.id, row.reason, sc.now, daysAfter(sc.now, sc.settings.gracePeriodDays)],
    );
    const grace = started.rows[0];
    if (!grace) return;
    await sc.run.act('grace_started', row.tenant_code, `${row.reason.replace('_', ' ')}; grace until ${grace.grace_ends_at.toISOString()}`, {
      reason: row.reason,
      endsAt: grace.grace_ends_at.toISOString(),
    });
    await notifyTenant(sc, row.id, 'payment_failed', noticeKeys.episode('payment_failed', row.id, grace.grace_started_at));
  }, NOTICE_CONCURRENCY);
}
