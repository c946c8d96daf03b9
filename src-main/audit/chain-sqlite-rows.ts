import { hash } from 'node:crypto';
import type { ChainRowAccess } from './chain-verify';

/**
 * One local event as `verify` reads it: a raw array (better-sqlite3 `.raw()`), with the hash
 * input already built by SQLite, so the check allocates no object per row and never
 * re-serialises in JavaScript.
 */
export type SqliteChainRow = readonly [seq: number, id: string, prevHash: string, hash: string, canonical: string];

/**
 * The hash input of `eventHash` (audit-event.ts) built by SQLite: `json_array` over the same
 * fields in the same order, led by the hash format (1). Every column is STRICT TEXT or
 * INTEGER, so each value is quoted as a JSON string or written as a number exactly as
 * JSON.stringify does (test/integration/audit-chain-fast.test.ts holds the two together).
 */
const CANONICAL_SQL = `json_array(1, id, console_id, time, operator, os_user, action, tenant, details, outcome, duration_ms, prev_hash)`;

export const SQLITE_CHAIN_COLUMNS = `seq, id, prev_hash, hash, ${CANONICAL_SQL}`;

const sha256 = (text: string) => hash('sha256', text, 'hex');

/**
 * The content check on SQLite's text. Should SQLite ever write a value differently from
 * JSON.stringify (an escape it spells another way), the parsed values are re-serialised
 * the JavaScript way before calling the event edited: both texts are valid JSON of the
 * same stored values, so nothing that JavaScript would catch slips through.
 */
function contentMatches(row: SqliteChainRow): boolean {
  if (sha256(row[4]) === row[3]) return true;
  return sha256(JSON.stringify(JSON.parse(row[4]))) === row[3];
}

export const sqliteChainRowAccess: ChainRowAccess<SqliteChainRow> = {
  seq: (row) => row[0],
  prevHash: (row) => row[2],
  hash: (row) => row[3],
  contentMatches,
  link: (row) => ({ seq: row[0], id: row[1], prevHash: row[2], hash: row[3] }),
};
