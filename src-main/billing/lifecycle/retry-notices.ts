import type { NoticeKind } from '../../../src-shared/contract/billing-models';
import { smtpConfigured } from '../notices/mailer';
import { loadNoticeFacts } from '../notices/notice-facts';
import { renderNotice, type LifecycleNoticeKind, type NoticeExtra } from '../notices/notice-templates';
import { deliverNotice } from '../notices/send-notice';
import { NOTICE_CONCURRENCY, type StepContext } from './step-context';

export const MAX_NOTICE_ATTEMPTS = 5;
const RETRY_BATCH = 500;
const RETRIED_KINDS: readonly LifecycleNoticeKind[] = ['welcome', 'trial_ending', 'trial_ended', 'payment_failed', 'suspended', 'reactivated', 'limit_warning', 'limit_reached'];

/**
 * Step 12. Notices still pending (SMTP was not configured, or a crash came between the claim
 * and the send) or failed fewer than 5 times are sent again — re-rendered from the tenant's
 * current facts, with the same Message-ID. Notices claimed in this run wait for the next.
 */
export async function retryNotices(sc: StepContext): Promise<void> {
  if (!smtpConfigured(sc.settings.smtp)) return;
  const { rows } = await sc.b.ctx.pool.query<{ idempotency_key: string; tenant_id: string; tenant_code: string; kind: NoticeKind }>(
    `SELECT n.idempotency_key, n.tenant_id, t.tenant_code, n.kind
       FROM billing_notices n JOIN tenants t ON t.id = n.tenant_id
      WHERE n.state <> 'sent' AND n.attempts < $1 AND n.kind = ANY($2::text[]) AND NOT (n.idempotency_key = ANY($3::text[]))
        -- A sign-up's welcome carries an invitation link only its own retry can make anew (src-main/signups).
        AND NOT (n.kind = 'welcome' AND EXISTS (SELECT 1 FROM signups s WHERE s.tenant_id = n.tenant_id))
      ORDER BY n.created_at LIMIT $4`,
    [MAX_NOTICE_ATTEMPTS, RETRIED_KINDS, [...sc.claimedKeys], RETRY_BATCH],
  );
  await sc.run.eachTenant('retry-notices', rows, async (row) => {
    const kind = row.kind as LifecycleNoticeKind;
    const facts = await loadNoticeFacts(sc.b.ctx.pool, row.tenant_id);
    const rendered = renderNotice(kind, facts, extraFromKey(row.idempotency_key));
    const outcome = await deliverNotice(sc.b, { idempotencyKey: row.idempotency_key, tenantId: row.tenant_id, tenantCode: row.tenant_code, kind, recipient: facts.recipient, ...rendered }, sc.mail);
    if (outcome.state === 'sent') sc.run.actions.push({ kind: 'notice_sent', tenantCode: row.tenant_code, detail: `${kind} to ${facts.recipient} (retry)` });
    else if (outcome.state === 'failed') sc.run.actions.push({ kind: 'notice_failed', tenantCode: row.tenant_code, detail: `${kind} (retry): ${outcome.error}` });
  }, NOTICE_CONCURRENCY);
}

/** A limit notice's key names its resource (limit_warning:<id>:<resource>:<month>); the figures are not kept, so a retry omits them. */
function extraFromKey(key: string): NoticeExtra {
  const [kind, , resource] = key.split(':');
  return kind === 'limit_warning' || kind === 'limit_reached' ? { resource } : {};
}
