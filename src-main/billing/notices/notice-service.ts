import { randomUUID } from 'node:crypto';
import type { Notice, NoticeKind } from '../../../src-shared/contract/billing-models';
import type { ChannelParsedInput } from '../../../src-shared/contract/channels';
import { AppError } from '../../base/app-error';
import { getTenantRow } from '../../tenants/tenant-queries';
import type { BillingContext } from '../billing-context';
import { readStoredBillingSettings } from '../billing-settings';
import { smtpConfigured } from './mailer';
import { sendNoticeOnce } from './send-notice';

/** A test message with the SMTP settings; it says nothing but that it is a test (never a secret). */
export async function sendTestEmail(b: BillingContext, to: string): Promise<{ messageId: string }> {
  const { smtp, seller } = await readStoredBillingSettings(b.ctx.pool);
  if (!smtpConfigured(smtp)) throw new AppError('INVALID_STATE', 'SMTP is not configured: set the SMTP host and the From address first.');
  const outcome = await sendNoticeOnce(b, {
    idempotencyKey: `test:${randomUUID()}`,
    tenantId: null,
    tenantCode: null,
    kind: 'test',
    recipient: to,
    subject: `${seller.name}: test e-mail from the Tenant Console`,
    text: `This is a test e-mail from the Tenant Console, sent through ${smtp.host}:${smtp.port}.\n\nIf you can read it, billing notices will reach your tenants.\n`,
  });
  if (outcome.state === 'sent') return { messageId: outcome.messageId };
  throw new AppError('INTERNAL', `The test e-mail was not sent: ${'error' in outcome ? outcome.error : 'unknown problem'}.`);
}

interface NoticeRow {
  idempotency_key: string;
  tenant_code: string | null;
  kind: NoticeKind;
  recipient: string;
  subject: string;
  state: Notice['state'];
  attempts: number;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

/** The newest notices, fleet-wide or one tenant's. */
export async function listNotices(b: BillingContext, input: ChannelParsedInput<'billing:notices'>): Promise<Notice[]> {
  const tenantId = input.ref ? (await getTenantRow(b.ctx.pool, input.ref)).id : null;
  const { rows } = await b.ctx.pool.query<NoticeRow>(
    `SELECT n.idempotency_key, t.tenant_code, n.kind, n.recipient, n.subject, n.state, n.attempts, n.last_error, n.created_at, n.sent_at
       FROM billing_notices n LEFT JOIN tenants t ON t.id = n.tenant_id
      WHERE $1::uuid IS NULL OR n.tenant_id = $1
      ORDER BY n.created_at DESC, n.idempotency_key
      LIMIT $2`,
    [tenantId, input.limit],
  );
  return rows.map((row) => ({
    idempotencyKey: row.idempotency_key,
    tenantCode: row.tenant_code,
    kind: row.kind,
    recipient: row.recipient,
    subject: row.subject,
    state: row.state,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
    sentAt: row.sent_at?.toISOString() ?? null,
  }));
}
