/**
 * Part of the tests' FAKE of an external service (Stripe's HTTP API). Idempotency keys as
 * Stripe documents them (docs.stripe.com/api/idempotent_requests and the guide
 * docs.stripe.com/idempotency):
 * - the status code and body of the first request made with a key are saved and replayed
 *   for a retry with that key, "including 500 errors" (with `Idempotent-Replayed: true`);
 * - "the idempotency layer compares incoming parameters to those of the original request
 *   and errors if they're not the same" — and a key names one request of the account, not
 *   one per endpoint: the same key on another endpoint is that error too;
 * - keys "can be removed from the system automatically after they're at least 24 hours
 *   old", and a key reused after that makes a new request;
 * - results are saved "only after the execution of an endpoint begins": a request refused
 *   because its parameters fail validation saves nothing, so a corrected retry with the
 *   same key runs;
 * - "all POST requests accept idempotency keys"; GET and DELETE "are idempotent by
 *   definition" and sending a key with them "has no effect".
 */

export const KEY_LIFETIME_SECONDS = 24 * 60 * 60;

export interface SavedResult {
  readonly method: string;
  readonly path: string;
  /** The parameters, in a canonical form (keys sorted), to compare a retry with. */
  readonly params: string;
  readonly savedAt: number;
  readonly status: number;
  readonly body: unknown;
}

export type Lookup =
  | { readonly kind: 'new' }
  | { readonly kind: 'replay'; readonly result: SavedResult }
  | { readonly kind: 'mismatch'; readonly message: string };

/** A stable text of parsed form parameters (object keys sorted at every level). */
export function canonicalParams(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalParams).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalParams((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The account's saved results, by key alone (not by path). */
export class IdempotencyStore {
  readonly #saved = new Map<string, SavedResult>();

  /** Whether `method` takes part at all: only POST does. */
  static applies(method: string): boolean {
    return method === 'POST';
  }

  lookup(key: string, request: { method: string; path: string; params: string }, now: number): Lookup {
    const saved = this.#saved.get(key);
    if (!saved) return { kind: 'new' };
    if (now - saved.savedAt >= KEY_LIFETIME_SECONDS) {
      this.#saved.delete(key);
      return { kind: 'new' };
    }
    if (saved.method !== request.method || saved.path !== request.path) {
      return {
        kind: 'mismatch',
        message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${saved.method} ${saved.path}'). Try using a key other than '${key}' if you meant to execute a different request.`,
      };
    }
    if (saved.params !== request.params) {
      return {
        kind: 'mismatch',
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      };
    }
    return { kind: 'replay', result: saved };
  }

  save(key: string, result: SavedResult): void {
    this.#saved.set(key, result);
  }

  get size(): number {
    return this.#saved.size;
  }
}
