/**
 * Which tenant is this request for, and where is its database? Asked of Tenant Console's
 * API (`GET /api/resolve`), cached briefly: an active tenant for `ttlMs`, a suspended,
 * cancelled or unknown one for `negativeTtlMs` (so a reactivation shows quickly), and never
 * longer than one request's patience (`timeoutMs`) is spent waiting on the API.
 *
 * A stale answer stands in for up to `staleIfErrorMs` while the API is unreachable: safe,
 * because the tenant database itself refuses a suspended tenant's role whatever the cache says.
 */
import { directoryUnavailable, noTenantInRequest, unknownTenant } from './answers.js';
import { LookupCache } from './lookup-cache.js';

export interface TenantConnection {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
}

export interface ResolvedTenant {
  readonly tenantCode: string;
  /** active | suspended | cancelled | provisioning | deleted | … (a newer console may add more) */
  readonly status: string;
  readonly plan: string;
  readonly subdomain: string;
  readonly connection: TenantConnection;
}

export interface TenantResolverOptions {
  /** The Tenant API's base URL, e.g. https://console.internal:8787 */
  readonly apiUrl: string;
  /** An API key with the `tenants:read` scope. */
  readonly apiKey: string;
  readonly ttlMs?: number;
  readonly negativeTtlMs?: number;
  readonly staleIfErrorMs?: number;
  readonly timeoutMs?: number;
  readonly maxEntries?: number;
  /** For tests and custom agents; defaults to the global fetch. */
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

export const RESOLVER_DEFAULTS = {
  ttlMs: 5_000,
  negativeTtlMs: 1_000,
  staleIfErrorMs: 60_000,
  timeoutMs: 2_000,
  maxEntries: 10_000,
} as const;

type Lookup =
  | { readonly found: true; readonly tenant: ResolvedTenant }
  /** invalid: the API refused the host or code itself (400), e.g. a tenant id in the wrong case. */
  | { readonly found: false; readonly invalid?: boolean };

const HOST_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const CODE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** A Host header's name alone: lower case, no port, no trailing dot; null if it is not a DNS name. */
export function normalizeHost(raw: string): string | null {
  const host = raw.trim().toLowerCase().replace(/:\d{1,5}$/, '').replace(/\.$/, '');
  return host.length <= 253 && HOST_PATTERN.test(host) ? host : null;
}

export function normalizeTenantCode(raw: string): string | null {
  const code = raw.trim();
  return CODE_PATTERN.test(code) ? code : null;
}

export class ResolverError extends Error {
  override readonly name = 'ResolverError';
}

export class TenantResolver {
  readonly #options: Required<Omit<TenantResolverOptions, 'fetch' | 'now'>>;
  readonly #fetch: typeof fetch;
  readonly #cache: LookupCache<Lookup>;
  readonly #base: URL;

  constructor(options: TenantResolverOptions) {
    this.#options = { ...RESOLVER_DEFAULTS, ...options };
    this.#fetch = options.fetch ?? fetch;
    this.#base = new URL(options.apiUrl);
    if (this.#base.protocol !== 'https:' && this.#base.protocol !== 'http:') throw new Error(`Tenant API URL must be http(s): ${options.apiUrl}`);
    if (!options.apiKey) throw new Error('The Tenant API key is empty.');
    this.#cache = new LookupCache({ maxEntries: this.#options.maxEntries, staleIfErrorMs: this.#options.staleIfErrorMs, ...(options.now ? { now: options.now } : {}) });
  }

  /** The tenant served at `host` (a Host header: port and case do not matter). Throws TenantKitError 400/404/503. */
  async byHost(host: string, options: { fresh?: boolean } = {}): Promise<ResolvedTenant> {
    const name = normalizeHost(host);
    if (!name) throw noTenantInRequest('The request names no valid host.');
    return this.#resolve(`host:${name}`, { host: name }, options);
  }

  /** The tenant with this code (an X-Tenant-ID header). Throws TenantKitError 400/404/503. */
  async byCode(code: string, options: { fresh?: boolean } = {}): Promise<ResolvedTenant> {
    const normalized = normalizeTenantCode(code);
    if (!normalized) throw noTenantInRequest('The tenant id is not valid.');
    return this.#resolve(`code:${normalized}`, { tenant_code: normalized }, options);
  }

  /** Forget what is cached for a tenant (both its code and its host), e.g. after a refused login. */
  forget(tenant: Pick<ResolvedTenant, 'tenantCode'> & { host?: string }): void {
    this.#cache.delete(`code:${tenant.tenantCode}`);
    if (tenant.host) {
      const name = normalizeHost(tenant.host);
      if (name) this.#cache.delete(`host:${name}`);
    }
  }

  clear(): void {
    this.#cache.clear();
  }

  async #resolve(key: string, query: Record<string, string>, options: { fresh?: boolean }): Promise<ResolvedTenant> {
    let lookup: Lookup;
    try {
      lookup = await this.#cache.get(key, () => this.#ask(query), (value) => this.#ttlOf(value), options);
    } catch (error) {
      throw directoryUnavailable(error);
    }
    if (!lookup.found) throw lookup.invalid ? noTenantInRequest('The request names no valid tenant.') : unknownTenant();
    return lookup.tenant;
  }

  #ttlOf(lookup: Lookup): number {
    return lookup.found && lookup.tenant.status === 'active' ? this.#options.ttlMs : this.#options.negativeTtlMs;
  }

  async #ask(query: Record<string, string>): Promise<Lookup> {
    const url = new URL('api/resolve', this.#base.href.endsWith('/') ? this.#base : `${this.#base.href}/`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const signal = AbortSignal.timeout(this.#options.timeoutMs);
    let response: Response;
    let body: unknown;
    try {
      response = await this.#fetch(url, { headers: { authorization: `Bearer ${this.#options.apiKey}`, accept: 'application/json' }, signal, redirect: 'error' });
      // The body is read under the same deadline: a server that sends headers and then stalls must not hang us.
      const text = await response.text();
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        body = undefined;
      }
    } catch (error) {
      const timedOut = signal.aborted;
      throw new ResolverError(timedOut ? `Tenant API did not answer within ${this.#options.timeoutMs} ms.` : `Tenant API unreachable: ${(error as Error).message}`, { cause: error });
    }
    if (response.status === 404) return { found: false };
    // The API's own check of the host or code is stricter than the kit's: the request's input, not an outage.
    if (response.status === 400) return { found: false, invalid: true };
    if (response.status !== 200) throw new ResolverError(`Tenant API answered ${response.status} to /api/resolve${describeError(body)}`);
    return { found: true, tenant: parseResolved(body) };
  }
}

function describeError(body: unknown): string {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return error && typeof error.message === 'string' ? `: ${String(error.code)} ${error.message}` : '';
}

/** The API's answer, checked field by field: a malformed one is an API failure, never a guess. */
export function parseResolved(body: unknown): ResolvedTenant {
  const object = (value: unknown, what: string): Record<string, unknown> => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ResolverError(`Tenant API: ${what} is not an object.`);
    return value as Record<string, unknown>;
  };
  const text = (from: Record<string, unknown>, field: string): string => {
    const value = from[field];
    if (typeof value !== 'string' || value.length === 0 || value.length > 255) throw new ResolverError(`Tenant API: ${field} is missing or not a string.`);
    return value;
  };
  const root = object(body, 'the answer');
  const connection = object(root.connection, 'connection');
  const port = connection.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) throw new ResolverError('Tenant API: connection.port is not a port.');
  const tenantCode = normalizeTenantCode(text(root, 'tenant_code'));
  if (!tenantCode) throw new ResolverError('Tenant API: tenant_code is not a tenant code.');
  return {
    tenantCode,
    status: text(root, 'status'),
    plan: text(root, 'plan'),
    subdomain: text(root, 'subdomain'),
    connection: { host: text(connection, 'host'), port, database: text(connection, 'database'), user: text(connection, 'user') },
  };
}
