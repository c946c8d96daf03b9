import type { JobAction } from '../../src-shared/contract/billing-models';
import { AppError } from '../base/app-error';
import { changeTenantPlan } from '../plans/plan-change';
import type { BillingContext } from './billing-context';
import { readStoredBillingSettings } from './billing-settings';
import { generateDueInvoices } from './invoices/invoice-generation';
import { refreshStripeSubscription } from './stripe/stripe-subscriptions';

interface DueRow {
  tenant_id: string;
  tenant_code: string;
  version: number;
  plan_code: string;
  plan_version: number;
  pending_plan_code: string;
  pending_plan_version: number;
  stripe_customer_id: string | null;
  stripe_subscription_id: string | null;
}

/**
 * Downgrades whose period has ended (by the billing clock) move the tenant's plan and limits
 * now; the lifecycle job calls this every run, BEFORE manual invoicing (which rolls the
 * period forward and so would hide that it ended; in manual mode this function invoices the
 * ended period itself first, at the old plan). Idempotent: a tenant already on the pending
 * plan (a crash between the two steps) only has its pending plan cleared. The operator
 * accepted the downgrade when asking for it, so usage above the new limits does not stop it
 * here (existing data stays; new inserts over a limit are refused).
 */
export async function applyDuePendingDowngradesDetailed(b: BillingContext): Promise<{ actions: JobAction[]; errors: { tenantCode: string; message: string }[] }> {
  const now = b.clock.now();
  const { rows } = await b.ctx.pool.query<DueRow>(
    `SELECT t.id AS tenant_id, t.tenant_code, t.version, t.plan_code, t.plan_version, tb.pending_plan_code, tb.pending_plan_version,
            tb.stripe_customer_id, tb.stripe_subscription_id
       FROM tenant_billing tb JOIN tenants t ON t.id = tb.tenant_id
      WHERE tb.pending_plan_code IS NOT NULL AND tb.current_period_end <= $1 AND t.status IN ('active', 'suspended')
      ORDER BY t.tenant_code`,
    [now],
  );
  if (rows.length === 0) return { actions: [], errors: [] };
  const mode = (await readStoredBillingSettings(b.ctx.pool)).mode;
  // Manual invoices are in arrears at the tenant's plan: the period that just ended is
  // invoiced (and rolled) at the higher plan first, then the plan moves. Idempotent: the
  // generator makes each period's invoice once, so a lifecycle that also runs it loses nothing.
  const actions: JobAction[] = mode === 'manual' ? await generateDueInvoices(b) : [];
  const errors: { tenantCode: string; message: string }[] = [];
  for (const row of rows) {
    try {
      actions.push(await applyOne(b, row, mode));
    } catch (error) {
      // One tenant's failure (its database down) does not hold back the others; the next run retries it.
      errors.push({ tenantCode: row.tenant_code, message: (error as Error).message });
      await b.ctx.pool.query('UPDATE tenant_billing SET last_error = $2, updated_at = now() WHERE tenant_id = $1', [row.tenant_id, `Downgrade not applied yet: ${(error as Error).message}`.slice(0, 1000)]).catch(() => undefined);
    }
  }
  return { actions, errors };
}

/** What the lifecycle calls: the actions; if a tenant failed, an error naming it (the others are applied, and it is retried next run). */
export async function applyDuePendingDowngrades(b: BillingContext): Promise<JobAction[]> {
  const { actions, errors } = await applyDuePendingDowngradesDetailed(b);
  if (errors.length > 0) {
    const applied = actions.length > 0 ? ` (applied for ${actions.map((a) => a.tenantCode).join(', ')})` : '';
    throw new AppError('INTERNAL', `Pending downgrades failed for ${errors.map((e) => `${e.tenantCode}: ${e.message}`).join('; ')}${applied}.`);
  }
  return actions;
}

async function applyOne(b: BillingContext, row: DueRow, mode: string): Promise<JobAction> {
  const target = `${row.pending_plan_code} v${row.pending_plan_version}`;
  if (row.plan_code !== row.pending_plan_code || row.plan_version !== row.pending_plan_version) {
    await changeTenantPlan(b.ctx, {
      ref: row.tenant_code,
      plan: row.pending_plan_code,
      version: row.pending_plan_version,
      force: true,
      expectedVersion: row.version,
      reason: 'Downgrade at the end of the billing period',
    });
  }
  await b.ctx.pool.query(
    `UPDATE tenant_billing SET pending_plan_code = NULL, pending_plan_version = NULL, last_error = NULL, updated_at = now()
      WHERE tenant_id = $1 AND pending_plan_code = $2 AND pending_plan_version = $3`,
    [row.tenant_id, row.pending_plan_code, row.pending_plan_version],
  );
  // The period the downgrade waited for is over: take the running one from Stripe.
  if (mode === 'stripe') await refreshStripeSubscription(b, { tenantId: row.tenant_id, tenantCode: row.tenant_code, customerId: row.stripe_customer_id, subscriptionId: row.stripe_subscription_id });
  return { kind: 'downgrade_applied', tenantCode: row.tenant_code, detail: `${row.plan_code} v${row.plan_version} → ${target}` };
}
