import type Stripe from 'stripe';
import { AppError } from '../../base/app-error';
import { SECRET_STRIPE_KEY, type BillingContext } from '../billing-context';
import { readStoredBillingSettings } from '../billing-settings';

/** Every Stripe request gives up after this long (then the SDK retries up to twice). */
const STRIPE_TIMEOUT_MS = 20_000;

// One client per key and endpoint: the SDK keeps its connection pool and telemetry there.
const clients = new Map<string, Stripe>();

/** The key is part of the cache key only; it is never logged or returned. */
function cacheKey(key: string, b: BillingContext): string {
  const endpoint = b.stripeEndpoint;
  return `${endpoint ? `${endpoint.protocol}://${endpoint.host}:${endpoint.port}` : 'api.stripe.com'}|${key}`;
}

/**
 * The SDK client for the key in the secret store (main process only; the API version is the
 * one the installed SDK pins). Refuses clearly when billing is manual or no key is set.
 */
export async function stripeClient(b: BillingContext, options: { requireStripeMode?: boolean } = {}): Promise<Stripe> {
  if (options.requireStripeMode !== false) {
    const settings = await readStoredBillingSettings(b.ctx.pool);
    if (settings.mode !== 'stripe') throw new AppError('INVALID_STATE', 'Billing is in manual mode: switch to Stripe mode (billing settings) to use Stripe.');
  }
  const key = await b.secrets.get(SECRET_STRIPE_KEY);
  if (key === null) throw new AppError('INVALID_STATE', 'No Stripe secret key is set: add it in the billing settings.');
  const id = cacheKey(key, b);
  let client = clients.get(id);
  if (!client) {
    const endpoint = b.stripeEndpoint;
    const { default: StripeSdk } = await loadStripeSdk();
    client = new StripeSdk(key, {
      maxNetworkRetries: 2,
      timeout: STRIPE_TIMEOUT_MS,
      telemetry: false,
      appInfo: { name: 'Tenant Console' },
      ...(endpoint ? { host: endpoint.host, port: endpoint.port, protocol: endpoint.protocol } : {}),
    });
    clients.set(id, client);
  }
  return client;
}

/**
 * Runs one Stripe call; any failure becomes an AppError saying which call failed and
 * Stripe's message (never the key: Stripe's own messages mask it, and we add nothing of it).
 */
export async function stripeCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toAppError(what, error);
  }
}

/**
 * The SDK is loaded on first use: it is large, and most console processes (every CLI
 * command, manual-mode consoles) never talk to Stripe.
 */
export const loadStripeSdk = () => import('stripe');

/** The fields every Stripe SDK error carries (the SDK is loaded lazily, so no instanceof). */
export interface StripeSdkError extends Error {
  readonly type: string;
  readonly code?: string | undefined;
  readonly statusCode?: number | undefined;
  readonly param?: string | undefined;
}

export function isStripeError(error: unknown): error is StripeSdkError {
  const type: unknown = error instanceof Error ? (error as Partial<Record<'type', unknown>>).type : undefined;
  return typeof type === 'string' && type.startsWith('Stripe');
}

export function toAppError(what: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isStripeError(error)) {
    // A missing object is resource_missing: 404 when it is the URL's, 400 when a parameter names it (items[0][price]).
    const missing = error.type === 'StripeInvalidRequestError' && (error.statusCode === 404 || error.code === 'resource_missing');
    const code = missing ? 'NOT_FOUND' : error.type === 'StripeCardError' ? 'INVALID_STATE' : 'INTERNAL';
    return new AppError(code, `Stripe: ${what} failed — ${redact(error.message)}`, { cause: error });
  }
  return new AppError('INTERNAL', `Stripe: ${what} failed — ${redact((error as Error).message ?? String(error))}`, { cause: error });
}

/** Stripe masks keys in its messages already; this catches anything that looks like one. */
export function redact(text: string): string {
  return text.replace(/\b(sk|rk)_(test|live)_[A-Za-z0-9*]+/g, '$1_$2_…').replace(/\bwhsec_[A-Za-z0-9]+/g, 'whsec_…');
}

/** Unix seconds, as Stripe wants times. */
export const unixSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);
export const fromUnix = (seconds: number | null | undefined): Date | null => (seconds === null || seconds === undefined ? null : new Date(seconds * 1000));
