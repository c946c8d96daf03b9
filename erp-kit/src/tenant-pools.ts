/**
 * One `pg` pool per tenant, and a bound on how many exist. A tenant's pool is made on first
 * use with the connection coordinates from the resolver and the password the ERP stored
 * when the tenant was created (`credentialsFor`, asked on every new connection, so a rotated
 * password is picked up without a restart). Least recently used pools go when the bound is
 * reached (idle ones first); a pool unused for `poolIdleMs` is closed by a sweep.
 */
import pg from 'pg';
import type { TenantConnection } from './resolver.js';

/** The tenant role's password (the one `credentials.password` said when the tenant was created). */
export type TenantSecret = string | { readonly password: string };

export type CredentialsFor = (tenantCode: string) => TenantSecret | Promise<TenantSecret>;

export interface TenantPoolsOptions {
  readonly credentialsFor: CredentialsFor;
  /** At most this many tenants' pools at once. */
  readonly maxPools?: number;
  /** Connections per tenant; keep it under the plan's CONNECTION LIMIT divided by your ERP servers. */
  readonly maxConnectionsPerPool?: number;
  /** A pool nobody used for this long is closed. */
  readonly poolIdleMs?: number;
  /** An idle connection inside a pool is closed after this long. */
  readonly connectionIdleMs?: number;
  readonly connectTimeoutMs?: number;
  /** statement_timeout for every session (0: the server's default). */
  readonly statementTimeoutMs?: number;
  /** TLS options passed to pg as is. */
  readonly ssl?: pg.PoolConfig['ssl'];
  readonly applicationName?: string;
}

export const POOL_DEFAULTS = {
  maxPools: 100,
  maxConnectionsPerPool: 5,
  poolIdleMs: 60_000,
  connectionIdleMs: 10_000,
  connectTimeoutMs: 5_000,
  statementTimeoutMs: 0,
  applicationName: 'erp-kit',
} as const;

interface PoolEntry {
  readonly pool: pg.Pool;
  readonly signature: string;
  lastUsed: number;
  checkedOut: number;
}

const signatureOf = (c: TenantConnection) => `${c.host}\u0000${c.port}\u0000${c.database}\u0000${c.user}`;

export class TenantPools {
  readonly #options: Required<Omit<TenantPoolsOptions, 'ssl'>> & Pick<TenantPoolsOptions, 'ssl'>;
  /** Map order is recency order: a used entry is moved to the end. */
  readonly #entries = new Map<string, PoolEntry>();
  readonly #closing = new Set<Promise<void>>();
  readonly #sweeper: NodeJS.Timeout;
  #closed = false;

  constructor(options: TenantPoolsOptions) {
    this.#options = { ...POOL_DEFAULTS, ...options };
    if (this.#options.maxPools < 1) throw new Error('maxPools must be at least 1.');
    const every = Math.max(50, Math.min(10_000, Math.floor(this.#options.poolIdleMs / 2)));
    this.#sweeper = setInterval(() => this.sweepIdle(), every);
    this.#sweeper.unref(); // never keeps the ERP's process alive
  }

  /** How many tenant pools exist now. */
  get size(): number {
    return this.#entries.size;
  }

  /** The tenants whose pools are open, least recently used first. */
  tenants(): string[] {
    return [...this.#entries.keys()];
  }

  /** Checks out a connection to the tenant's database for `work`, returned afterwards (destroyed if it broke). */
  async withClient<T>(tenantCode: string, connection: TenantConnection, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const entry = this.#entryFor(tenantCode, connection);
    entry.checkedOut += 1;
    let client: pg.PoolClient;
    try {
      client = await entry.pool.connect();
    } catch (error) {
      entry.checkedOut -= 1;
      throw error;
    }
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (error) {
      // A session error (terminated, protocol) leaves the connection unusable: do not pool it.
      if (isConnectionBroken(error)) broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
      entry.checkedOut -= 1;
      entry.lastUsed = Date.now();
    }
  }

  /** Closes the tenant's pool (its sessions end as soon as they are returned). */
  async drop(tenantCode: string): Promise<void> {
    const entry = this.#entries.get(tenantCode);
    if (!entry) return;
    this.#entries.delete(tenantCode);
    await this.#end(entry);
  }

  /** Closes every pool not used for poolIdleMs and holding no checked-out connection. Returns how many. */
  sweepIdle(now = Date.now()): number {
    let closed = 0;
    for (const [code, entry] of this.#entries) {
      if (entry.checkedOut === 0 && now - entry.lastUsed >= this.#options.poolIdleMs) {
        this.#entries.delete(code);
        void this.#end(entry);
        closed += 1;
      }
    }
    return closed;
  }

  /** Closes everything; waits for checked-out connections to come back first. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweeper);
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    await Promise.all([...entries.map((entry) => this.#end(entry)), ...this.#closing]);
  }

  #entryFor(tenantCode: string, connection: TenantConnection): PoolEntry {
    if (this.#closed) throw new Error('The tenant pools are closed.');
    const signature = signatureOf(connection);
    const existing = this.#entries.get(tenantCode);
    if (existing && existing.signature === signature) {
      this.#entries.delete(tenantCode);
      this.#entries.set(tenantCode, existing);
      existing.lastUsed = Date.now();
      return existing;
    }
    if (existing) {
      // The tenant moved (another server or database): its old pool goes.
      this.#entries.delete(tenantCode);
      void this.#end(existing);
    }
    while (this.#entries.size >= this.#options.maxPools) this.#evictOne();
    const entry: PoolEntry = { pool: this.#makePool(tenantCode, connection), signature, lastUsed: Date.now(), checkedOut: 0 };
    this.#entries.set(tenantCode, entry);
    return entry;
  }

  /** The least recently used idle pool, else the least recently used one (it ends once its clients return). */
  #evictOne(): void {
    let victim: string | undefined;
    for (const [code, entry] of this.#entries) {
      if (entry.checkedOut === 0) {
        victim = code;
        break;
      }
    }
    victim ??= this.#entries.keys().next().value;
    if (victim === undefined) return;
    const entry = this.#entries.get(victim)!;
    this.#entries.delete(victim);
    void this.#end(entry);
  }

  #makePool(tenantCode: string, connection: TenantConnection): pg.Pool {
    const o = this.#options;
    const pool = new pg.Pool({
      host: connection.host,
      port: connection.port,
      database: connection.database,
      user: connection.user,
      // pg asks for the password on every new connection: a rotated one needs no restart.
      password: async () => {
        const secret = await o.credentialsFor(tenantCode);
        if (typeof secret === 'string' && secret.length > 0) return secret;
        if (typeof secret === 'object' && secret !== null && typeof secret.password === 'string' && secret.password.length > 0) return secret.password;
        throw new Error(`credentialsFor(${tenantCode}) returned no password: store the one the tenant was created with.`);
      },
      max: o.maxConnectionsPerPool,
      idleTimeoutMillis: o.connectionIdleMs,
      connectionTimeoutMillis: o.connectTimeoutMs,
      application_name: o.applicationName,
      ...(o.statementTimeoutMs > 0 ? { statement_timeout: o.statementTimeoutMs } : {}),
      ...(o.ssl === undefined ? {} : { ssl: o.ssl }),
    });
    // An idle connection ended by the server (a suspension terminates every session) is
    // reported here; without a listener the ERP's process would crash. The pool drops it.
    pool.on('error', () => undefined);
    return pool;
  }

  #end(entry: PoolEntry): Promise<void> {
    const ending = entry.pool.end().catch(() => undefined);
    this.#closing.add(ending);
    return ending.finally(() => this.#closing.delete(ending));
  }
}

function isConnectionBroken(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code.startsWith('57P') || code.startsWith('08');
  return error instanceof Error && /Connection terminated|connection error|not queryable/i.test(error.message);
}
