import pg from 'pg';
import type { Logger } from 'pino';
import { OPERATOR_GROUP_ROLES, OPERATOR_ROLES, type OperatorRole } from '../../src-shared/contract/operator-roles';
import type { OperatorSessionInfo } from '../../src-shared/contract/operator-channels';
import type { ServerEndpoint } from '../postgres/server-endpoint';
import { survivingLostConnections } from '../postgres/pools';

export type SignedInBy = OperatorSessionInfo['signedInBy'];

/**
 * How an operator reaches the platform database: over TCP with the operator's own role and
 * password, so PostgreSQL checks the password (SCRAM) and applies the role's grants. Never
 * the Unix socket: the embedded server maps local connections to its superuser.
 */
export function operatorClientConfig(endpoint: ServerEndpoint, database: string, dbRole: string, password: string): pg.ClientConfig {
  return {
    host: endpoint.publicHost,
    port: endpoint.port,
    user: dbRole,
    password,
    database,
    ...(endpoint.connection.ssl ? { ssl: endpoint.connection.ssl } : {}),
    application_name: 'tenant-console (operator)',
    connectionTimeoutMillis: 10_000,
  };
}

/**
 * One signed-in operator: a small pool of connections as the operator's own PostgreSQL role.
 * Every platform read and write of this operator's calls runs on it, and the question "may
 * this operator do X" is asked of PostgreSQL on it (pg_has_role), never of a flag.
 */
export class OperatorSession {
  readonly pool: pg.Pool;
  lastUsedAt = Date.now();
  #closed = false;
  #password: string;

  constructor(
    readonly operator: string,
    readonly dbRole: string,
    readonly signedInBy: SignedInBy,
    config: pg.ClientConfig,
    logger: Logger,
  ) {
    this.#password = typeof config.password === 'string' ? config.password : '';
    // Read at each new connection: after the operator changes their password, the pool's
    // next connections use the new one (the one-time password stops working at once).
    // As large as the console's own platform pool: a journaled operation holds one
    // connection for its lock while it works on others.
    this.pool = new pg.Pool({ ...config, password: () => this.#password, max: 10, idleTimeoutMillis: 30_000 });
    // A session the server ends (operator disabled, password reset) must not crash the process.
    survivingLostConnections(this.pool, (error) => logger.warn({ err: error, operator }, 'operator connection lost'));
  }

  /** The operator chose a new password (ALTER ROLE on this session's own connection): new connections use it. */
  passwordChanged(password: string): void {
    this.#password = password;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * One round trip: may this operator act as `needed` (pg_has_role over its memberships),
   * and which console role does it hold (for the audit trail and the refusal's wording)?
   */
  async check(needed: OperatorRole): Promise<{ allowed: boolean; role: OperatorRole | null }> {
    const names = [...OPERATOR_ROLES].reverse();
    const { rows } = await this.pool.query<Record<string, boolean>>(
      `SELECT pg_catalog.pg_has_role(current_user, $1, 'MEMBER') AS allowed,
              ${names.map((role, index) => `pg_catalog.pg_has_role(current_user, $${index + 2}, 'MEMBER') AS ${role}`).join(', ')}`,
      [OPERATOR_GROUP_ROLES[needed], ...names.map((role) => OPERATOR_GROUP_ROLES[role])],
    );
    const row = rows[0] ?? {};
    return { allowed: row.allowed === true, role: names.find((role) => row[role] === true) ?? null };
  }

  /**
   * check(), or an answer to the same question asked at most `maxAgeMs` ago (one in flight
   * is shared). For the tenant API's reads only (TENANT_API_TRUST_MS): a failed check is
   * never reused.
   */
  checkRecent(needed: OperatorRole, maxAgeMs: number): Promise<{ allowed: boolean; role: OperatorRole | null }> {
    const now = performance.now();
    const recent = this.#recentChecks.get(needed);
    if (recent && now - recent.askedAt < maxAgeMs) return recent.answer;
    const answer = this.check(needed);
    const entry = { askedAt: now, answer };
    this.#recentChecks.set(needed, entry);
    answer.catch(() => {
      if (this.#recentChecks.get(needed) === entry) this.#recentChecks.delete(needed);
    });
    return answer;
  }

  readonly #recentChecks = new Map<OperatorRole, { askedAt: number; answer: Promise<{ allowed: boolean; role: OperatorRole | null }> }>();

  /** The highest console role PostgreSQL says this operator holds (null: none — a role removed out of band). */
  async role(): Promise<OperatorRole | null> {
    const names = [...OPERATOR_ROLES].reverse();
    const { rows } = await this.pool.query<Record<string, boolean>>(
      `SELECT ${names.map((role, index) => `pg_catalog.pg_has_role(current_user, $${index + 1}, 'MEMBER') AS ${role}`).join(', ')}`,
      names.map((role) => OPERATOR_GROUP_ROLES[role]),
    );
    const row = rows[0] ?? {};
    this.lastKnownRole = names.find((role) => row[role] === true) ?? null;
    return this.lastKnownRole;
  }

  /** What PostgreSQL said last (shown while the server does not answer). */
  lastKnownRole: OperatorRole | null = null;

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.pool.end().catch(() => undefined);
  }
}
