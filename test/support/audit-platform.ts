import type pg from 'pg';

/** This console's events as the platform holds them, in seq order. */
export async function platformEvents(pool: pg.Pool, consoleId: string): Promise<{ id: string; seq: number }[]> {
  const { rows } = await pool.query<{ id: string; seq: number }>('SELECT id::text AS id, seq FROM audit_events WHERE console_id = $1 ORDER BY seq', [consoleId]);
  return rows;
}
