import { API_SCOPES } from '../../../src-shared/contract/api-key-channels';

const SCOPE_ARRAY = `ARRAY[${API_SCOPES.map((scope) => `'${scope}'`).join(', ')}]::text[]`;
/** Everything about a key but its hash: what listing a key may show. */
const LISTED_COLUMNS = 'name, scopes, prefix, created_by, created_at, expires_at, last_used_at, revoked_at, revoked_by';

/**
 * The tenant API's keys and its idempotency records (docs/api.md).
 *
 * - api_keys: one row per key, by name (never reused: the audit log names keys). The key
 *   itself is never stored, only SHA-256 of it. A plain, fast hash is right here because the
 *   key is 256 random bits: nobody can guess or brute-force a preimage of that, so the cost
 *   factor a password hash (scrypt, SCRAM) adds to slow down guessing a *weak* secret would
 *   only slow every API request down. A lookup by the hash is then one index probe.
 * - api_idempotency_keys: POST /api/tenants with an Idempotency-Key header claims the key
 *   here first (primary key: the API key and the header), so concurrent identical requests
 *   create one tenant; the request's hash tells a replay from a reuse with another body.
 *
 * Grants: admins create and revoke keys (no DELETE: a revoked key stays listed, with who
 * revoked it); every role may list keys, and no operator role reads the hashes. The console's
 * own connection verifies keys, stamps last use and writes the idempotency records (the API
 * server's bookkeeping); operators may read those, never write them. PUBLIC gets nothing.
 */
export const sql = /* sql */ `
CREATE TABLE api_keys (
  name         text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_-]{0,62}$'),
  scopes       text[] NOT NULL CHECK (cardinality(scopes) >= 1 AND scopes <@ ${SCOPE_ARRAY} AND array_position(scopes, NULL) IS NULL),
  key_sha256   bytea NOT NULL UNIQUE CHECK (octet_length(key_sha256) = 32),
  prefix       text NOT NULL CHECK (prefix ~ '^tck_[A-Za-z0-9_-]{4,12}$'),
  created_by   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  last_used_at timestamptz,
  revoked_at   timestamptz,
  revoked_by   text,
  CHECK (revoked_by IS NULL OR revoked_at IS NOT NULL)
);

CREATE TABLE api_idempotency_keys (
  api_key         text NOT NULL REFERENCES api_keys (name),
  idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
  request_sha256  bytea NOT NULL CHECK (octet_length(request_sha256) = 32),
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done')),
  tenant_code     text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  completed_at    timestamptz,
  PRIMARY KEY (api_key, idempotency_key),
  CHECK (state = 'pending' OR tenant_code IS NOT NULL)
);

REVOKE ALL ON api_keys, api_idempotency_keys FROM PUBLIC;
GRANT SELECT (${LISTED_COLUMNS}) ON api_keys TO tc_viewer;
GRANT INSERT (name, scopes, key_sha256, prefix, created_by, expires_at) ON api_keys TO tc_admin;
GRANT UPDATE (revoked_at, revoked_by) ON api_keys TO tc_admin;
GRANT SELECT ON api_idempotency_keys TO tc_viewer;
`;
