import { sql as audit } from './001-audit';
import { sql as snapshots } from './002-snapshots';
import { sql as usageSnapshots } from './003-usage-snapshots';

export interface CacheMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Local cache migrations, in order; the cache's `PRAGMA user_version` is the last one
 * applied. Never edit a shipped one: add the next (2 is the offline snapshots').
 */
export const CACHE_MIGRATIONS: readonly CacheMigration[] = [
  { version: 1, name: 'audit', sql: audit },
  { version: 2, name: 'snapshots', sql: snapshots },
  { version: 3, name: 'usage-snapshots', sql: usageSnapshots },
];
