import { changeTenantPlan, resolvePlan } from '../../plans/plan-change';
import { noticeKeys } from '../notices/notice-keys';
import { notifyTenant } from './notify';
import { daysAfter, NOTICE_CONCURRENCY, PERIOD_INTERVAL_SQL, type StepContext } from './step-context';

/**
 * Step 5. Trials about to end get a "trial ending" notice (once per end date). Trials that
 * have ended convert to the conversion plan when a payment method is on file — also during
 * the trial_ended grace period, and for a tenant billing suspended for it — and otherwise
 * start a grace period with a "trial ended" notice.
 */
export async function trialExpiry(sc: StepContext): Promise<void> {
  await trialEndingNotices(sc);
  await endedTrials(sc);
}

async function trialEndingNotices(sc: StepContext): Promise<void> {
  // The key mirrors noticeKeys.trialEnding: the trial's end date (UTC).
  const { rows } = await sc.b.ctx.pool.query<{ id: string; tenant_code: string; trial_ends_at: Date }>(
    `SELECT t.id, t.tenant_code, t.trial_ends_at
       FROM tenants t JOIN plans p ON p.code = t.plan_code AND p.version = t.plan_version
      WHERE t.trial_ends_at > $1 AND t.trial_ends_at <= $2 AND t.status = 'active' AND p.trial_days IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM billing_notices n
                         WHERE n.idempotency_key = 'trial_ending:' || t.id || ':' || to_char(t.trial_ends_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'))
      ORDER BY t.trial_ends_at, t.tenant_code`,
    [sc.now, daysAfter(sc.now, sc.settings.trialNoticeDays)],
  );
  await sc.run.eachTenant('trial-expiry', rows, (row) => notifyTenant(sc, row.id, 'trial_ending', noticeKeys.trialEnding(row.id, row.trial_ends_at)), NOTICE_CONCURRENCY);
}

interface EndedTrialRow {
  id: string;
  tenant_code: string;
  version: number;
  payment_method_present: boolean;
  conversion_plan: string;
}

async function endedTrials(sc: StepContext): Promise<void> {
  const { rows } = await sc.b.ctx.pool.query<EndedTrialRow>(
    `SELECT t.id, t.tenant_code, t.version, tb.payment_method_present, COALESCE(tb.conversion_plan_code, 'starter') AS conversion_plan
       FROM tenants t
       JOIN plans p ON p.code = t.plan_code AND p.version = t.plan_version
       JOIN tenant_billing tb ON tb.tenant_id = t.id
      WHERE t.trial_ends_at <= $1 AND p.trial_days IS NOT NULL
        AND (t.status = 'active' OR (t.status = 'suspended' AND tb.suspended_by_billing))
        AND (tb.payment_method_present OR (tb.grace_reason IS NULL AND t.status = 'active'))
      ORDER BY t.trial_ends_at, t.tenant_code`,
    [sc.now],
  );
  await sc.run.eachTenant('trial-expiry', rows, async (row) => {
    if (row.payment_method_present) await convert(sc, row);
    else await startGrace(sc, row);
  });
}

async function convert(sc: StepContext, row: EndedTrialRow): Promise<void> {
  const pool = sc.b.ctx.pool;
  const target = await resolvePlan(sc.b.ctx, row.conversion_plan);
  try {
    // Limits are pushed into the tenant database; a refusal (over the new limits) is this tenant's error.
    await changeTenantPlan(sc.b.ctx, {
      ref: row.tenant_code,
      plan: target.code,
      version: target.version,
      force: false,
      expectedVersion: row.version,
      reason: 'Billing: trial converted (payment method on file)',
    });
  } catch (error) {
    await pool.query('UPDATE tenant_billing SET last_error = $2, updated_at = now() WHERE tenant_id = $1', [row.id, `Trial conversion: ${(error as Error).message}`.slice(0, 1000)]);
    throw error;
  }
  // A Stripe subscription owns the state and the period (set from its events: the first paid
  // period starts at the trial end, and past_due stays past_due until the invoice is paid);
  // the console makes them up only for a tenant it bills itself.
  await pool.query(
    `UPDATE tenant_billing tb
        SET state = CASE WHEN tb.stripe_subscription_id IS NULL THEN 'active' ELSE tb.state END,
            current_period_start = CASE WHEN tb.stripe_subscription_id IS NULL THEN $2 ELSE tb.current_period_start END,
            current_period_end = CASE WHEN tb.stripe_subscription_id IS NULL THEN $2::timestamptz + ${PERIOD_INTERVAL_SQL('p.billing_interval')} ELSE tb.current_period_end END,
            grace_reason = NULL, grace_started_at = NULL, grace_ends_at = NULL, last_error = NULL, updated_at = now()
       FROM plans p
      WHERE tb.tenant_id = $1 AND p.code = $3 AND p.version = $4`,
    [row.id, sc.now, target.code, target.version],
  );
  await sc.run.act('trial_converted', row.tenant_code, `converted to ${target.code} v${target.version}`, { plan: target.code, version: target.version });
}

async function startGrace(sc: StepContext, row: EndedTrialRow): Promise<void> {
  const { rows } = await sc.b.ctx.pool.query<{ grace_started_at: Date; grace_ends_at: Date }>(
    `UPDATE tenant_billing SET grace_reason = 'trial_ended', grace_started_at = $2, grace_ends_at = $3, updated_at = now()
      WHERE tenant_id = $1 AND grace_reason IS NULL
      RETURNING grace_started_at, grace_ends_at`,
    [row.id, sc.now, daysAfter(sc.now, sc.settings.gracePeriodDays)],
  );
  const grace = rows[0];
  if (!grace) return; // another runner started it a moment ago
  await sc.run.act('grace_started', row.tenant_code, `trial ended without a payment method; grace until ${grace.grace_ends_at.toISOString()}`, {
    reason: 'trial_ended',
    endsAt: grace.grace_ends_at.toISOString(),
  });
  await notifyTenant(sc, row.id, 'trial_ended', noticeKeys.episode('trial_ended', row.id, grace.grace_started_at));
}
