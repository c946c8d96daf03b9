import { createHash, randomUUID } from 'node:crypto';
import { isStripeError, stripeCall } from './stripe-client';

/**
 * An idempotency key for creating one thing with these exact parameters: a retry of the same
 * request (the SDK's, or the next lifecycle run after a crash) replays Stripe's first answer,
 * while a request with other parameters — a replacement subscription, a customer whose name
 * changed — gets its own key. Stripe refuses a key reused with other parameters
 * (idempotency_error) and keys are global to the account, so the purpose is part of the key.
 */
export function createKey(purpose: string, owner: string, params: unknown): string {
  const digest = createHash('sha256').update(canonical(params)).digest('hex').slice(0, 16);
  return `tc-${purpose}-${owner}-${digest}`;
}

/** JSON with object keys sorted, so equal parameters always give the same key. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const isServerError = (error: unknown): boolean => {
  const cause = (error as { cause?: unknown }).cause ?? error;
  return isStripeError(cause) && (cause.type === 'StripeAPIError' || (cause.statusCode ?? 0) >= 500);
};

/**
 * Creates with `key`; on a 500 looks again before trying once more with a fresh key. Stripe
 * saves a 500 under its idempotency key and replays it to every retry for 24 hours, and a
 * 500 leaves it unknown whether the object was made: so the console looks it up (`lookup`,
 * a consistent list call) and only when nothing was made creates with a new key — instead of
 * retrying into the same saved 500 for a day.
 */
export async function createOnce<T>(what: string, key: string, create: (key: string) => Promise<T>, lookup: () => Promise<T | null>): Promise<T> {
  try {
    return await stripeCall(what, () => create(key));
  } catch (error) {
    if (!isServerError(error)) throw error;
    const found = await lookup();
    if (found !== null) return found;
    return stripeCall(what, () => create(`${key}-after-500-${randomUUID()}`));
  }
}
