import { setTimeout as delay } from 'node:timers/promises';
import type { BillingContext } from './billing-context';
import { readStoredBillingSettings } from './billing-settings';
import { smtpConfigured } from './notices/mailer';
import { noticeKeys } from './notices/notice-keys';
import { loadNoticeFacts } from './notices/notice-facts';
import { renderNotice } from './notices/notice-templates';
import { sendNoticeOnce } from './notices/send-notice';
import { enrollStripeTenantsDetailed } from './stripe/stripe-enroll';

/**
 * tenants:create waits at most this long for the enrolment and the welcome; what is still
 * going on then finishes in the background (its outcome is kept the same way).
 */
export const ON_CREATE_WAIT_MS = 15_000;

/**
 * Right after a tenant is created: its Stripe customer and subscription (Stripe mode), then
 * its welcome e-mail (SMTP configured) — what the next lifecycle run would do, done now.
 * Best effort: it never throws, so a create never fails because of it. A failure is logged
 * and kept where the lifecycle looks (tenant_billing.last_error for the enrolment, the
 * notice row for the welcome), and the next run retries it (enrolment of every tenant
 * without a subscription; retry-notices). With manual billing and no SMTP it only reads the
 * settings: nothing waits on the network.
 */
export async function onTenantCreated(b: BillingContext, tenantId: string, waitMs = ON_CREATE_WAIT_MS): Promise<void> {
  const work = enrolAndWelcome(b, tenantId).catch((error: unknown) => {
    b.ctx.logger.warn({ err: error, tenantId }, 'billing after tenant create failed; the next lifecycle run retries');
  });
  const timer = new AbortController();
  await Promise.race([work, delay(waitMs, undefined, { signal: timer.signal }).catch(() => undefined)]);
  timer.abort();
}

async function enrolAndWelcome(b: BillingContext, tenantId: string): Promise<void> {
  const settings = await readStoredBillingSettings(b.ctx.pool);
  if (settings.mode === 'stripe') {
    try {
      // Per-tenant failures are written to tenant_billing.last_error by the enrolment itself.
      const { actions, errors } = await enrollStripeTenantsDetailed(b, [tenantId]);
      for (const action of actions) {
        await b.audit.record({ action: `billing:${action.kind}`, tenant: action.tenantCode, details: { detail: action.detail, trigger: 'tenant_created' }, outcome: 'ok' });
      }
      for (const error of errors) b.ctx.logger.warn({ tenant: error.tenantCode, error: error.message }, 'Stripe enrolment at create failed; the next lifecycle run retries');
    } catch (error) {
      // No client at all (no key set): nothing was tried for the tenant; keep why on its row.
      const message = `Stripe enrolment: ${(error as Error).message}`.slice(0, 1000);
      await b.ctx.pool.query('UPDATE tenant_billing SET last_error = $2, updated_at = now() WHERE tenant_id = $1', [tenantId, message]);
      b.ctx.logger.warn({ err: error, tenantId }, 'Stripe enrolment at create failed; the next lifecycle run retries');
    }
  }
  // Without SMTP the lifecycle's welcome step sends it once SMTP is set (within 7 days of the create).
  if (!smtpConfigured(settings.smtp)) return;
  const facts = await loadNoticeFacts(b.ctx.pool, tenantId);
  const outcome = await sendNoticeOnce(b, { idempotencyKey: noticeKeys.welcome(tenantId), tenantId, tenantCode: facts.tenantCode, kind: 'welcome', recipient: facts.recipient, ...renderNotice('welcome', facts) });
  if (outcome.state === 'failed') b.ctx.logger.warn({ tenant: facts.tenantCode, error: outcome.error }, 'welcome e-mail at create failed; the next lifecycle run retries');
}
