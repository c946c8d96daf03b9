import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { endpointFromUrl } from '../../src-main/postgres/server-endpoint';

/**
 * Runs SQL the way a person with an operator's credentials would: the real `psql` binary
 * when this machine has one (PostgreSQL's client packages: /usr/lib/postgresql/<major>/bin),
 * else node-postgres speaking the same protocol — the test says which once.
 */

export interface SqlOutcome {
  readonly ok: boolean;
  /** Rows as psql prints them unaligned (`-A -t`), or node-postgres's rows joined the same way. */
  readonly output: string;
  /** PostgreSQL's error message ("ERROR:  permission denied for table tenants"). */
  readonly error: string;
}

export interface Login {
  readonly url: string;
  readonly database: string;
  readonly user: string;
  readonly password: string;
}

export function findPsql(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const majors = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const major of majors) {
    const binary = join(root, major, 'bin', 'psql');
    if (existsSync(binary)) return binary;
  }
  return null;
}

const PSQL = findPsql();
export const SQL_CLIENT = PSQL ? `psql (${PSQL})` : 'node-postgres (no psql binary on this machine)';

function runPsql(binary: string, login: Login, sql: string): Promise<SqlOutcome> {
  const endpoint = endpointFromUrl(login.url);
  return new Promise((resolve) => {
    execFile(
      binary,
      ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', endpoint.publicHost, '-p', String(endpoint.port), '-U', login.user, '-d', login.database, '-c', sql],
      // Never a password prompt; no ~/.pgpass or service file in the way.
      { env: { PATH: process.env.PATH ?? '', PGPASSWORD: login.password, PGCONNECT_TIMEOUT: '10', PGSSLMODE: 'prefer' }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ ok: !error, output: stdout.trim(), error: stderr.trim() }),
    );
  });
}

async function runNodePostgres(login: Login, sql: string): Promise<SqlOutcome> {
  const endpoint = endpointFromUrl(login.url);
  const client = new pg.Client({ host: endpoint.publicHost, port: endpoint.port, user: login.user, password: login.password, database: login.database, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const results = await client.query(sql);
    const last = Array.isArray(results) ? results[results.length - 1] : results;
    const rows = (last?.rows ?? []) as Record<string, unknown>[];
    return { ok: true, output: rows.map((row) => Object.values(row).map(String).join('|')).join('\n'), error: '' };
  } catch (error) {
    return { ok: false, output: '', error: `ERROR:  ${(error as Error).message}` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs `sql` as `login` (one session, stopping at the first error). */
export function sqlAs(login: Login, sql: string): Promise<SqlOutcome> {
  return PSQL ? runPsql(PSQL, login, sql) : runNodePostgres(login, sql);
}
