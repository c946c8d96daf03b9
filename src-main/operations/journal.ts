import type pg from 'pg';
import { LOCK_OPERATIONS } from '../base/advisory-locks';
import { ENV } from '../config/environment';
import { NO_FLUSH_CONDITION, NO_FLUSH_STATEMENT } from '../postgres/commit-without-flush';
import { quoteLiteral } from '../postgres/identifiers';

export const OPERATION_KINDS = ['provision', 'suspend', 'activate', 'cancel', 'plan_change', 'backup', 'restore', 'export', 'delete'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];
export type OperationState = 'running' | 'done' | 'rolled_back' | 'failed';

/** What an operation is called in messages: "Cannot start the suspension of ACME001 …". */
export const OPERATION_NOUNS: Readonly<Record<OperationKind, string>> = {
  provision: 'provisioning',
  suspend: 'suspension',
  activate: 'activation',
  cancel: 'cancellation',
  plan_change: 'plan change',
  backup: 'backup',
  restore: 'restore',
  export: 'export',
  delete: 'deletion',
};

export interface OperationRecord {
  readonly id: string;
  readonly lockKey: number;
  readonly kind: OperationKind;
  readonly tenantId: string | null;
  readonly tenantCode: string;
  readonly step: string;
  readonly payload: Record<string, unknown>;
}

export interface OperationRow {
  id: string;
  lock_key: number;
  kind: OperationKind;
  tenant_id: string | null;
  tenant_code: string;
  step: string;
  payload: Record<string, unknown>;
}

export const OPERATION_COLUMNS = 'id, lock_key, kind, tenant_id, tenant_code, step, payload';

/** The partial unique index that allows one running operation per tenant (001-registry). */
export const ONE_RUNNING_PER_TENANT = 'operations_one_running_per_tenant';

export const toOperationRecord = (row: OperationRow): OperationRecord => ({
  id: row.id,
  lockKey: row.lock_key,
  kind: row.kind,
  tenantId: row.tenant_id,
  tenantCode: row.tenant_code,
  step: row.step,
  payload: row.payload,
});

export interface NewOperation {
  readonly kind: OperationKind;
  readonly tenantId: string | null;
  readonly tenantCode: string;
  /** The first step, journaled with the row. */
  readonly step: string;
  readonly payload?: Record<string, unknown>;
  readonly startedBy: string;
}

/**
 * Records a new running operation and takes its advisory lock on `session`, in one
 * statement (so one atomic transaction and one round trip, or the caller's transaction):
 * the lock is taken before the row commits, so reconcile can never mistake a live
 * operation for a crashed one. The lock lives as long as `session` — keep that connection
 * for the whole operation.
 */
export async function beginOperation(session: pg.ClientBase, entry: NewOperation): Promise<OperationRecord> {
  const { rows } = await session.query<OperationRow>(
    `WITH operation AS (
       INSERT INTO operations (kind, tenant_id, tenant_code, state, step, payload, started_by)
       VALUES ($1, $2, $3, 'running', $4, $5, $6)
       RETURNING ${OPERATION_COLUMNS}
     )
     SELECT operation.*, pg_advisory_lock($7, operation.lock_key) FROM operation`,
    [entry.kind, entry.tenantId, entry.tenantCode, entry.step, entry.payload ?? {}, entry.startedBy, LOCK_OPERATIONS],
  );
  return toOperationRecord(rows[0]!);
}

/** How a step is written. */
export interface StepOptions {
  /**
   * false: committed without waiting for the disk (commit-without-flush.ts) — for an
   * operation whose end, an ordinary commit on the same server, makes it durable anyway.
   */
  readonly flush?: boolean;
}

/**
 * Moves the operation to `step` (written before the step's action when it is an intent).
 * `passed` names steps this one implies, reached in the same write (one round trip
 * instead of two); crash injection still sees each of them, in order.
 */
export async function recordStep(
  db: Pick<pg.ClientBase, 'query'>,
  operation: OperationRecord,
  step: string,
  passed: readonly string[] = [],
  options: StepOptions = {},
): Promise<void> {
  await db.query(
    `UPDATE operations SET step = $2, updated_at = now() WHERE id = $1${options.flush === false ? ` AND ${NO_FLUSH_CONDITION}` : ''}`,
    [operation.id, step],
  );
  for (const earlier of passed) crashIfInjected(earlier);
  crashIfInjected(step);
}

/**
 * Journals `step` in one transaction with `statements` (a multi-statement simple query, so
 * one round trip on the platform database — where cluster-wide DDL such as CREATE ROLE or
 * GRANT … ON DATABASE runs as well as anywhere): the step commits exactly when its work
 * does, never before nor after. Crash injection as for recordStep.
 */
export async function recordStepWith(
  db: Pick<pg.ClientBase, 'query'>,
  operation: OperationRecord,
  statements: string,
  step: string,
  passed: readonly string[] = [],
  options: StepOptions = {},
): Promise<void> {
  await db.query(
    `${options.flush === false ? `${NO_FLUSH_STATEMENT};\n` : ''}${statements};
     UPDATE operations SET step = ${quoteLiteral(step)}, updated_at = now() WHERE id = ${quoteLiteral(operation.id)}`,
  );
  for (const earlier of passed) crashIfInjected(earlier);
  crashIfInjected(step);
}

/** Ends the operation; `step`, when given, is its last step, written in the same statement. */
export async function finishOperation(
  db: Pick<pg.ClientBase, 'query'>,
  operation: OperationRecord,
  state: Exclude<OperationState, 'running'>,
  error?: string,
  step?: string,
): Promise<void> {
  await db.query(
    `UPDATE operations SET state = $2, error = $3, step = coalesce($4, step), updated_at = now(), finished_at = now() WHERE id = $1`,
    [operation.id, state, error === undefined ? null : error.slice(0, 1000), step ?? null],
  );
}

export async function releaseOperationLock(session: pg.ClientBase, operation: OperationRecord): Promise<void> {
  await session.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_OPERATIONS, operation.lockKey]).catch(() => undefined);
}

/** Running operations whose owner is gone: their lock can be taken. Returns them locked by `session`. */
export async function claimAbandonedOperations(session: pg.ClientBase): Promise<{ claimed: OperationRecord[]; busy: number }> {
  const { rows } = await session.query<OperationRow>(
    `SELECT ${OPERATION_COLUMNS} FROM operations WHERE state = 'running' ORDER BY started_at`,
  );
  const claimed: OperationRecord[] = [];
  let busy = 0;
  for (const row of rows) {
    const { rows: lock } = await session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [LOCK_OPERATIONS, row.lock_key]);
    if (!lock[0]?.ok) {
      busy += 1;
      continue;
    }
    // Re-read under the lock: the owner may have finished between the scan and the lock.
    const { rows: fresh } = await session.query<OperationRow>(
      `SELECT ${OPERATION_COLUMNS} FROM operations WHERE id = $1 AND state = 'running'`,
      [row.id],
    );
    if (fresh[0]) claimed.push(toOperationRecord(fresh[0]));
    else await session.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_OPERATIONS, row.lock_key]);
  }
  return { claimed, busy };
}

/**
 * Fault injection for the crash tests: TENANT_CONSOLE_CRASH_AFTER_STEP=<step> kills this
 * process with SIGKILL right after that step is journaled — no cleanup, no finally blocks,
 * exactly like a power cut.
 */
export function crashIfInjected(step: string): void {
  if (process.env[ENV.crashAfterStep] === step) process.kill(process.pid, 'SIGKILL');
  // TENANT_CONSOLE_SIGNAL_AFTER_STEP=<step>:SIGTERM (or SIGINT): Ctrl-C or `timeout` arriving right after that step.
  const [signalStep, signal] = (process.env[ENV.signalAfterStep] ?? '').split(':');
  if (signalStep === step && (signal === 'SIGTERM' || signal === 'SIGINT')) process.kill(process.pid, signal);
}
