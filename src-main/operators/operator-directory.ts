import type pg from 'pg';
import { OPERATOR_GROUP_ROLES, OPERATOR_ROLES, type OperatorRole } from '../../src-shared/contract/operator-roles';
import type { Operator } from '../../src-shared/contract/operator-channels';
import { AppError } from '../base/app-error';
import { LOCK_NAMESPACE, LOCK_OPERATORS } from '../base/advisory-locks';
import { quoteIdent, quoteLiteral } from '../postgres/identifiers';
import { inTransaction } from '../postgres/pools';
import { generateTenantPassword, scramSha256VerifierAsync } from '../postgres/scram';
import type { PlatformContext } from '../platform/platform-context';

/**
 * The operators of one platform: the `operators` rows and the PostgreSQL login roles behind
 * them. Creating roles and granting CONNECT need privileges no operator role has, so this
 * runs on the console's own connections — only after dispatch asked PostgreSQL whether the
 * caller is an admin (authorize.ts). An operator's role is never stored: it is read from
 * PostgreSQL's memberships every time.
 */

/** Sessions one operator may hold on the server (console pools, psql): enough, but bounded. */
const OPERATOR_CONNECTION_LIMIT = 50;
export const ONE_TIME_PASSWORD_LENGTH = 24;

interface OperatorRow {
  name: string;
  db_role: string;
  role: OperatorRole | null;
  disabled_at: Date | null;
  must_change_password: boolean;
  last_sign_in_at: Date | null;
  created_at: Date;
  created_by: string | null;
  can_login: boolean | null;
}

/** The group role each operator's login role is directly a member of, as PostgreSQL has it. */
const OPERATOR_COLUMNS = /* sql */ `
  o.name, o.db_role, o.disabled_at, o.must_change_password, o.last_sign_in_at, o.created_at, o.created_by,
  r.rolcanlogin AS can_login,
  (SELECT CASE g.rolname ${OPERATOR_ROLES.map((role) => `WHEN '${OPERATOR_GROUP_ROLES[role]}' THEN '${role}'`).join(' ')} END
     FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
    WHERE m.member = r.oid AND g.rolname IN (${OPERATOR_ROLES.map((role) => `'${OPERATOR_GROUP_ROLES[role]}'`).join(', ')})
    ORDER BY array_position(ARRAY[${[...OPERATOR_ROLES].reverse().map((role) => `'${OPERATOR_GROUP_ROLES[role]}'`).join(', ')}]::text[], g.rolname::text)
    LIMIT 1) AS role`;

function toOperator(row: OperatorRow): Operator {
  return {
    name: row.name,
    dbRole: row.db_role,
    role: row.role,
    disabled: row.disabled_at !== null || row.can_login === false,
    mustChangePassword: row.must_change_password,
    lastSignInAt: row.last_sign_in_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
  };
}

export async function listOperators(pool: pg.Pool | pg.PoolClient): Promise<Operator[]> {
  const { rows } = await pool.query<OperatorRow>(
    `SELECT ${OPERATOR_COLUMNS} FROM operators o LEFT JOIN pg_catalog.pg_roles r ON r.rolname = o.db_role ORDER BY o.name`,
  );
  return rows.map(toOperator);
}

export async function findOperator(pool: pg.Pool | pg.PoolClient, name: string): Promise<Operator | null> {
  const { rows } = await pool.query<OperatorRow>(
    `SELECT ${OPERATOR_COLUMNS} FROM operators o LEFT JOIN pg_catalog.pg_roles r ON r.rolname = o.db_role WHERE o.name = $1`,
    [name],
  );
  return rows[0] ? toOperator(rows[0]) : null;
}

async function requireOperator(client: pg.PoolClient, name: string): Promise<Operator> {
  const operator = await findOperator(client, name);
  if (!operator) throw new AppError('NOT_FOUND', `No operator named ${name}.`);
  return operator;
}

/** The console-made login role name: tc_op_<name>, or with a suffix when another platform on this server took it. */
async function freeRoleName(client: pg.PoolClient, name: string): Promise<string> {
  const base = `tc_op_${name}`.slice(0, 56);
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const candidate = attempt === 0 ? base : `${base}_${Math.random().toString(16).slice(2, 6)}`;
    const taken = await client.query('SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1', [candidate]);
    if (taken.rowCount === 0) return candidate;
  }
  throw new AppError('CONFLICT', `Could not find a free role name for operator ${name}.`);
}

/** Enabled admins other than `name` (the last admin may not be demoted or disabled). */
async function otherEnabledAdmins(client: pg.PoolClient, name: string): Promise<number> {
  const operators = await listOperators(client);
  return operators.filter((operator) => operator.name !== name && operator.role === 'admin' && !operator.disabled).length;
}

/** Serialises operator changes on this platform (role grants on one catalog row would otherwise collide). */
async function withOperatorLock<T>(ctx: PlatformContext, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(ctx.pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, LOCK_OPERATORS]);
    return work(client);
  });
}

async function endSessionsOf(ctx: PlatformContext, dbRole: string): Promise<void> {
  await ctx.primary.adminPool.query('SELECT pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()', [dbRole]);
}

export interface AddedOperator {
  readonly operator: Operator;
  readonly password: string;
}

/**
 * Adds an operator: a login role with a generated one-time password (sent to PostgreSQL as
 * a SCRAM verifier, never in clear), member of one group role, CONNECT on this platform
 * database only. The row and the role appear together: a failure drops the role again.
 */
export async function addOperator(
  ctx: PlatformContext,
  input: { name: string; role: OperatorRole; createdBy: string | null; mustChangePassword?: boolean; password?: string },
): Promise<AddedOperator> {
  const password = input.password ?? generateTenantPassword(ONE_TIME_PASSWORD_LENGTH);
  const verifier = await scramSha256VerifierAsync(password);
  let createdRole: string | null = null;
  try {
    return await withOperatorLock(ctx, async (client) => {
      if (await findOperator(client, input.name)) throw new AppError('ALREADY_EXISTS', `An operator named ${input.name} already exists.`);
      const dbRole = await freeRoleName(client, input.name);
      const role = quoteIdent(dbRole, 'role name');
      await ctx.primary.adminPool.query(
        `CREATE ROLE ${role} LOGIN PASSWORD ${quoteLiteral(verifier)} NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION NOBYPASSRLS
           CONNECTION LIMIT ${OPERATOR_CONNECTION_LIMIT} IN ROLE ${quoteIdent(OPERATOR_GROUP_ROLES[input.role])}`,
      );
      createdRole = dbRole;
      await client.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${quoteIdent(ctx.platformDatabase, 'platform database name')} TO ${role}`);
      await client.query('INSERT INTO operators (name, db_role, must_change_password, created_by) VALUES ($1, $2, $3, $4)', [
        input.name,
        dbRole,
        input.mustChangePassword ?? true,
        input.createdBy,
      ]);
      return { operator: await requireOperator(client, input.name), password };
    });
  } catch (error) {
    if (createdRole) {
      await ctx.primary.adminPool.query(`DROP ROLE IF EXISTS ${quoteIdent(createdRole)}`).catch((dropError: unknown) => {
        ctx.logger.error({ err: dropError, role: createdRole }, 'could not drop the role of an operator that was not added');
      });
    }
    throw error;
  }
}

export async function setOperatorRole(ctx: PlatformContext, name: string, role: OperatorRole): Promise<Operator> {
  return withOperatorLock(ctx, async (client) => {
    const operator = await requireOperator(client, name);
    if (operator.role === role) return operator;
    if (operator.role === 'admin' && (await otherEnabledAdmins(client, name)) === 0) {
      throw new AppError('INVALID_STATE', `${name} is the last admin: make another operator an admin first.`);
    }
    const member = quoteIdent(operator.dbRole, 'role name');
    for (const groupRole of Object.values(OPERATOR_GROUP_ROLES)) {
      await ctx.primary.adminPool.query(`REVOKE ${quoteIdent(groupRole)} FROM ${member}`);
    }
    await ctx.primary.adminPool.query(`GRANT ${quoteIdent(OPERATOR_GROUP_ROLES[role])} TO ${member}`);
    return requireOperator(client, name);
  });
}

export async function setOperatorEnabled(ctx: PlatformContext, name: string, enabled: boolean): Promise<Operator> {
  return withOperatorLock(ctx, async (client) => {
    const operator = await requireOperator(client, name);
    if (!enabled && operator.role === 'admin' && (await otherEnabledAdmins(client, name)) === 0) {
      throw new AppError('INVALID_STATE', `${name} is the last admin and cannot be disabled: make another operator an admin first.`);
    }
    await ctx.primary.adminPool.query(`ALTER ROLE ${quoteIdent(operator.dbRole, 'role name')} ${enabled ? 'LOGIN' : 'NOLOGIN'}`);
    await client.query(`UPDATE operators SET disabled_at = ${enabled ? 'NULL' : 'now()'}, failed_sign_ins = 0 WHERE name = $1`, [name]);
    // NOLOGIN refuses new sessions only: the open ones (a console's pool, a psql) end now.
    if (!enabled) await endSessionsOf(ctx, operator.dbRole);
    return requireOperator(client, name);
  });
}

/** A new one-time password; the operator's open sessions end, and the next interactive sign-in asks for a new one. */
export async function resetOperatorPassword(ctx: PlatformContext, name: string, options: { mustChange?: boolean; password?: string } = {}): Promise<AddedOperator> {
  const password = options.password ?? generateTenantPassword(ONE_TIME_PASSWORD_LENGTH);
  const verifier = await scramSha256VerifierAsync(password);
  return withOperatorLock(ctx, async (client) => {
    const operator = await requireOperator(client, name);
    await ctx.primary.adminPool.query(`ALTER ROLE ${quoteIdent(operator.dbRole, 'role name')} PASSWORD ${quoteLiteral(verifier)}`);
    await client.query('UPDATE operators SET must_change_password = $2, failed_sign_ins = 0, last_failed_at = NULL WHERE name = $1', [name, options.mustChange ?? true]);
    await endSessionsOf(ctx, operator.dbRole);
    return { operator: await requireOperator(client, name), password };
  });
}

export async function countOperators(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM operators');
  return rows[0]?.n ?? 0;
}
