/**
 * One `pg` pool per tenant, and a bound on how many exist. A tenant's pool is made on first
 * use with the connection coordinates from the resolver and the password the ERP stored
 * when the tenant was created (`credentialsFor`, asked on every new connection, so a rotated
 * password is picked up without a restart). At the bound, the least recently used idle pool
 * goes; when none is idle, the new tenant's request waits (up to connectTimeoutMs) rather
 * than strand another's. A pool unused for `poolIdleMs` is closed by a sweep.
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
  readonly #waiters: ((idle: boolean) => void)[] = [];
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

  /**
   * Checks out a connection to the tenant's database for `work`, returned afterwards
   * (destroyed if it broke). When every pool is busy and the bound is reached, waits up to
   * connectTimeoutMs for one to become idle, then throws PoolsBusyError.
   */
  async withClient<T>(tenantCode: string, connection: TenantConnection, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const entry = await this.#checkOut(tenantCode, connection);
    let client: pg.PoolClient;
    try {
      client = await entry.pool.connect();
    } catch (error) {
      this.#checkIn(entry);
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
      this.#checkIn(entry);
    }
  }

  /**
   * Closes the tenant's pool (its sessions end as soon as they are returned). With
   * `onlyIdle`, leaves a pool that requests are using or waiting on: ending it would strand them.
   */
  async drop(tenantCode: string, options: { onlyIdle?: boolean } = {}): Promise<void> {
    const entry = this.#entries.get(tenantCode);
    if (!entry || (options.onlyIdle && entry.checkedOut > 0)) return;
    this.#entries.delete(tenantCode);
    this.#wakeWaiters(); // room for a waiting tenant
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
    if (closed > 0) this.#wakeWaiters();
    return closed;
  }

  /** Closes everything; waits for checked-out connections to come back first. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweeper);
    for (const wake of this.#waiters.splice(0)) wake(false);
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    await Promise.all([...entries.map((entry) => this.#end(entry)), ...this.#closing]);
  }

  async #checkOut(tenantCode: string, connection: TenantConnection): Promise<PoolEntry> {
    const signature = signatureOf(connection);
    const deadline = Date.now() + this.#options.connectTimeoutMs;
    for (;;) {
      if (this.#closed) throw new Error('The tenant pools are closed.');
      const existing = this.#entries.get(tenantCode);
      if (existing && existing.signature === signature) {
        this.#entries.delete(tenantCode); // re-inserted last: the most recently used
        this.#entries.set(tenantCode, existing);
        existing.checkedOut += 1;
        existing.lastUsed = Date.now();
        return existing;
      }
      if (existing) {
        // The tenant moved (another server or database): its old pool goes; work in it finishes
        // (pg ends a pool once its clients are returned).
        this.#entries.delete(tenantCode);
        void this.#end(existing);
      }
      if (this.#entries.size < this.#options.maxPools || this.#evictIdle()) {
        const entry: PoolEntry = { pool: this.#makePool(tenantCode, connection), signature, lastUsed: Date.now(), checkedOut: 1 };
        this.#entries.set(tenantCode, entry);
        return entry;
      }
      // Every pool is in use. Ending a busy pool would strand the requests queued on it, so
      // this tenant waits for one to become idle instead.
      if (!(await this.#idleSignal(deadline))) throw new PoolsBusyError(this.#options.maxPools, this.#options.connectTimeoutMs);
    }
  }

  #checkIn(entry: PoolEntry): void {
    entry.checkedOut -= 1;
    entry.lastUsed = Date.now();
    if (entry.checkedOut === 0) this.#wakeWaiters();
  }

  #wakeWaiters(): void {
    for (const wake of this.#waiters.splice(0)) wake(true);
  }

  /** Resolves true when some pool becomes idle, false at the deadline. */
  #idleSignal(deadline: number): Promise<boolean> {
    const wait = deadline - Date.now();
    if (wait <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const at = this.#waiters.indexOf(wake);
        if (at >= 0) this.#waiters.splice(at, 1);
        resolve(false);
      }, wait);
      const wake = (idle: boolean) => {
        clearTimeout(timer);
        resolve(idle);
      };
      this.#waiters.push(wake);
    });
  }

  /** Ends the least recently used idle pool; false when every pool is in use. */
  #evictIdle(): boolean {
    for (const [code, entry] of this.#entries) {
      if (entry.checkedOut === 0) {
        this.#entries.delete(code);
        void this.#end(entry);
        return true;
      }
    }
    return false;
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

/** Every tenant pool was in use for the whole wait: the ERP is busier than maxPools allows. */
export class PoolsBusyError extends Error {
  override readonly name = 'PoolsBusyError';
  constructor(maxPools: number, waitedMs: number) {
    super(`All ${maxPools} tenant pools stayed busy for ${waitedMs} ms: raise maxPools or add ERP servers.`);
  }
}

function isConnectionBroken(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code.startsWith('57P') || code.startsWith('08');
  return error instanceof Error && /Connection terminated|connection error|not queryable/i.test(error.message);
}
