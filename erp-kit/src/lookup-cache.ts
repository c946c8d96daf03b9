/**
 * A small cache for directory lookups: each entry lives for its own TTL, the cache holds at
 * most `maxEntries` (the oldest go first), concurrent lookups of one key share one request,
 * and an expired entry may still be served for a while when the lookup itself fails.
 */
export interface LookupCacheOptions {
  readonly maxEntries: number;
  /** How long past its TTL an entry may stand in when a fresh lookup fails. */
  readonly staleIfErrorMs: number;
  readonly now?: () => number;
}

interface Entry<V> {
  readonly value: V;
  readonly freshUntil: number;
  readonly usableUntil: number;
}

export class LookupCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #inFlight = new Map<string, Promise<V>>();
  readonly #options: LookupCacheOptions;
  readonly #now: () => number;

  constructor(options: LookupCacheOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * The cached value while fresh, else the value `load` returns (cached for the TTL that
   * `ttlOf` gives it). When `load` fails, a stale entry still within staleIfErrorMs is
   * returned instead; otherwise the failure is thrown and nothing is cached.
   */
  async get(key: string, load: () => Promise<V>, ttlOf: (value: V) => number, options: { fresh?: boolean } = {}): Promise<V> {
    const entry = this.#entries.get(key);
    const now = this.#now();
    if (!options.fresh && entry && entry.freshUntil > now) return entry.value;
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    const loading = this.#load(key, load, ttlOf, entry).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, loading);
    return loading;
  }

  async #load(key: string, load: () => Promise<V>, ttlOf: (value: V) => number, previous: Entry<V> | undefined): Promise<V> {
    let value: V;
    try {
      value = await load();
    } catch (error) {
      if (previous && previous.usableUntil > this.#now()) return previous.value;
      throw error;
    }
    const ttl = ttlOf(value);
    const now = this.#now();
    this.#entries.delete(key); // re-inserted last: Map order is age order
    if (ttl > 0) {
      this.#entries.set(key, { value, freshUntil: now + ttl, usableUntil: now + ttl + this.#options.staleIfErrorMs });
      while (this.#entries.size > this.#options.maxEntries) {
        const oldest = this.#entries.keys().next().value;
        if (oldest === undefined) break;
        this.#entries.delete(oldest);
      }
    }
    return value;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
