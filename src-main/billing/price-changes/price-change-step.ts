import { AppError } from '../../base/app-error';
import { changeTenantPlan } from '../../plans/plan-change';
import { getTenantRow } from '../../tenants/tenant-queries';
import { inTransaction } from '../../postgres/pools';
import { isBillable, monthlyEquivalent, planPrice, type PlanPrice } from '../billing-tenant';
import { MAX_NOTICE_ATTEMPTS } from '../lifecycle/retry-notices';
import type { StepContext } from '../lifecycle/step-context';
import { smtpConfigured } from '../notices/mailer';
import { loadNoticeFacts } from '../notices/notice-facts';
import { deliverNotice, sendNoticeOnce, type NoticeOutcome } from '../notices/send-notice';
import { changeStripePrice, refreshStripeSubscription } from '../stripe/stripe-subscriptions';
import { subscriptionPriceIs } from '../stripe/stripe-price-change';
import { priceChangeNoticeKey, renderPriceChangeNotice } from './price-change-notice';
import { toVersionPrice, versionPrices } from './price-change-rows';

interface DueRow {
  schedule_id: string;
  plan_code: string;
  to_version: number;
  move_at: Date;
  notice_days: number;
  tenant_id: string;
  tenant_code: string;
  from_version: number;
  noticed_at: Date | null;
  stripe_schedule_id: string | null;
}

const DUE_SELECT = /* sql */ `
  SELECT s.id AS schedule_id, s.plan_code, s.to_version, s.move_at, s.notice_days, st.tenant_id, t.tenant_code, st.from_version,
         st.noticed_at, st.stripe_schedule_id
    FROM plan_move_schedules s
    JOIN plan_move_schedule_tenants st ON st.schedule_id = s.id
    JOIN tenants t ON t.id = st.tenant_id
   WHERE s.state = 'scheduled' AND st.state = 'pending'`;

const reasonFor = (scheduleId: string) => `Announced price change ${scheduleId}`;

/**
 * The lifecycle's step for announced price changes: the notices that are due, then the moves
 * that are due (a notice due at the same time as its move goes out first). Idempotent: a
 * notice is claimed once per key, a move is recorded once per tenant; one tenant's failure
 * is recorded against it (and on its row) and the others go on.
 */
export async function priceChanges(sc: StepContext): Promise<void> {
  await dueNotices(sc);
  await dueMoves(sc);
}

/** Is the tenant still one the announcement concerns (on an older version of the plan)? Else why not. */
async function stillConcerned(sc: StepContext, row: DueRow): Promise<string | null> {
  const tenant = await getTenantRow(sc.b.ctx.pool, row.tenant_code);
  if (tenant.status === 'deleted' || tenant.status === 'provisioning') return `${row.tenant_code} is ${tenant.status}`;
  if (tenant.plan_code !== row.plan_code) return `${row.tenant_code} is on plan ${tenant.plan_code} now`;
  if (tenant.plan_version >= row.to_version) {
    // Moved by this announcement already (a crash before it was recorded) is not a reason to skip.
    const ours = await sc.b.ctx.pool.query('SELECT 1 FROM tenant_plan_history WHERE tenant_id = $1 AND to_version = $2 AND reason = $3', [tenant.id, row.to_version, reasonFor(row.schedule_id)]);
    if (ours.rowCount === 0) return `${row.tenant_code} is on ${row.plan_code} v${tenant.plan_version} already`;
  }
  return null;
}

async function skip(sc: StepContext, row: DueRow, why: string): Promise<void> {
  await sc.b.ctx.pool.query(`UPDATE plan_move_schedule_tenants SET state = 'skipped', last_error = $3 WHERE schedule_id = $1 AND tenant_id = $2 AND state = 'pending'`, [
    row.schedule_id,
    row.tenant_id,
    `Not moved: ${why}.`,
  ]);
}

async function noteError(sc: StepContext, row: DueRow, message: string): Promise<void> {
  await sc.b.ctx.pool
    .query('UPDATE plan_move_schedule_tenants SET last_error = $3 WHERE schedule_id = $1 AND tenant_id = $2', [row.schedule_id, row.tenant_id, message.slice(0, 1000)])
    .catch(() => undefined);
}

async function dueNotices(sc: StepContext): Promise<void> {
  const { rows } = await sc.b.ctx.pool.query<DueRow>(`${DUE_SELECT} AND s.notice_days > 0 AND s.notice_at <= $1 AND st.noticed_at IS NULL ORDER BY s.move_at, t.tenant_code`, [sc.now]);
  const prices = new Map<string, Awaited<ReturnType<typeof versionPrices>>>();
  await sc.run.eachTenant('price-changes', rows, async (row) => {
    const why = await stillConcerned(sc, row);
    if (why) return skip(sc, row, why);
    if (!prices.has(row.plan_code)) prices.set(row.plan_code, await versionPrices(sc.b.ctx.pool, row.plan_code));
    const versions = prices.get(row.plan_code)!;
    const facts = await loadNoticeFacts(sc.b.ctx.pool, row.tenant_id);
    const rendered = renderPriceChangeNotice(facts, {
      planName: versions.get(row.to_version)!.name,
      moveAt: row.move_at,
      from: toVersionPrice(versions.get(row.from_version)!),
      to: toVersionPrice(versions.get(row.to_version)!),
    });
    const key = priceChangeNoticeKey(row.schedule_id, row.tenant_id);
    sc.claimedKeys.add(key);
    const input = { idempotencyKey: key, tenantId: row.tenant_id, tenantCode: row.tenant_code, kind: 'price_change' as const, recipient: facts.recipient, ...rendered };
    let outcome: NoticeOutcome = await sendNoticeOnce(sc.b, input, sc.mail);
    if (outcome.state === 'exists') {
      // Claimed by an earlier run: sent (record it), or waiting for a retry (this step's own).
      const { rows: notice } = await sc.b.ctx.pool.query<{ state: string; attempts: number; sent_at: Date | null }>('SELECT state, attempts, sent_at FROM billing_notices WHERE idempotency_key = $1', [key]);
      const previous = notice[0];
      if (previous?.state === 'sent') outcome = { state: 'sent', messageId: '' };
      else if (previous && previous.attempts < MAX_NOTICE_ATTEMPTS && smtpConfigured(sc.settings.smtp)) outcome = await deliverNotice(sc.b, input, sc.mail);
      else outcome = { state: 'failed', error: previous ? `gave up after ${previous.attempts} attempts` : 'notice record missing' };
    }
    if (outcome.state === 'sent') {
      await sc.b.ctx.pool.query('UPDATE plan_move_schedule_tenants SET noticed_at = $3, last_error = NULL WHERE schedule_id = $1 AND tenant_id = $2 AND noticed_at IS NULL', [
        row.schedule_id,
        row.tenant_id,
        sc.now,
      ]);
      if (outcome.messageId) sc.run.actions.push({ kind: 'notice_sent', tenantCode: row.tenant_code, detail: `price_change to ${facts.recipient}` });
    } else {
      const error = outcome.state === 'exists' ? 'claimed elsewhere' : outcome.error;
      if (outcome.state === 'failed') sc.run.actions.push({ kind: 'notice_failed', tenantCode: row.tenant_code, detail: `price_change: ${error}` });
      await noteError(sc, row, `Price change notice not sent yet: ${error}`);
    }
  });
}

async function dueMoves(sc: StepContext): Promise<void> {
  const { rows } = await sc.b.ctx.pool.query<DueRow>(`${DUE_SELECT} AND s.move_at <= $1 ORDER BY s.move_at, t.tenant_code`, [sc.now]);
  await sc.run.eachTenant('price-changes', rows, async (row) => {
    try {
      await moveOne(sc, row);
    } catch (error) {
      await noteError(sc, row, `Not moved yet: ${(error as Error).message}`);
      throw error;
    }
  });
  // An announcement whose tenants are all moved or skipped is done.
  const scheduleIds = [...new Set(rows.map((row) => row.schedule_id))];
  if (scheduleIds.length > 0) {
    await sc.b.ctx.pool.query(
      `UPDATE plan_move_schedules s SET state = 'done', finished_at = now()
        WHERE s.id = ANY($1::uuid[]) AND s.state = 'scheduled'
          AND NOT EXISTS (SELECT 1 FROM plan_move_schedule_tenants st WHERE st.schedule_id = s.id AND st.state = 'pending')`,
      [scheduleIds],
    );
  }
}

async function moveOne(sc: StepContext, row: DueRow): Promise<void> {
  const why = await stillConcerned(sc, row);
  if (why) return skip(sc, row, why);
  // Never moved unannounced: a notice that has not gone out holds the move (retried each run).
  if (row.notice_days > 0 && row.noticed_at === null) throw new AppError('INVALID_STATE', `its price change notice has not gone out yet, so its move waits for it`);
  const b = sc.b;
  const tenant = await getTenantRow(b.ctx.pool, row.tenant_code);
  const [from, to] = await Promise.all([planPrice(b, row.plan_code, row.from_version), planPrice(b, row.plan_code, row.to_version)]);
  const { rows: billingRows } = await b.ctx.pool.query<{ state: string; stripe_customer_id: string | null; stripe_subscription_id: string | null; current_period_start: Date | null; current_period_end: Date | null }>(
    'SELECT state, stripe_customer_id, stripe_subscription_id, current_period_start, current_period_end FROM tenant_billing WHERE tenant_id = $1',
    [row.tenant_id],
  );
  const billing = billingRows[0];
  const stripeMode = sc.settings.mode === 'stripe';
  if (stripeMode && billing?.stripe_subscription_id && isBillable(to)) {
    const target = { tenantId: row.tenant_id, tenantCode: row.tenant_code, customerId: billing.stripe_customer_id, subscriptionId: billing.stripe_subscription_id };
    // The schedule moved the price at the date; without one (or released meanwhile) it is changed now.
    if (await subscriptionPriceIs(b, billing.stripe_subscription_id, to)) await refreshStripeSubscription(b, target);
    else await changeStripePrice(b, target, to, sc.settings.prorationBehavior, sc.now);
  }
  if (tenant.plan_version !== row.to_version) {
    await changeTenantPlan(b.ctx, { ref: row.tenant_code, plan: row.plan_code, version: row.to_version, force: true, expectedVersion: tenant.version, reason: reasonFor(row.schedule_id) });
  }
  const credit = !stripeMode && billing && sc.settings.prorationBehavior !== 'none' ? oldPriceUntilTheDate(from, to, billing, row.move_at) : null;
  const recorded = await inTransaction(b.ctx.pool, async (client) => {
    const { rowCount } = await client.query(`UPDATE plan_move_schedule_tenants SET state = 'moved', moved_at = $3, last_error = NULL WHERE schedule_id = $1 AND tenant_id = $2 AND state = 'pending'`, [
      row.schedule_id,
      row.tenant_id,
      sc.now,
    ]);
    if (rowCount === 1 && credit) {
      await client.query(`INSERT INTO billing_pending_items (tenant_id, kind, description, amount_cents, created_by) VALUES ($1, 'proration', $2, $3, $4)`, [
        row.tenant_id,
        credit.description,
        credit.cents,
        b.ctx.operator,
      ]);
    }
    return rowCount === 1;
  });
  if (recorded) {
    await sc.run.act('price_change_applied', row.tenant_code, `${row.plan_code} v${row.from_version} → v${row.to_version} (${to.name}: announced price change)`, {
      scheduleId: row.schedule_id,
      fromVersion: row.from_version,
      toVersion: row.to_version,
      prorationCents: credit?.cents ?? 0,
    });
  }
}

/**
 * Manual mode bills a period in arrears at the plan the tenant is on when it ends, so the
 * period the move falls in would be billed at the new price throughout. The part before the
 * date is at the old price: (old − new) × the elapsed fraction, as a proration item on the
 * next invoice (the base price only, as every plan change here: per-unit lines follow usage).
 * Stripe does the same through the schedule's phase change (proration_behavior).
 */
function oldPriceUntilTheDate(from: PlanPrice, to: PlanPrice, billing: { state: string; current_period_start: Date | null; current_period_end: Date | null }, moveAt: Date): { cents: number; description: string } | null {
  const start = billing.current_period_start;
  const end = billing.current_period_end;
  if (!start || !end || end <= start || moveAt <= start || !['active', 'past_due'].includes(billing.state)) return null;
  const elapsed = Math.min(1, (moveAt.getTime() - start.getTime()) / (end.getTime() - start.getTime()));
  const scale = from.billing_interval === 'year' ? 12 : 1;
  const cents = Math.round(((monthlyEquivalent(from) ?? 0) - (monthlyEquivalent(to) ?? 0)) * scale * elapsed);
  if (cents === 0) return null;
  return {
    cents,
    description: `Price change on ${moveAt.toISOString().slice(0, 10)}: ${from.name} v${from.version} price for ${(elapsed * 100).toFixed(1)}% of the period`.slice(0, 300),
  };
}
