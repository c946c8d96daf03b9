import { createHash } from 'node:crypto';
import type pg from 'pg';
import { ApiError } from './api-errors';

/** A request still pending after this long is taken to have died with its process. */
const ABANDONED_AFTER = '15 minutes';
const POLL_MS = 100;

export type IdempotencyClaim =
  /** First with this key: go ahead, then `complete` or `release`. */
  | { readonly kind: 'claimed' }
  /** Done before: answer with this tenant. */
  | { readonly kind: 'replay'; readonly tenantCode: string };

/** SHA-256 of the request body in a canonical form (keys sorted), to tell a replay from a reuse. */
export function requestFingerprint(body: unknown): Buffer {
  const canonical = (value: unknown): unknown =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]))
      : value;
  return createHash('sha256').update(JSON.stringify(canonical(body))).digest();
}

/**
 * Idempotency-Key for POST /api/tenants, kept in the platform database (migration 012) so
 * that any number of identical requests — concurrent, retried, or sent to two API servers of
 * one platform — create one tenant. The first claims the key with an INSERT (the primary key
 * decides the race); the others wait for it to finish and answer with the same tenant. A
 * creation that failed releases the key, so a corrected retry may proceed.
 */
export class IdempotencyStore {
  readonly #pool: pg.Pool;

  constructor(ownerPool: pg.Pool) {
    this.#pool = ownerPool;
  }

  async claim(apiKey: string, key: string, fingerprint: Buffer, waitMs: number): Promise<IdempotencyClaim> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const inserted = await this.#pool.query(
        `INSERT INTO api_idempotency_keys (api_key, idempotency_key, request_sha256) VALUES ($1, $2, $3)
         ON CONFLICT (api_key, idempotency_key) DO UPDATE SET created_at = now()
           WHERE api_idempotency_keys.state = 'pending' AND api_idempotency_keys.created_at < now() - interval '${ABANDONED_AFTER}'
             AND api_idempotency_keys.request_sha256 = EXCLUDED.request_sha256
         RETURNING 1`,
        [apiKey, key, fingerprint],
      );
      if (inserted.rowCount === 1) return { kind: 'claimed' };
      const { rows } = await this.#pool.query<{ state: string; request_sha256: Buffer; tenant_code: string | null }>(
        'SELECT state, request_sha256, tenant_code FROM api_idempotency_keys WHERE api_key = $1 AND idempotency_key = $2',
        [apiKey, key],
      );
      const row = rows[0];
      if (row) {
        if (!row.request_sha256.equals(fingerprint)) {
          throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request body: use a new key for a different tenant.');
        }
        if (row.state === 'done' && row.tenant_code) return { kind: 'replay', tenantCode: row.tenant_code };
        if (Date.now() > deadline) {
          throw new ApiError(409, 'idempotency_in_progress', 'A request with this Idempotency-Key is still being carried out: retry shortly.', { 'Retry-After': '1' });
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      // No row: the first request failed and released the key; try to claim it again.
    }
  }

  async complete(apiKey: string, key: string, tenantCode: string): Promise<void> {
    await this.#pool.query(
      "UPDATE api_idempotency_keys SET state = 'done', tenant_code = $3, completed_at = now() WHERE api_key = $1 AND idempotency_key = $2",
      [apiKey, key, tenantCode],
    );
  }

  async release(apiKey: string, key: string): Promise<void> {
    await this.#pool.query("DELETE FROM api_idempotency_keys WHERE api_key = $1 AND idempotency_key = $2 AND state = 'pending'", [apiKey, key]);
  }
}
