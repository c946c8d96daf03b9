import type pg from 'pg';
import type { AuditFilters, AuditPage } from '../../src-shared/contract/audit-models';
import { AppError } from '../base/app-error';
import { LOCK_AUDIT_PUSH } from '../base/advisory-locks';
import type { StoredAuditEvent } from './audit-event';
import { ChainChecker, type ChainReport } from './chain-verify';
import type { LocalAuditStore } from './local-audit-store';

/** Test-only fault injection: SIGKILL the process inside a push ('before-commit' | 'after-commit'). */
export const CRASH_IN_AUDIT_PUSH_ENV = 'TENANT_CONSOLE_CRASH_IN_AUDIT_PUSH';

const COLUMNS = `id::text AS id, console_id::text AS "consoleId", seq, occurred_at AS time, operator, os_user AS "osUser", action,
  tenant_code AS tenant, details, outcome, duration_ms AS "durationMs", prev_hash AS "prevHash", hash`;

interface FleetRow extends Omit<StoredAuditEvent, 'time'> {
  readonly time: Date;
}

const toEvent = (row: FleetRow): StoredAuditEvent => ({ ...row, time: row.time.toISOString() });

function crashPoint(point: 'before-commit' | 'after-commit'): void {
  if (process.env[CRASH_IN_AUDIT_PUSH_ENV] === point) process.kill(process.pid, 'SIGKILL');
}

/**
 * Sends the next batch of this console's events, exactly once and in order. Under a
 * per-console advisory lock the platform says how far it has this console (max seq), and
 * the batch starts right after: a batch that committed but was not marked locally (a crash
 * between the two) is simply not sent again, and a batch that did not commit is resent.
 * ON CONFLICT DO NOTHING is the second guard (the id is the key). Returns how many went.
 */
export async function pushBatch(pool: pg.Pool, local: LocalAuditStore, consoleId: string, batchSize: number): Promise<{ pushed: number; throughSeq: number }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_AUDIT_PUSH, consoleId]);
    const { rows } = await client.query<{ seq: number }>('SELECT coalesce(max(seq), 0)::int8 AS seq FROM audit_events WHERE console_id = $1', [consoleId]);
    const platformSeq = rows[0]!.seq;
    const events = local.after(platformSeq, batchSize);
    if (events.length > 0) {
      const column = <K extends keyof StoredAuditEvent>(key: K) => events.map((event) => event[key]);
      await client.query(
        `INSERT INTO audit_events (id, console_id, seq, occurred_at, operator, os_user, action, tenant_code, details, outcome, duration_ms, prev_hash, hash)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int8[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[],
                              $9::text[], $10::text[], $11::int4[], $12::text[], $13::text[])
         ON CONFLICT DO NOTHING`,
        [column('id'), column('consoleId'), column('seq'), column('time'), column('operator'), column('osUser'), column('action'), column('tenant'),
          column('details'), column('outcome'), column('durationMs'), column('prevHash'), column('hash')],
      );
      crashPoint('before-commit');
    }
    await client.query('COMMIT');
    if (events.length > 0) crashPoint('after-commit');
    return { pushed: events.length, throughSeq: events.at(-1)?.seq ?? platformSeq };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function whereClause(filters: Omit<AuditFilters, 'source'>): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (n: number) => string, value?: unknown) => {
    if (value === undefined) return void clauses.push(clause(0));
    params.push(value);
    clauses.push(clause(params.length));
  };
  if (filters.tenant) add((n) => `tenant_code = $${n}`, filters.tenant.toUpperCase());
  if (filters.operator) add((n) => `operator = $${n}`, filters.operator);
  if (filters.action) add((n) => `action = $${n}`, filters.action);
  if (filters.outcome === 'error') add(() => "outcome <> 'ok'");
  else if (filters.outcome) add((n) => `outcome = $${n}`, filters.outcome);
  if (filters.since) add((n) => `occurred_at >= $${n}`, filters.since);
  if (filters.until) add((n) => `occurred_at < $${n}`, filters.until);
  if (filters.search) add((n) => `details ILIKE $${n}`, `%${filters.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  return { sql: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

function parseFleetCursor(cursor: string | undefined): { time: string; id: string } | null {
  if (cursor === undefined) return null;
  const match = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)\|([0-9a-f-]{36})$/.exec(cursor);
  if (!match) throw new AppError('VALIDATION', 'cursor: not a cursor this list returned.');
  return { time: match[1]!, id: match[2]! };
}

/** The fleet-wide log, newest first, keyset-paged on (time, id). */
export async function listFleet(
  pool: pg.Pool,
  filters: Omit<AuditFilters, 'source'>,
  page: { cursor?: string; limit: number; includeTotal: boolean },
): Promise<AuditPage> {
  const where = whereClause(filters);
  const cursor = parseFleetCursor(page.cursor);
  const params = [...where.params];
  let keyset = '';
  if (cursor) {
    params.push(cursor.time, cursor.id);
    keyset = `${where.sql ? ' AND' : 'WHERE'} (occurred_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
  }
  params.push(page.limit + 1);
  const { rows } = await pool.query<FleetRow>(
    `SELECT ${COLUMNS} FROM audit_events ${where.sql}${keyset} ORDER BY occurred_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  const events = rows.map(toEvent);
  const more = events.length > page.limit;
  if (more) events.pop();
  const last = events.at(-1);
  const total = page.includeTotal ? Number((await pool.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM audit_events ${where.sql}`, where.params)).rows[0]!.n) : null;
  return { rows: events, nextCursor: more && last ? `${last.time}|${last.id}` : null, total };
}

/** Matching fleet events, newest first, in pages (for export). */
export async function* iterateFleet(pool: pg.Pool, filters: Omit<AuditFilters, 'source'>, maxRows: number): AsyncGenerator<StoredAuditEvent> {
  let cursor: string | undefined;
  let sent = 0;
  while (sent < maxRows) {
    const page = await listFleet(pool, filters, { ...(cursor ? { cursor } : {}), limit: Math.min(5000, maxRows - sent), includeTotal: false });
    for (const row of page.rows) yield row;
    sent += page.rows.length;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}

/** Verifies one console's copy in the platform database, in seq order. */
export async function verifyFleetChain(pool: pg.Pool, consoleId: string, pageSize = 20_000): Promise<ChainReport> {
  const checker = new ChainChecker();
  let after = 0;
  for (;;) {
    const { rows } = await pool.query<FleetRow>(`SELECT ${COLUMNS} FROM audit_events WHERE console_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, [consoleId, after, pageSize]);
    if (rows.length === 0) break;
    checker.add(rows.map(toEvent));
    after = rows.at(-1)!.seq;
    if (rows.length < pageSize) break;
  }
  return checker.finish(null);
}
