import type pg from 'pg';
import type Stripe from 'stripe';
import type { BillingContext } from '../billing-context';
import { inTransaction } from '../../postgres/pools';
import { chargeAutomaticallyWhenPossible } from './stripe-collection';
import { upsertStripeInvoice } from './stripe-invoices';
import { readPaymentMethod, type PaymentMethodInfo } from './stripe-payment-method';
import { subscriptionColumns } from './stripe-status';

export type EventVia = 'poll' | 'webhook';

export interface AppliedEvent {
  /** false: already applied (by id), by a poll or a webhook. */
  readonly applied: boolean;
  /** The tenant it concerned (null: a customer the console does not know, or no customer). */
  readonly tenantCode: string | null;
}

const PAYMENT_METHOD_EVENTS = new Set(['payment_method.attached', 'payment_method.detached', 'customer.updated']);

/** The Stripe customer an event is about, when it has one. */
function customerOf(event: Stripe.Event): string | null {
  const object = event.data.object as { object?: string; id?: string; customer?: unknown };
  if (object.object === 'customer') return object.id ?? null;
  if (event.type === 'payment_method.detached') {
    const previous = (event.data.previous_attributes as { customer?: unknown } | undefined)?.customer;
    if (typeof previous === 'string') return previous;
  }
  const customer = object.customer;
  if (typeof customer === 'string') return customer;
  if (customer && typeof customer === 'object' && 'id' in customer) return String((customer as { id: string }).id);
  return null;
}

async function tenantFor(db: Pick<pg.ClientBase, 'query'>, customerId: string | null): Promise<{ id: string; tenant_code: string; stripe_subscription_id: string | null } | null> {
  if (!customerId) return null;
  const { rows } = await db.query<{ id: string; tenant_code: string; stripe_subscription_id: string | null }>(
    'SELECT t.id, t.tenant_code, tb.stripe_subscription_id FROM tenant_billing tb JOIN tenants t ON t.id = tb.tenant_id WHERE tb.stripe_customer_id = $1',
    [customerId],
  );
  return rows[0] ?? null;
}

/**
 * Applies one Stripe event exactly once (its id in stripe_events, in the same transaction as
 * its effect). Polling also moves the cursor in that transaction. An event about a customer
 * the console does not know is recorded and skipped, not an error; so is an unknown type.
 */
export async function applyStripeEvent(b: BillingContext, stripe: Stripe, event: Stripe.Event, via: EventVia): Promise<AppliedEvent> {
  const customerId = customerOf(event);
  const known = await tenantFor(b.ctx.pool, customerId);
  const seen = await b.ctx.pool.query('SELECT 1 FROM stripe_events WHERE event_id = $1', [event.id]);
  if (seen.rowCount) {
    if (via === 'poll') await moveCursor(b.ctx.pool, b, event);
    return { applied: false, tenantCode: known?.tenant_code ?? null };
  }
  // Read live Stripe data before the transaction: no network call while rows are locked.
  const paymentMethod: PaymentMethodInfo | null = known && customerId && PAYMENT_METHOD_EVENTS.has(event.type) ? await readPaymentMethod(stripe, customerId) : null;

  const result = await inTransaction(b.ctx.pool, async (client) => {
    const object = event.data.object as { id?: string };
    const inserted = await client.query(
      `INSERT INTO stripe_events (event_id, type, created, object_id, tenant_id, via) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING`,
      [event.id, event.type, new Date(event.created * 1000), object.id ?? null, known?.id ?? null, via],
    );
    if (via === 'poll') await moveCursor(client, b, event);
    if (inserted.rowCount === 0) return { applied: false, tenantCode: known?.tenant_code ?? null };
    if (known) await applyToTenant(client, known, event, paymentMethod);
    return { applied: true, tenantCode: known?.tenant_code ?? null };
  });
  // A customer billed by invoice who now has a card is charged automatically from here on.
  if (result.applied && known && customerId && paymentMethod?.present) {
    await chargeAutomaticallyWhenPossible(b, stripe, known, customerId).catch(async (error: unknown) => {
      b.ctx.logger.warn({ err: error, tenant: known.tenant_code }, 'switching a Stripe subscription to automatic collection failed');
      await b.ctx.pool.query('UPDATE tenant_billing SET last_error = $2, updated_at = now() WHERE tenant_id = $1', [known.id, `Stripe: ${(error as Error).message}`.slice(0, 1000)]);
    });
  }
  return result;
}

async function moveCursor(db: Pick<pg.ClientBase, 'query'>, b: BillingContext, event: Stripe.Event): Promise<void> {
  await db.query('UPDATE stripe_sync_state SET last_event_id = $1, last_event_at = $2, last_synced_at = $3, last_error = NULL', [event.id, new Date(event.created * 1000), b.clock.now()]);
}

async function applyToTenant(client: pg.PoolClient, tenant: { id: string; stripe_subscription_id: string | null }, event: Stripe.Event, paymentMethod: PaymentMethodInfo | null): Promise<void> {
  switch (event.type) {
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted':
    case 'customer.subscription.trial_will_end':
    case 'customer.subscription.paused':
    case 'customer.subscription.resumed': {
      const c = subscriptionColumns(event.data.object);
      // A subscription the tenant no longer has (replaced after a cancellation) changes nothing.
      await client.query(
        `UPDATE tenant_billing
            SET stripe_subscription_id = $2, stripe_subscription_status = $3, state = $4,
                -- A downgrade waiting for this period's end keeps the period until the lifecycle applies it.
                current_period_start = CASE WHEN pending_plan_code IS NOT NULL AND $5::timestamptz >= current_period_end THEN current_period_start ELSE COALESCE($5, current_period_start) END,
                current_period_end = CASE WHEN pending_plan_code IS NOT NULL AND $5::timestamptz >= current_period_end THEN current_period_end ELSE COALESCE($6, current_period_end) END,
                cancel_at_period_end = $7, last_error = NULL, updated_at = now()
          WHERE tenant_id = $1 AND (stripe_subscription_id IS NULL OR stripe_subscription_id = $2)`,
        [tenant.id, c.subscriptionId, c.status, c.state, c.periodStart, c.periodEnd, c.cancelAtPeriodEnd],
      );
      return;
    }
    case 'payment_method.attached':
    case 'payment_method.detached':
    case 'customer.updated':
      if (paymentMethod) {
        await client.query('UPDATE tenant_billing SET payment_method_present = $2, payment_method_label = $3, updated_at = now() WHERE tenant_id = $1', [
          tenant.id,
          paymentMethod.present,
          paymentMethod.label,
        ]);
      }
      return;
    default:
      if (event.type.startsWith('invoice.') && event.type !== 'invoice.upcoming' && event.type !== 'invoice.deleted' && (event.data.object as { object?: string }).object === 'invoice') {
        await upsertStripeInvoice(client, tenant.id, event.data.object as Stripe.Invoice);
      }
  }
}
