import { Writable } from 'node:stream';
import pg from 'pg';
import pino, { type Logger } from 'pino';
import { inject } from 'vitest';
import { openConsoleCore, type ConsoleCore } from '../../src-main/app/console-core';
import { clientConfig, endpointFromUrl } from '../../src-main/postgres/server-endpoint';
import type { ChannelName } from '../../src-shared/contract/channels';
import type { Result } from '../../src-shared/contract/errors';
import { OPERATOR_ROLES, type OperatorRole } from '../../src-shared/contract/operator-roles';
import { call } from './core-calls';

/**
 * Test helpers for operators: a console whose log lines are kept (a PostgreSQL permission
 * error behind an INTERNAL answer shows there), one signed-in operator per role, and plain
 * connections as an operator's own login role (what psql or a modified console would have).
 */

export interface CapturingCore {
  readonly core: ConsoleCore;
  /** Every log line the console wrote (warn and above), as JSON text. */
  readonly logLines: string[];
}

/** A logger that keeps its lines (warn and above) in `lines`. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, sink), lines };
}

export async function openCapturingCore(url: string, platformDatabase: string, env: NodeJS.ProcessEnv = {}): Promise<CapturingCore> {
  const { logger, lines: logLines } = capturingLogger();
  const core = await openConsoleCore({
    platformDatabase,
    mode: 'cli',
    databaseUrl: url,
    dataDir: inject('embeddedDataDir'),
    cacheFile: `${inject('embeddedDataDir')}/cache-${platformDatabase}.sqlite`,
    logger,
    reconcileOnStart: false,
    env,
  });
  return { core, logLines };
}

/** What PostgreSQL says when a grant is missing (SQLSTATE 42501 and its messages). */
export const PG_PERMISSION_ERROR = /42501|permission denied for (table|relation|function|sequence|schema|view|database|column)|must be (owner|superuser|member)|insufficient.privilege/i;

export interface SignedInOperator {
  readonly role: OperatorRole;
  readonly name: string;
  readonly password: string;
  readonly dbRole: string;
  /** The browser token of this operator's own session (host mode's per-tab sign-in). */
  readonly token: string;
}

/** Adds one operator per role (through the contract, as the local admin) and signs each in as a browser would. */
export async function signedInOperators(core: ConsoleCore, prefix: string): Promise<Record<OperatorRole, SignedInOperator>> {
  const operators = {} as Record<OperatorRole, SignedInOperator>;
  for (const role of OPERATOR_ROLES) {
    const added = await call(core, 'operators:add', { name: `${prefix}_${role}`, role });
    const { token } = await core.sessions.signIn({ operator: added.name, password: added.password, remember: false, local: false }, true);
    if (!token) throw new Error('A browser sign-in returned no token.');
    operators[role] = { role, name: added.name, password: added.password, dbRole: added.dbRole, token };
  }
  return operators;
}

/** A call as one operator, through the one dispatch every transport uses. */
export function callAs(core: ConsoleCore, operator: SignedInOperator, channel: ChannelName, input: unknown): Promise<Result<unknown>> {
  return core.dispatch(channel, input, { origin: 'test', browserToken: operator.token });
}

/** A plain connection as an operator's own login role, over TCP with its password (what psql would do). */
export async function operatorClient(url: string, database: string, dbRole: string, password: string): Promise<pg.Client> {
  const endpoint = endpointFromUrl(url);
  const client = new pg.Client({ host: endpoint.publicHost, port: endpoint.port, database, user: dbRole, password, ...(endpoint.connection.ssl ? { ssl: endpoint.connection.ssl } : {}) });
  await client.connect();
  return client;
}

/** The console's own (superuser) connection to a database of the server, for checks behind the scenes. */
export async function ownerClient(url: string, database: string): Promise<pg.Client> {
  const client = new pg.Client(clientConfig(endpointFromUrl(url), database));
  await client.connect();
  return client;
}

/**
 * Everything a refused call could have changed: every platform table but the audit log (a
 * refusal is audited), plus the server's roles, memberships and databases. Equal before and
 * after = nothing changed.
 */
export async function platformFingerprint(admin: pg.Client): Promise<Record<string, string>> {
  const { rows: tables } = await admin.query<{ name: string }>(
    "SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'audit_events' ORDER BY 1",
  );
  const fingerprint: Record<string, string> = {};
  for (const { name } of tables) {
    const { rows } = await admin.query<{ digest: string }>(`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM ${pg.escapeIdentifier(name)} t`);
    fingerprint[name] = rows[0]!.digest;
  }
  // Server-wide catalogs, narrowed to this platform's roles and databases (other test files share the server).
  const server = await admin.query<{ roles: string; members: string; databases: string }>(`
    WITH mine AS (SELECT db_role AS rolname FROM tenants UNION SELECT db_role FROM operators),
         my_databases AS (SELECT database_name AS datname FROM tenants UNION SELECT current_database())
    SELECT (SELECT string_agg(a.rolname || ':' || a.rolcanlogin || ':' || coalesce(a.rolpassword, ''), ',' ORDER BY a.rolname) FROM pg_authid a JOIN mine USING (rolname)) AS roles,
           (SELECT string_agg(m.roleid::regrole::text || '>' || m.member::regrole::text, ','
                              -- inside an aggregate, ORDER BY 1 sorts by the constant 1 (no order at all)
                              ORDER BY m.roleid::regrole::text, m.member::regrole::text)
              FROM pg_auth_members m WHERE m.member::regrole::text IN (SELECT quote_ident(rolname) FROM mine)) AS members,
           (SELECT string_agg(d.datname || ':' || coalesce(d.datacl::text, ''), ',' ORDER BY d.datname) FROM pg_database d JOIN my_databases USING (datname)) AS databases`);
  Object.assign(fingerprint, server.rows[0]);
  return fingerprint;
}
