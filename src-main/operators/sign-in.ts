import pg from 'pg';
import { AppError } from '../base/app-error';
import { pgErrorCode } from '../postgres/errors';
import { scramPasswordMatches } from '../postgres/scram';
import type { PlatformContext } from '../platform/platform-context';
import { OperatorSession, operatorClientConfig, type SignedInBy } from './operator-session';

/** Wrong passwords in a row before sign-in slows down for that operator. */
export const FREE_ATTEMPTS = 5;
const MAX_WAIT_SECONDS = 300;

/** After the 5th wrong password: 2 s, then 4, 8 … up to 5 minutes between attempts. */
export function secondsToWait(failedInARow: number): number {
  if (failedInARow < FREE_ATTEMPTS) return 0;
  return Math.min(MAX_WAIT_SECONDS, 2 ** (failedInARow - FREE_ATTEMPTS + 1));
}

const INVALID_PASSWORD = '28P01';
const INVALID_AUTHORIZATION = '28000';
const WRONG = 'Wrong operator name or password.';

interface SignInRow {
  db_role: string;
  disabled_at: Date | null;
  failed_sign_ins: number;
  last_failed_at: Date | null;
  must_change_password: boolean;
}

async function recordFailure(ctx: PlatformContext, name: string): Promise<void> {
  await ctx.pool.query('UPDATE operators SET failed_sign_ins = failed_sign_ins + 1, last_failed_at = now() WHERE name = $1', [name]);
}

/**
 * Does the password match what PostgreSQL stores? Asked when the console's own role may
 * read pg_authid (a superuser), so a `trust` line in pg_hba.conf cannot let a wrong
 * password in. Elsewhere the server's own SCRAM exchange is the check.
 */
async function storedVerifierRefuses(ctx: PlatformContext, dbRole: string, password: string): Promise<boolean> {
  const readable = await ctx.pool.query<{ readable: boolean }>("SELECT has_table_privilege('pg_catalog.pg_authid', 'SELECT') AS readable");
  if (!readable.rows[0]?.readable) return false;
  const { rows } = await ctx.pool.query<{ rolpassword: string | null }>('SELECT rolpassword FROM pg_catalog.pg_authid WHERE rolname = $1', [dbRole]);
  return !(await scramPasswordMatches(password, rows[0]?.rolpassword ?? null));
}

/**
 * Signs an operator in: PostgreSQL checks the password by letting the operator's role
 * connect. PostgreSQL has no lockout, so the console slows guessing down: after five wrong
 * passwords in a row, the next attempt waits (doubling) — refused before any password is
 * tried. The platform's row records failures and the last sign-in (console connection).
 */
export async function signIn(
  ctx: PlatformContext,
  name: string,
  password: string,
  signedInBy: SignedInBy,
): Promise<{ session: OperatorSession; mustChangePassword: boolean }> {
  const { rows } = await ctx.pool.query<SignInRow>(
    'SELECT db_role, disabled_at, failed_sign_ins, last_failed_at, must_change_password FROM operators WHERE name = $1',
    [name],
  );
  const row = rows[0];
  // No password is a wrong one (the driver would otherwise fail in its SCRAM exchange, or a
  // `trust` line let it in): refused before PostgreSQL is asked, and counted like any other.
  if (row && password === '') await recordFailure(ctx, name);
  if (!row || password === '') throw new AppError('UNAUTHENTICATED', WRONG);
  if (row.disabled_at) throw new AppError('UNAUTHENTICATED', `The operator ${name} is disabled: ask an admin to enable it.`);
  const wait = secondsToWait(row.failed_sign_ins);
  if (wait > 0 && row.last_failed_at) {
    const left = Math.ceil((row.last_failed_at.getTime() + wait * 1000 - Date.now()) / 1000);
    if (left > 0) throw new AppError('UNAUTHENTICATED', `Too many wrong passwords for ${name}: try again in ${left} s.`);
  }

  const config = operatorClientConfig(ctx.primary.endpoint, ctx.platformDatabase, row.db_role, password);
  const probe = new pg.Client(config);
  probe.on('error', () => undefined);
  try {
    await probe.connect();
  } catch (error) {
    const code = pgErrorCode(error);
    if (code === INVALID_PASSWORD || code === INVALID_AUTHORIZATION) {
      await recordFailure(ctx, name);
      throw new AppError('UNAUTHENTICATED', code === INVALID_PASSWORD ? WRONG : `PostgreSQL refused ${name}: ${(error as Error).message}`);
    }
    throw error;
  } finally {
    await probe.end().catch(() => undefined);
  }
  if (await storedVerifierRefuses(ctx, row.db_role, password)) {
    await recordFailure(ctx, name);
    throw new AppError('UNAUTHENTICATED', WRONG);
  }
  await ctx.pool.query('UPDATE operators SET failed_sign_ins = 0, last_failed_at = NULL, last_sign_in_at = now() WHERE name = $1', [name]);
  return { session: new OperatorSession(name, row.db_role, signedInBy, config, ctx.logger), mustChangePassword: row.must_change_password };
}
