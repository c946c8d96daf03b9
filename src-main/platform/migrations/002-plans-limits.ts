/**
 * Plans and limits in the registry: per-tenant overrides (custom limits, temporary
 * allowances), plan history, the tenant-schema version of each tenant database, and the
 * soft-limit warning threshold.
 */
export const sql = /* sql */ `
ALTER TABLE tenants
  ADD COLUMN schema_version   integer,
  ADD COLUMN limits_pushed_at timestamptz;

CREATE TABLE tenant_limit_overrides (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  resource    text NOT NULL CHECK (resource IN ('companies', 'users', 'transactions')),
  -- limit: replaces the plan's limit (NULL = unlimited); allowance: added on top of it.
  kind        text NOT NULL CHECK (kind IN ('limit', 'allowance')),
  value       integer CHECK (value >= 0),
  reason      text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
  expires_at  timestamptz,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz,
  revoked_by  text,
  CHECK (kind = 'limit' OR value IS NOT NULL)
);
CREATE INDEX tenant_limit_overrides_tenant ON tenant_limit_overrides (tenant_id) WHERE revoked_at IS NULL;

CREATE TABLE tenant_plan_history (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  from_code    text NOT NULL,
  from_version integer NOT NULL,
  to_code      text NOT NULL,
  to_version   integer NOT NULL,
  forced       boolean NOT NULL DEFAULT false,
  reason       text,
  changed_by   text NOT NULL,
  changed_at   timestamptz NOT NULL DEFAULT now(),
  operation_id uuid
);
CREATE INDEX tenant_plan_history_tenant ON tenant_plan_history (tenant_id, changed_at DESC);

INSERT INTO settings (key, value) VALUES ('limit_warning_percent', '80') ON CONFLICT (key) DO NOTHING;
`;
