import pg from 'pg';
import type { Logger } from 'pino';
import { clientConfig, type ServerEndpoint } from './server-endpoint';

// Return int8 (counts, sizes) as numbers: the console's figures stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function createPool(endpoint: ServerEndpoint, database: string, logger: Logger, max = 10): pg.Pool {
  const pool = new pg.Pool({ ...clientConfig(endpoint, database), max, idleTimeoutMillis: 30_000 });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', (error) => logger.warn({ err: error, database }, 'idle postgres client error'));
  return pool;
}

/**
 * A short-lived connection to one database (a tenant's), closed whatever happens. With
 * `waitForClose: false` the result is returned while the goodbye is still in flight — for
 * hot paths where nothing needs the database free of connections afterwards.
 */
export async function withClient<T>(
  endpoint: ServerEndpoint,
  database: string,
  work: (client: pg.Client) => Promise<T>,
  options: { waitForClose?: boolean } = {},
): Promise<T> {
  const client = new pg.Client(clientConfig(endpoint, database));
  await client.connect();
  try {
    return await work(client);
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
