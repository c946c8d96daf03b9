/**
 * What the console last set as each tenant role's password, as a fingerprint (sha256 of
 * pg_authid.rolpassword, the SCRAM verifier): PostgreSQL lets a role change its own
 * password (ALTER ROLE self PASSWORD …) and nothing can forbid it, so the server check
 * (platform/server-check) detects it by comparing. Written by src-main/tenants/ only
 * (provisioning, which restore as a new tenant goes through).
 *
 * Existing installations: the roles' current passwords become the baseline, when the
 * console's user may read pg_authid (a superuser; the embedded server's always is).
 */
export const sql = /* sql */ `
CREATE TABLE tenant_role_fingerprints (
  tenant_id       uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  db_role         text NOT NULL,
  password_sha256 text NOT NULL CHECK (password_sha256 ~ '^[0-9a-f]{64}$'),
  recorded_at     timestamptz NOT NULL DEFAULT now()
);

DO $baseline$
BEGIN
  IF has_table_privilege('pg_catalog.pg_authid', 'SELECT') THEN
    INSERT INTO tenant_role_fingerprints (tenant_id, db_role, password_sha256)
    SELECT t.id, t.db_role, encode(sha256(convert_to(a.rolpassword, 'UTF8')), 'hex')
      FROM tenants t JOIN pg_catalog.pg_authid a ON a.rolname = t.db_role
     WHERE t.status <> 'deleted' AND a.rolpassword IS NOT NULL;
  END IF;
END
$baseline$;
`;
