import type { NoticeKind } from '../../../src-shared/contract/billing-models';
import { isAppError } from '../../base/app-error';
import type { BillingContext } from '../billing-context';
import { readStoredBillingSettings } from '../billing-settings';
import { messageIdFor, openMailer, SMTP_NOT_CONFIGURED, type Mailer } from './mailer';

export interface NoticeInput {
  readonly idempotencyKey: string;
  readonly tenantId: string | null;
  /** For the audit log; looked up from tenantId when not given. */
  readonly tenantCode?: string | null;
  readonly kind: NoticeKind;
  readonly recipient: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string | undefined;
}

/** exists: the key was claimed before (sent, or waiting for a retry): nothing was done now. */
export type NoticeOutcome = { state: 'sent'; messageId: string } | { state: 'failed'; error: string } | { state: 'pending'; error: string } | { state: 'exists' };

/**
 * The SMTP connection for a batch of notices (a lifecycle run): opened on the first send,
 * closed at the end. `mailer()` is null when SMTP is not configured.
 */
export class MailerSession {
  #opening: Promise<Mailer | null> | null = null;
  #from: Promise<string | null> | null = null;
  constructor(private readonly b: BillingContext) {}
  mailer(): Promise<Mailer | null> {
    return (this.#opening ??= openMailer(this.b));
  }
  from(): Promise<string | null> {
    return (this.#from ??= readStoredBillingSettings(this.b.ctx.pool).then((s) => s.smtp.from));
  }
  async close(): Promise<void> {
    const mailer = await this.#opening?.catch(() => null);
    mailer?.close();
  }
}

/**
 * Sends a notice once per idempotency key: INSERT … ON CONFLICT DO NOTHING claims the key
 * (a second caller, or a second run, gets 'exists' and does nothing), then the message goes
 * out with a Message-ID derived from the key and the row is marked sent or failed. SMTP not
 * configured: the row stays pending ("SMTP is not configured") for a later run to send.
 */
export async function sendNoticeOnce(b: BillingContext, input: NoticeInput, session?: MailerSession): Promise<NoticeOutcome> {
  const { rows } = await b.ctx.pool.query<{ idempotency_key: string }>(
    `INSERT INTO billing_notices (idempotency_key, tenant_id, kind, recipient, subject)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key`,
    [input.idempotencyKey, input.tenantId, input.kind, input.recipient, input.subject.slice(0, 500)],
  );
  if (rows.length === 0) return { state: 'exists' };
  const own = session ?? new MailerSession(b);
  try {
    return await deliverNotice(b, input, own);
  } finally {
    if (!session) await own.close();
  }
}

/** Sends a claimed notice (first try or a retry) and records the result on its row; audited. */
export async function deliverNotice(b: BillingContext, input: NoticeInput, session: MailerSession): Promise<NoticeOutcome> {
  const tenantCode = input.tenantCode !== undefined ? input.tenantCode : await tenantCodeOf(b, input.tenantId);
  const mailer = await session.mailer();
  if (!mailer) {
    await b.ctx.pool.query(`UPDATE billing_notices SET last_error = $2 WHERE idempotency_key = $1 AND state <> 'sent'`, [input.idempotencyKey, SMTP_NOT_CONFIGURED]);
    return { state: 'pending', error: SMTP_NOT_CONFIGURED };
  }
  const details = { kind: input.kind, idempotencyKey: input.idempotencyKey, recipient: input.recipient, subject: input.subject };
  const started = performance.now();
  try {
    const messageId = await mailer.send({
      messageId: messageIdFor(input.idempotencyKey, await session.from()),
      to: input.recipient,
      subject: input.subject,
      text: input.text,
      html: input.html,
    });
    await b.ctx.pool.query(
      `UPDATE billing_notices SET state = 'sent', attempts = attempts + 1, message_id = $2, sent_at = now(), last_error = NULL
        WHERE idempotency_key = $1`,
      [input.idempotencyKey, messageId],
    );
    await b.audit.record({ action: 'billing:notice_sent', tenant: tenantCode, details: { ...details, messageId }, outcome: 'ok', durationMs: Math.round(performance.now() - started) });
    return { state: 'sent', messageId };
  } catch (error) {
    const message = (error as Error).message.slice(0, 1000);
    await b.ctx.pool.query(`UPDATE billing_notices SET state = 'failed', attempts = attempts + 1, last_error = $2 WHERE idempotency_key = $1 AND state <> 'sent'`, [
      input.idempotencyKey,
      message,
    ]);
    await b.audit.record({
      action: 'billing:notice_failed',
      tenant: tenantCode,
      details: { ...details, error: message },
      outcome: isAppError(error) ? error.code : 'INTERNAL',
      durationMs: Math.round(performance.now() - started),
    });
    return { state: 'failed', error: message };
  }
}

async function tenantCodeOf(b: BillingContext, tenantId: string | null): Promise<string | null> {
  if (!tenantId) return null;
  const { rows } = await b.ctx.pool.query<{ tenant_code: string }>('SELECT tenant_code FROM tenants WHERE id = $1', [tenantId]);
  return rows[0]?.tenant_code ?? null;
}
