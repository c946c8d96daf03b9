import type pg from 'pg';
import { LOCK_OPERATIONS } from '../../src-main/base/advisory-locks';

/**
 * A SIGKILLed process's server sessions end a moment after the process does; until then
 * they still hold their operation locks (and reconcile rightly skips them). Wait for that.
 */
export async function waitForKilledSessionsToEnd(pool: pg.Pool): Promise<void> {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
        WHERE l.locktype = 'advisory' AND l.classid = $1 AND d.datname = current_database()`,
      [LOCK_OPERATIONS],
    );
    if (rows[0]!.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('operation locks of killed processes were not released');
}
