import { createHash } from 'node:crypto';

/** One audit event as stored (locally and on the platform); `seq` is the console's position. */
export interface StoredAuditEvent {
  readonly seq: number;
  readonly id: string;
  readonly consoleId: string;
  readonly time: string;
  readonly operator: string;
  readonly osUser: string;
  readonly action: string;
  readonly tenant: string | null;
  readonly details: string;
  readonly outcome: string;
  readonly durationMs: number;
  readonly prevHash: string;
  readonly hash: string;
}

/** The first event of a console links to this. */
export const GENESIS_HASH = '0'.repeat(64);

const HASH_FORMAT = 1;

/**
 * SHA-256 over a JSON array of the event's content and the previous event's hash. `seq` is
 * left out on purpose: the chain alone defines the order, so a moved event is told apart
 * from an edited one (see chain-verify). The array form leaves no ambiguity in field borders.
 */
export function eventHash(event: Omit<StoredAuditEvent, 'seq' | 'hash'>): string {
  const canonical = JSON.stringify([
    HASH_FORMAT,
    event.id,
    event.consoleId,
    event.time,
    event.operator,
    event.osUser,
    event.action,
    event.tenant,
    event.details,
    event.outcome,
    event.durationMs,
    event.prevHash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
