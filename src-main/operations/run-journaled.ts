import type pg from 'pg';
import { AppError, isAppError } from '../base/app-error';
import type { Interruption, InterruptibleWork } from '../base/interruption';
import { pgErrorCode } from '../postgres/errors';
import { inTransaction } from '../postgres/pools';
import type { PlatformContext } from '../platform/platform-context';
import {
  beginOperation,
  crashIfInjected,
  finishOperation,
  ONE_RUNNING_PER_TENANT,
  OPERATION_NOUNS,
  recordStep,
  recordStepWith,
  releaseOperationLock,
  type NewOperation,
  type OperationKind,
  type OperationRecord,
  type OperationState,
  type StepOptions,
} from './journal';

type EndState = Exclude<OperationState, 'running'>;

export interface Ending {
  /** Default `done`. */
  readonly state?: EndState;
  /** Why it did not finish (kept in the journal, cut to 1000 characters). */
  readonly error?: string;
  /** The last step, written with the end. */
  readonly step?: string;
}

/**
 * A running operation as its owner (runJournaled) or reconcile sees it: the journal row,
 * and the only ways to move it — a step, or its end. Whether it has ended is known, so a
 * failure after the end never undoes a finished operation.
 */
export class JournaledOperation {
  #ended = false;

  constructor(
    readonly record: OperationRecord,
    private readonly pool: pg.Pool,
    private readonly interruption?: Interruption,
  ) {}

  get id(): string {
    return this.record.id;
  }
  get kind(): OperationKind {
    return this.record.kind;
  }
  get tenantId(): string | null {
    return this.record.tenantId;
  }
  get tenantCode(): string {
    return this.record.tenantCode;
  }
  get payload(): Record<string, unknown> {
    return this.record.payload;
  }
  get ended(): boolean {
    return this.#ended;
  }

  /** Journals `step` (and the `passed` steps it implies, in the same write); crash injection sees each. */
  step(step: string, passed: readonly string[] = [], options: StepOptions = {}): Promise<void> {
    this.#stopIfInterrupted();
    return recordStep(this.pool, this.record, step, passed, options);
  }

  /** Journals `step` in one transaction with `statements`, run on the platform database (recordStepWith). */
  stepWith(statements: string, step: string, passed: readonly string[] = [], options: StepOptions = {}): Promise<void> {
    this.#stopIfInterrupted();
    return recordStepWith(this.pool, this.record, statements, step, passed, options);
  }

  /** An interrupted process takes no further step and does not finish: the operation fails here and is undone (or left to reconcile). */
  #stopIfInterrupted(): void {
    this.interruption?.throwIfInterrupted(`The ${OPERATION_NOUNS[this.record.kind]} of ${this.record.tenantCode}`);
  }

  /** The step as journaled now: a failure or a crash may have left it past the record's. */
  async currentStep(): Promise<string> {
    const { rows } = await this.pool.query<{ step: string }>('SELECT step FROM operations WHERE id = $1', [this.record.id]);
    return rows[0]?.step ?? this.record.step;
  }

  /** Ends the operation on its own. */
  async finish(ending: Ending = {}): Promise<void> {
    if ((ending.state ?? 'done') === 'done') this.#stopIfInterrupted();
    await finishOperation(this.pool, this.record, ending.state ?? 'done', ending.error, ending.step);
    this.#ended = true;
  }

  /** Ends the operation in one transaction with `work`: the registry's change and the journal's end commit together. */
  async finishIn<T>(ending: Ending, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if ((ending.state ?? 'done') === 'done') this.#stopIfInterrupted();
    const result = await inTransaction(this.pool, async (client) => {
      const value = await work(client);
      await finishOperation(client, this.record, ending.state ?? 'done', ending.error, ending.step);
      return value;
    });
    this.#ended = true;
    return result;
  }

  /** The caller's own statement ended the operation (one round trip with another write); `write` runs it. */
  async finishWith<T>(write: () => Promise<T>): Promise<T> {
    // The commit point: an interrupted process stops before it, never after.
    this.#stopIfInterrupted();
    const result = await write();
    this.#ended = true;
    return result;
  }
}

/** The one refusal when a tenant already has a running operation (the journal allows one per tenant). */
export function operationInProgress(kind: OperationKind, tenantCode: string): AppError {
  return new AppError(
    'CONFLICT',
    `Cannot start the ${OPERATION_NOUNS[kind]} of ${tenantCode}: another operation on this tenant is in progress — wait for it to finish, then try again.`,
  );
}

const isCancelled = (error: Error): boolean => isAppError(error) && error.code === 'CANCELLED';

type Entry = Omit<NewOperation, 'startedBy'>;

/** How the operation's row is written: a known entry, or one read under a transaction. */
export type Opening =
  /** The row, in one statement. */
  | { readonly entry: Entry }
  /** In one transaction on the session: `check` reads (and locks) what it must and returns the row to write. */
  | { readonly check: (tx: pg.PoolClient) => Promise<Entry> }
  /** The caller's own statement writes the row and takes the lock (provisioning registers the tenant with it). */
  | { readonly register: (session: pg.PoolClient) => Promise<OperationRecord> };

export type JournaledRun = Opening & {
  /** Crash injection point after the row is written (default: the first step's name). */
  readonly crashPoint?: string;
  /** The error the caller sees (and by default the journal keeps), from what went wrong. */
  readonly describeFailure?: (error: unknown, operation: JournaledOperation | null) => Error | Promise<Error>;
  /**
   * Ends an operation whose work failed: undo what was done, then end it. Default: ended
   * `failed` (`rolled_back` when cancelled) with the failure's message. If this throws, the
   * operation stays running for reconcile.
   */
  readonly undo?: (operation: JournaledOperation, failure: Error, cause: unknown) => Promise<void>;
};

/**
 * The one way a journaled operation runs. On one session: the journal row and its
 * advisory lock (refused with CONFLICT while the tenant has another running operation),
 * then `work` with the operation's steps, then its end — `done` when `work` returns
 * without having ended it, otherwise `undo` — and finally the lock's release. A process
 * that dies anywhere leaves the row running and its lock gone: reconcile takes it over.
 */
export async function runJournaled<T>(
  ctx: Pick<PlatformContext, 'pool' | 'logger' | 'operator' | 'interruption'>,
  run: JournaledRun,
  work: (operation: JournaledOperation) => Promise<T>,
): Promise<T> {
  const session = await ctx.pool.connect();
  let operation: JournaledOperation | null = null;
  let tracked: InterruptibleWork | undefined;
  try {
    const record = await open(session, run, ctx.operator);
    operation = new JournaledOperation(record, ctx.pool, ctx.interruption);
    tracked = ctx.interruption?.begin(`the ${OPERATION_NOUNS[record.kind]} of ${record.tenantCode}`);
    crashIfInjected(run.crashPoint ?? record.step);
    const result = await work(operation);
    if (!operation.ended) await operation.finish();
    if (tracked) tracked.outcome = 'finished';
    return result;
  } catch (error) {
    const failure = run.describeFailure ? await run.describeFailure(error, operation) : (error as Error);
    if (operation && !operation.ended) {
      try {
        if (run.undo) await run.undo(operation, failure, error);
        else await operation.finish({ state: isCancelled(failure) ? 'rolled_back' : 'failed', error: failure.message });
      } catch (undoError) {
        ctx.logger.error({ err: undoError, operation: operation.id }, `ending a failed ${OPERATION_NOUNS[operation.kind]} failed; reconcile will finish it`);
      }
    }
    if (tracked) tracked.outcome = operation?.ended === false ? 'left for reconcile' : isCancelled(failure) ? 'rolled back' : 'failed';
    throw failure;
  } finally {
    if (operation) await releaseOperationLock(session, operation.record);
    session.release();
  }
}

async function open(session: pg.PoolClient, run: Opening, startedBy: string): Promise<OperationRecord> {
  if ('register' in run) return run.register(session);
  if ('entry' in run) return begin(session, run.entry, startedBy);
  await session.query('BEGIN');
  try {
    const record = await begin(session, await run.check(session), startedBy);
    await session.query('COMMIT');
    return record;
  } catch (error) {
    await session.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function begin(session: pg.PoolClient, entry: Entry, startedBy: string): Promise<OperationRecord> {
  try {
    return await beginOperation(session, { ...entry, startedBy });
  } catch (error) {
    if (pgErrorCode(error) === '23505' && (error as { constraint?: string }).constraint === ONE_RUNNING_PER_TENANT) {
      throw operationInProgress(entry.kind, entry.tenantCode);
    }
    throw error;
  }
}
