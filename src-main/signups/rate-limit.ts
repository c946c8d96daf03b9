import type pg from 'pg';
import { LOCK_SIGNUP_ATTEMPTS } from '../base/advisory-locks';
import { SignupRateLimitedError } from './signup-errors';

const WINDOW_MS = 60 * 60_000;

/**
 * Counts this request against its client address: at most `perHour` in any rolling hour.
 * Kept in the platform database (signup_attempts), so the limit holds across restarts and
 * across consoles; one transaction under a per-address advisory lock, so concurrent
 * requests from one address cannot all slip under the limit. Every request counts — a
 * refused one too — so probing subdomains is limited as well. Throws
 * SignupRateLimitedError with the seconds until the oldest attempt leaves the window.
 */
export async function admitSignupAttempt(pool: pg.Pool, clientAddress: string, perHour: number, now: Date): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_SIGNUP_ATTEMPTS, clientAddress]);
    const since = new Date(now.getTime() - WINDOW_MS);
    const { rows } = await client.query<{ n: number; oldest: Date | null }>(
      `SELECT count(*)::int AS n, min(attempted_at) AS oldest FROM signup_attempts WHERE client_address = $1 AND attempted_at > $2`,
      [clientAddress, since],
    );
    const { n, oldest } = rows[0]!;
    if (n >= perHour) {
      await client.query('COMMIT');
      const retryAfterMs = Math.max(1_000, (oldest?.getTime() ?? now.getTime()) + WINDOW_MS - now.getTime());
      throw new SignupRateLimitedError(perHour, Math.ceil(retryAfterMs / 1000));
    }
    await client.query('INSERT INTO signup_attempts (client_address, attempted_at) VALUES ($1, $2)', [clientAddress, now]);
    // Old attempts of this address go as it makes new ones (the onboarding job prunes the rest).
    await client.query('DELETE FROM signup_attempts WHERE client_address = $1 AND attempted_at <= $2', [clientAddress, since]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Attempts older than the window count for nobody: removed by the onboarding job. */
export async function pruneSignupAttempts(pool: pg.Pool, now: Date): Promise<number> {
  const { rowCount } = await pool.query('DELETE FROM signup_attempts WHERE attempted_at <= $1', [new Date(now.getTime() - WINDOW_MS)]);
  return rowCount ?? 0;
}
