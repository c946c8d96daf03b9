import type { AuditService } from '../audit/audit-service';
import type { BackupContext } from '../backup/backup-context';
import type { PlatformContext } from '../platform/platform-context';
import type { SecretStore } from '../secrets/secret-store';
import type { Clock } from './clock';

/** Where the Stripe SDK sends its requests: api.stripe.com unless pointed elsewhere (the tests' fake). */
export interface StripeEndpoint {
  readonly host: string;
  readonly port: number;
  readonly protocol: 'http' | 'https';
}

/** What billing needs beyond the platform: secrets, the (injectable) clock, audit, and backups for suspensions. */
export interface BillingContext {
  readonly ctx: PlatformContext;
  readonly secrets: SecretStore;
  readonly clock: Clock;
  readonly audit: AuditService;
  /** Billing suspends and cancels through the backup-first path. */
  readonly backups: BackupContext;
  readonly dataDir: string;
  /** null: the real Stripe API (TENANT_CONSOLE_STRIPE_API_BASE overrides it). */
  readonly stripeEndpoint: StripeEndpoint | null;
}

/** Secret store names. Never written to settings, never sent to the renderer. */
export const SECRET_STRIPE_KEY = 'stripe-secret-key';
export const SECRET_STRIPE_WEBHOOK = 'stripe-webhook-secret';
export const SECRET_SMTP_PASSWORD = 'smtp-password';

/**
 * TENANT_CONSOLE_STRIPE_API_BASE (e.g. http://127.0.0.1:12111) points the Stripe SDK at a
 * Stripe-compatible endpoint: the test suite's fake, or stripe-mock.
 */
export function stripeEndpointFromEnvironment(env: NodeJS.ProcessEnv = process.env): StripeEndpoint | null {
  const raw = env.TENANT_CONSOLE_STRIPE_API_BASE?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`TENANT_CONSOLE_STRIPE_API_BASE must be a URL such as http://127.0.0.1:12111 (got "${raw}").`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('TENANT_CONSOLE_STRIPE_API_BASE must be an http or https URL.');
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443, protocol };
}
