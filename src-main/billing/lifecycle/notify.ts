import { loadNoticeFacts } from '../notices/notice-facts';
import { renderNotice, type LifecycleNoticeKind, type NoticeExtra } from '../notices/notice-templates';
import { sendNoticeOnce } from '../notices/send-notice';
import type { StepContext } from './step-context';

/**
 * A lifecycle notice to the tenant's admin, once per key: rendered from the tenant's
 * current facts, sent in this run's SMTP session, and recorded as an action when it went
 * out or failed (an already claimed key does nothing; no SMTP leaves it pending).
 */
export async function notifyTenant(sc: StepContext, tenantId: string, kind: LifecycleNoticeKind, key: string, extra: NoticeExtra = {}): Promise<void> {
  const facts = await loadNoticeFacts(sc.b.ctx.pool, tenantId);
  const rendered = renderNotice(kind, facts, extra);
  sc.claimedKeys.add(key);
  const outcome = await sendNoticeOnce(
    sc.b,
    { idempotencyKey: key, tenantId, tenantCode: facts.tenantCode, kind, recipient: facts.recipient, ...rendered },
    sc.mail,
  );
  if (outcome.state === 'sent') sc.run.actions.push({ kind: 'notice_sent', tenantCode: facts.tenantCode, detail: `${kind} to ${facts.recipient}` });
  else if (outcome.state === 'failed') sc.run.actions.push({ kind: 'notice_failed', tenantCode: facts.tenantCode, detail: `${kind}: ${outcome.error}` });
}
