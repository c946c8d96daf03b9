import { createHash } from 'node:crypto';
import type { SmtpSettings } from '../../../src-shared/contract/billing-models';
import { SECRET_SMTP_PASSWORD, type BillingContext } from '../billing-context';
import { readStoredBillingSettings } from '../billing-settings';

/** One message as the notices send it: the Message-ID is decided by the caller (from the idempotency key). */
export interface OutgoingMail {
  readonly messageId: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string | undefined;
}

export interface Mailer {
  /** Resolves with the Message-ID sent; rejects with the SMTP server's answer. */
  send(mail: OutgoingMail): Promise<string>;
  close(): void;
}

export const SMTP_NOT_CONFIGURED = 'SMTP is not configured';

/** The SMTP settings are complete enough to send: a host and a From address. */
export function smtpConfigured(smtp: SmtpSettings): smtp is SmtpSettings & { host: string; from: string } {
  return Boolean(smtp.host) && Boolean(smtp.from);
}

/** True unless TLS is already on, the server is on loopback, or the operator allowed plaintext. */
export function mustUseTls(smtp: Pick<SmtpSettings, 'host' | 'secure' | 'allowPlaintext'>): boolean {
  return !smtp.secure && !smtp.allowPlaintext && !isLoopbackHost(smtp.host ?? '');
}

function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '');
  return name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
}

/**
 * A pooled nodemailer transport with the console's SMTP settings (the password from the
 * secret store, never from settings); null when SMTP is not configured. One per lifecycle
 * run, so a run with hundreds of notices keeps one connection open.
 */
export async function openMailer(b: BillingContext): Promise<Mailer | null> {
  const { smtp } = await readStoredBillingSettings(b.ctx.pool);
  if (!smtpConfigured(smtp)) return null;
  const password = smtp.username ? await b.secrets.get(SECRET_SMTP_PASSWORD) : null;
  // Loaded on first use: most processes (every CLI command but `jobs run`) send no mail.
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    // Never the password or a tenant's mail in clear to another machine: without TLS from
    // the first byte, STARTTLS is required (nodemailer refuses a server that does not offer
    // it) unless the server is on this machine or the operator opted out.
    requireTLS: mustUseTls(smtp),
    pool: true,
    // As many as the lifecycle's notice steps send at once.
    maxConnections: 4,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    ...(smtp.username ? { auth: { user: smtp.username, pass: password ?? '' } } : {}),
  });
  return {
    async send(mail) {
      const info = await transport.sendMail({
        from: smtp.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html ? { html: mail.html } : {}),
        messageId: mail.messageId,
      });
      return String(info.messageId ?? mail.messageId);
    },
    close() {
      transport.close();
    },
  };
}

/**
 * The same key always gives the same Message-ID, so a notice sent again after a crash
 * between sending and bookkeeping is recognisable (and de-duplicated by most mail systems).
 */
export function messageIdFor(idempotencyKey: string, from: string | null): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from ?? '')?.[1] ?? 'tenant-console.local';
  return `<notice.${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@${domain}>`;
}
