import type pg from 'pg';
import type { Logger } from 'pino';
import type { AuditStatus } from '../../src-shared/contract/audit-models';
import type { CacheStatus, LocalCache } from '../cache/open-cache';
import { AppError } from '../base/app-error';
import type { StoredAuditEvent } from './audit-event';
import { AuditLog, type AuditEntry, type AuditIdentity } from './audit-log';
import { AuditPusher } from './audit-pusher';
import { LocalAuditStore, META_PUSHED_THROUGH } from './local-audit-store';

/**
 * The audit capability as the rest of the core sees it. `record` is also the API for work
 * that is not a contract call (scheduled usage collection, retention deletions):
 * `await audit.record({ action: 'usage:collect', tenant: 'ACME001', details: {...}, outcome: 'ok' })`.
 */
export interface AuditService {
  /** Why events cannot be recorded (cache refused), or null. */
  readonly problem: string | null;
  readonly consoleId: string | null;
  readonly local: LocalAuditStore | null;
  readonly pusher: AuditPusher | null;
  readonly cacheStatus: CacheStatus;
  record(entry: AuditEntry): Promise<StoredAuditEvent>;
  status(): AuditStatus;
  /** Stops pushing (after trying for `drainMs` to send what waits) and lets queued events commit. */
  close(drainMs?: number): Promise<void>;
}

export interface AuditServiceOptions {
  readonly cache: LocalCache | null;
  readonly cacheStatus: CacheStatus;
  /** The platform database; null when the console runs without one (offline). */
  readonly pool: pg.Pool | null;
  readonly identity: AuditIdentity;
  readonly logger: Logger;
  readonly pushBatchSize?: number;
}

export function createAuditService(options: AuditServiceOptions): AuditService {
  const { cache, cacheStatus, pool, identity, logger } = options;
  const problem = cache ? null : `The audit log is unavailable, so changes are refused: ${cacheStatus.problem ?? 'the local cache is not open.'}`;
  const local = cache ? new LocalAuditStore(cache.db) : null;
  const pusher =
    cache && local && pool
      ? new AuditPusher({ pool, local, consoleId: cache.consoleId, logger, ...(options.pushBatchSize ? { batchSize: options.pushBatchSize } : {}) })
      : null;
  const log = cache ? new AuditLog(cache, identity, () => pusher?.kick()) : null;
  // Whatever an earlier run (or a killed CLI command) left in the outbox goes now.
  pusher?.kick();

  return {
    problem,
    consoleId: cache?.consoleId ?? null,
    local,
    pusher,
    cacheStatus,
    async record(entry) {
      if (!log) throw new AppError('INVALID_STATE', problem!);
      return log.record(entry);
    },
    status() {
      const lastSeq = local?.lastSeq() ?? 0;
      // This process's pusher knows better than the saved cursor (written at most once a second).
      const pushedThroughSeq = Math.min(lastSeq, Math.max(Number(local?.meta(META_PUSHED_THROUGH) ?? 0), pusher?.pushedThroughSeq ?? 0));
      const state = pusher?.state ?? { lastPushAt: null, lastError: pool ? null : 'No platform database connection.', nextAttemptAt: null };
      return { consoleId: cache?.consoleId ?? null, outboxDepth: lastSeq - pushedThroughSeq, lastSeq, pushedThroughSeq, ...state, cache: cacheStatus };
    },
    async close(drainMs = 0) {
      await log?.settle();
      await pusher?.stop(drainMs);
    },
  };
}
