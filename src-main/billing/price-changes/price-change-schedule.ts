import type { ChannelParsedInput } from '../../../src-shared/contract/channels';
import { PRICE_CHANGE_MAX_DAYS_AHEAD } from '../../../src-shared/contract/price-change-channels';
import type { PriceChangeSchedule } from '../../../src-shared/contract/price-change-models';
import { AppError } from '../../base/app-error';
import { inTransaction } from '../../postgres/pools';
import type { BillingContext } from '../billing-context';
import { readStoredBillingSettings } from '../billing-settings';
import { isBillable, planPrice } from '../billing-tenant';
import { DAY_MS } from '../lifecycle/step-context';
import { releaseStripePriceChange, scheduleStripePriceChange } from '../stripe/stripe-price-change';
import { getPriceChange } from './price-change-rows';

const day = (at: Date) => at.toISOString().slice(0, 10);

/**
 * Announces a move of the plan's tenants on older versions to its current version at `at`,
 * with a notice `noticeDays` before (by the billing clock, which must leave room for it).
 * The tenants are fixed now: they are the ones noticed, and only they are moved. In Stripe
 * mode each enrolled tenant's subscription gets a schedule that changes the price at the
 * date; a tenant Stripe would not schedule keeps the reason on its row, and the job changes
 * its price directly at the date.
 */
export async function schedulePriceChange(b: BillingContext, input: ChannelParsedInput<'priceChanges:schedule'>): Promise<PriceChangeSchedule> {
  const now = b.clock.now();
  const moveAt = new Date(input.at);
  const noticeAt = new Date(moveAt.getTime() - input.noticeDays * DAY_MS);
  if (moveAt.getTime() <= now.getTime()) throw new AppError('VALIDATION', `The move date must be in the future (the console's clock says ${now.toISOString()}).`);
  if (moveAt.getTime() > now.getTime() + PRICE_CHANGE_MAX_DAYS_AHEAD * DAY_MS) throw new AppError('VALIDATION', `The move date may be at most ${PRICE_CHANGE_MAX_DAYS_AHEAD} days ahead.`);
  if (noticeAt.getTime() < now.getTime()) {
    const earliest = new Date(now.getTime() + input.noticeDays * DAY_MS);
    throw new AppError('VALIDATION', `A ${input.noticeDays}-day notice would be due on ${day(noticeAt)}, which has passed: move on ${day(earliest)} or later, or give fewer notice days.`);
  }
  const target = await planPrice(b, input.code);
  const id = await inTransaction(b.ctx.pool, async (client) => {
    const open = await client.query<{ id: string; move_at: Date }>(`SELECT id, move_at FROM plan_move_schedules WHERE plan_code = $1 AND state = 'scheduled'`, [input.code]);
    if (open.rows[0]) {
      throw new AppError('CONFLICT', `Plan ${input.code} already has a scheduled price change (${open.rows[0].id}, on ${day(open.rows[0].move_at)}): cancel it first.`);
    }
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO plan_move_schedules (plan_code, to_version, move_at, notice_days, notice_at, reason, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [input.code, target.version, moveAt, input.noticeDays, noticeAt, input.reason ?? null, b.ctx.operator],
    );
    const scheduleId = rows[0]!.id;
    const added = await client.query(
      `INSERT INTO plan_move_schedule_tenants (schedule_id, tenant_id, from_version)
       SELECT $1, id, plan_version FROM tenants
        WHERE plan_code = $2 AND plan_version < $3 AND status NOT IN ('deleted', 'provisioning')`,
      [scheduleId, input.code, target.version],
    );
    if (added.rowCount === 0) throw new AppError('INVALID_STATE', `No tenant of plan ${input.code} is on a version older than v${target.version}: there is no price change to announce.`);
    return scheduleId;
  });
  const settings = await readStoredBillingSettings(b.ctx.pool);
  if (settings.mode === 'stripe' && isBillable(target)) await scheduleInStripe(b, id, target, moveAt, settings.prorationBehavior);
  return getPriceChange(b.ctx.pool, id);
}

async function scheduleInStripe(b: BillingContext, scheduleId: string, plan: { code: string; version: number }, moveAt: Date, behavior: Parameters<typeof scheduleStripePriceChange>[4]): Promise<void> {
  const { rows } = await b.ctx.pool.query<{ tenant_id: string; tenant_code: string; stripe_subscription_id: string }>(
    `SELECT st.tenant_id, t.tenant_code, tb.stripe_subscription_id
       FROM plan_move_schedule_tenants st JOIN tenants t ON t.id = st.tenant_id JOIN tenant_billing tb ON tb.tenant_id = st.tenant_id
      WHERE st.schedule_id = $1 AND tb.stripe_subscription_id IS NOT NULL ORDER BY t.tenant_code`,
    [scheduleId],
  );
  for (const row of rows) {
    try {
      const stripeScheduleId = await scheduleStripePriceChange(b, { scheduleId, tenantId: row.tenant_id, tenantCode: row.tenant_code, subscriptionId: row.stripe_subscription_id }, plan, moveAt, behavior);
      await b.ctx.pool.query('UPDATE plan_move_schedule_tenants SET stripe_schedule_id = $3, last_error = NULL WHERE schedule_id = $1 AND tenant_id = $2', [scheduleId, row.tenant_id, stripeScheduleId]);
    } catch (error) {
      // Not a failure of the announcement: the job changes this tenant's price at the date.
      await b.ctx.pool.query('UPDATE plan_move_schedule_tenants SET last_error = $3 WHERE schedule_id = $1 AND tenant_id = $2', [scheduleId, row.tenant_id, (error as Error).message.slice(0, 1000)]);
    }
  }
}

/**
 * Cancels an announcement before its date: Stripe schedules are released first (the
 * subscriptions keep their price); if one cannot be, the announcement stays scheduled and
 * the error says which (cancelling again finishes: released schedules count as done). Then
 * no notice goes out and nobody is moved. Notices already sent stay sent.
 */
export async function cancelPriceChange(b: BillingContext, id: string): Promise<PriceChangeSchedule> {
  const schedule = await getPriceChange(b.ctx.pool, id);
  if (schedule.state !== 'scheduled') throw new AppError('INVALID_STATE', `The price change ${id} is ${schedule.state === 'done' ? 'done' : 'already canceled'}.`);
  if (Date.parse(schedule.moveAt) <= b.clock.now().getTime()) {
    throw new AppError('INVALID_STATE', `The price change ${id} was due on ${schedule.moveAt.slice(0, 10)}: its moves are being applied, so it can no longer be canceled.`);
  }
  const failures: string[] = [];
  for (const tenant of schedule.tenants) {
    if (!tenant.stripeScheduleId || tenant.state !== 'pending') continue;
    try {
      await releaseStripePriceChange(b, tenant.stripeScheduleId);
    } catch (error) {
      failures.push(`${tenant.tenantCode}: ${(error as Error).message}`);
    }
  }
  if (failures.length > 0) {
    throw new AppError('INTERNAL', `The price change ${id} is still scheduled: Stripe did not release ${failures.join('; ')}. Cancel again to finish.`);
  }
  const { rowCount } = await b.ctx.pool.query(
    `UPDATE plan_move_schedules SET state = 'canceled', canceled_by = $2, canceled_at = now() WHERE id = $1 AND state = 'scheduled'`,
    [id, b.ctx.operator],
  );
  if (rowCount === 0) throw new AppError('CONFLICT', `The price change ${id} changed meanwhile: look at it again.`);
  return getPriceChange(b.ctx.pool, id);
}
