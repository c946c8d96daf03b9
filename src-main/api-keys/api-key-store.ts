import type pg from 'pg';
import type { ApiKeyInfo, ApiScope } from '../../src-shared/contract/api-key-channels';
import { AppError } from '../base/app-error';
import { pgErrorCode } from '../postgres/errors';
import { generateApiKey, hashApiKey, looksLikeApiKey } from './key-secret';

/** The one module that reads and writes api_keys (platform migration 012). */

interface ApiKeyRow {
  name: string;
  scopes: ApiScope[];
  prefix: string;
  created_by: string | null;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
}

// Never key_sha256: no operator role may read it (migration 012's column grants).
const LISTED = 'name, scopes, prefix, created_by, created_at, expires_at, last_used_at, revoked_at, revoked_by';
const iso = (value: Date | null) => (value ? value.toISOString() : null);

function toInfo(row: ApiKeyRow): ApiKeyInfo {
  return {
    name: row.name,
    scopes: row.scopes,
    prefix: row.prefix,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    expiresAt: iso(row.expires_at),
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
    revokedBy: row.revoked_by,
  };
}

export async function listApiKeys(pool: pg.Pool): Promise<ApiKeyInfo[]> {
  const { rows } = await pool.query<ApiKeyRow>(`SELECT ${LISTED} FROM api_keys ORDER BY revoked_at IS NOT NULL, name`);
  return rows.map(toInfo);
}

/** Creates a key on the caller's connection (an admin's INSERT grant); the secret is returned once. */
export async function createApiKey(
  pool: pg.Pool,
  input: { name: string; scopes: readonly ApiScope[]; expiresAt?: string | undefined; createdBy: string | null },
  now: Date = new Date(),
): Promise<ApiKeyInfo & { key: string }> {
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt.getTime() <= now.getTime()) throw new AppError('VALIDATION', 'The expiry must be in the future.');
  const scopes = [...new Set(input.scopes)].sort();
  const secret = generateApiKey();
  try {
    await pool.query('INSERT INTO api_keys (name, scopes, key_sha256, prefix, created_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      input.name,
      scopes,
      secret.sha256,
      secret.prefix,
      input.createdBy,
      expiresAt,
    ]);
  } catch (error) {
    if (pgErrorCode(error) === '23505') {
      throw new AppError('ALREADY_EXISTS', `An API key named ${input.name} exists already (names are never reused, revoked keys included).`);
    }
    throw error;
  }
  const { rows } = await pool.query<ApiKeyRow>(`SELECT ${LISTED} FROM api_keys WHERE name = $1`, [input.name]);
  return { ...toInfo(rows[0]!), key: secret.key };
}

export async function revokeApiKey(pool: pg.Pool, name: string, revokedBy: string | null): Promise<ApiKeyInfo> {
  const { rowCount } = await pool.query('UPDATE api_keys SET revoked_at = now(), revoked_by = $2 WHERE name = $1 AND revoked_at IS NULL', [name, revokedBy]);
  const { rows } = await pool.query<ApiKeyRow>(`SELECT ${LISTED} FROM api_keys WHERE name = $1`, [name]);
  if (rows.length === 0) throw new AppError('NOT_FOUND', `No API key is named ${name}.`);
  if (rowCount === 0) throw new AppError('INVALID_STATE', `The API key ${name} was revoked already (${iso(rows[0]!.revoked_at)}).`);
  return toInfo(rows[0]!);
}

export type ApiKeyVerdict =
  | { readonly ok: true; readonly name: string; readonly scopes: readonly ApiScope[] }
  | { readonly ok: false; readonly reason: 'unknown' | 'revoked' | 'expired' };

/** Stamp last use at most this often per key: a request storm is not a write storm. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** How many accepted keys a verifier remembers at most (the oldest is forgotten first). */
const REMEMBERED_KEYS_MAX = 1_000;

export interface ApiKeyVerifierOptions {
  /** Milliseconds since some origin (Date.now by default): the last-use stamp and the cache's clock. */
  readonly now?: () => number;
  /**
   * How long an accepted key is taken on trust without asking PostgreSQL again (default 0:
   * every request asks). The tenant API uses API_KEY_TRUST_MS: a key revoked in any console
   * is refused within that bound; an expiry is exact (an accepted key is never trusted past
   * its expires_at). Refusals are never remembered.
   */
  readonly trustMs?: number;
}

interface Trusted {
  readonly verdict: Extract<ApiKeyVerdict, { ok: true }>;
  /** Ask again from this time on (this.#now's clock). */
  readonly until: number;
}

/**
 * Checks presented keys on the console's own connection (no operator role reads the hashes).
 * The lookup is by the key's SHA-256: the caller controls the key, not its hash, so the index
 * probe leaks nothing useful about stored keys. Last use is written at most once a minute per
 * key (remembered here, and re-checked in SQL for other processes serving the same platform).
 * With `trustMs`, an accepted key is remembered (by its hash, never the secret) for that long.
 */
export class ApiKeyVerifier {
  readonly #pool: pg.Pool;
  readonly #stamped = new Map<string, number>();
  readonly #trusted = new Map<string, Trusted>();
  readonly #now: () => number;
  readonly #trustMs: number;

  constructor(ownerPool: pg.Pool, options: ApiKeyVerifierOptions = {}) {
    this.#pool = ownerPool;
    this.#now = options.now ?? Date.now;
    this.#trustMs = options.trustMs ?? 0;
  }

  async verify(presented: string): Promise<ApiKeyVerdict> {
    if (!looksLikeApiKey(presented)) return { ok: false, reason: 'unknown' };
    const hash = hashApiKey(presented);
    const key = hash.toString('base64');
    const started = this.#now();
    const trusted = this.#trusted.get(key);
    if (trusted && started < trusted.until) {
      this.#stampLastUse(trusted.verdict.name);
      return trusted.verdict;
    }
    this.#trusted.delete(key);
    // The expiry as a duration on the server's clock: the console's clock may differ from PostgreSQL's.
    const { rows } = await this.#pool.query<{ name: string; scopes: ApiScope[]; expired: boolean; revoked: boolean; expires_in_ms: number | null }>(
      `SELECT name, scopes, expires_at IS NOT NULL AND expires_at <= now() AS expired, revoked_at IS NOT NULL AS revoked,
              (extract(epoch FROM expires_at - now()) * 1000)::float8 AS expires_in_ms
         FROM api_keys WHERE key_sha256 = $1`,
      [hash],
    );
    const row = rows[0];
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.revoked) return { ok: false, reason: 'revoked' };
    if (row.expired) return { ok: false, reason: 'expired' };
    const verdict = { ok: true, name: row.name, scopes: row.scopes } as const;
    if (this.#trustMs > 0) this.#trust(key, verdict, started + Math.min(this.#trustMs, row.expires_in_ms ?? Infinity));
    this.#stampLastUse(row.name);
    return verdict;
  }

  #trust(key: string, verdict: Trusted['verdict'], until: number): void {
    if (this.#trusted.size >= REMEMBERED_KEYS_MAX) this.#trusted.delete(this.#trusted.keys().next().value as string);
    this.#trusted.set(key, { verdict, until });
  }

  #stampLastUse(name: string): void {
    const now = this.#now();
    const last = this.#stamped.get(name);
    if (last !== undefined && now - last < LAST_USED_RESOLUTION_MS) return;
    this.#stamped.set(name, now);
    // Off the request's path; a failure only means last use shows a minute older.
    this.#pool
      .query(`UPDATE api_keys SET last_used_at = now() WHERE name = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, [name])
      .catch(() => this.#stamped.delete(name));
  }
}
