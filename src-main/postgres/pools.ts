import pg from 'pg';
import type { Logger } from 'pino';
import { AppError } from '../base/app-error';
import { pgErrorCode } from './errors';
import { clientConfig, type ServerEndpoint } from './server-endpoint';

/**
 * Every console session inside a tenant database gives up instead of waiting on the
 * tenant: a tenant holding a lock (LOCK TABLE …, or an open transaction on a counters row)
 * must never stall the console. The timeouts travel in the start-up packet (no extra round
 * trip). Long work (backup, export, restore, migrations) lifts the statement timeout but
 * keeps the lock timeout: it may run long, but never waits on the tenant.
 */
export interface TenantSessionTimeouts {
  /** Waiting for a lock (SET lock_timeout); 0 would mean forever and is not offered. */
  readonly lockMs: number;
  /** One statement (SET statement_timeout); 0 = no limit, for long COPY and migrations. */
  readonly statementMs: number;
}

/**
 * The application_name of the console's pooled check-limit connections in tenant databases
 * (plans/check-limit.ts): an in-place restore ends them before it renames the tenant's
 * database (backup/restore-settle.ts), as it ends the tenant's own sessions.
 */
export const CHECK_LIMIT_APPLICATION = 'tenant-console-check-limit';

export const TENANT_SESSION_TIMEOUTS: TenantSessionTimeouts = { lockMs: 5_000, statementMs: 60_000 };
/** For backup, export, restore and migrations: as long as the data takes, never blocked by the tenant. */
export const LONG_TENANT_WORK: TenantSessionTimeouts = { lockMs: TENANT_SESSION_TIMEOUTS.lockMs, statementMs: 0 };

const LOCK_NOT_AVAILABLE = '55P03';
const QUERY_CANCELED = '57014';

/** A timeout inside a tenant database, as one clear per-tenant error (never an INTERNAL stack). */
function tenantTimeoutError(error: unknown, database: string, timeouts: TenantSessionTimeouts): AppError | null {
  const code = pgErrorCode(error);
  if (code === LOCK_NOT_AVAILABLE) {
    return new AppError(
      'CONFLICT',
      `The database ${database} is locked by one of its own sessions: the console gave up after ${timeouts.lockMs / 1000} s. Try again later, or suspend the tenant (suspension ends its sessions first).`,
      { cause: error },
    );
  }
  if (code === QUERY_CANCELED && timeouts.statementMs > 0) {
    return new AppError('CONFLICT', `The database ${database} did not finish the console's statement within ${timeouts.statementMs / 1000} s; try again later.`, { cause: error });
  }
  return null;
}

// Return int8 (counts, sizes) as numbers: the console's figures stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function createPool(endpoint: ServerEndpoint, database: string, logger: Logger, max = 10): pg.Pool {
  const pool = new pg.Pool({ ...clientConfig(endpoint, database), max, idleTimeoutMillis: 30_000 });
  return survivingLostConnections(pool, (error) => logger.warn({ err: error, database }, 'postgres connection lost'));
}

/**
 * A connection the server ends (a restart, an outage, pg_terminate_backend) must not crash
 * the process, whether it sits idle in the pool or is checked out between two queries (a
 * journaled operation holding its advisory lock): node-postgres reports the first through
 * the pool's 'error' event and the second only through the client's own, and an 'error'
 * event without a listener is an uncaught exception. The next query on it reports the loss.
 */
export function survivingLostConnections(pool: pg.Pool, onLost: (error: Error) => void = () => undefined): pg.Pool {
  pool.on('error', onLost);
  pool.on('connect', (client) => client.on('error', onLost));
  return pool;
}

/**
 * A short-lived connection to one database (a tenant's), closed whatever happens, with the
 * tenant-session timeouts above. With `waitForClose: false` the result is returned while
 * the goodbye is still in flight — for hot paths where nothing needs the database free of
 * connections afterwards.
 */
export async function withClient<T>(
  endpoint: ServerEndpoint,
  database: string,
  work: (client: pg.Client) => Promise<T>,
  options: { waitForClose?: boolean; timeouts?: TenantSessionTimeouts } = {},
): Promise<T> {
  const timeouts = options.timeouts ?? TENANT_SESSION_TIMEOUTS;
  const client = new pg.Client({ ...clientConfig(endpoint, database), lock_timeout: timeouts.lockMs, statement_timeout: timeouts.statementMs });
  // A session the tenant's side ends (or a server restart) must not crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } catch (error) {
    throw tenantTimeoutError(error, database, timeouts) ?? error;
  } finally {
    const closing = client.end().catch(() => undefined);
    if (options.waitForClose ?? true) await closing;
  }
}

export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
