/**
 * Offline review: snapshots of the tenants registry (and usage) kept in two sets — 'live',
 * this console's own, refreshed while online; 'imported', a file from another machine
 * under review. The list's filter and sort columns are real columns so offline filtering
 * runs in SQLite; the full detail rides along as JSON.
 */
export const sql = /* sql */ `
CREATE TABLE snapshot_sets (
  name           TEXT PRIMARY KEY CHECK (name IN ('live', 'imported')),
  source_console TEXT NOT NULL,
  console_label  TEXT NOT NULL,
  -- When the tenants were last saved in full, and usage last saved; null until the first time.
  tenants_at     TEXT,
  usage_at       TEXT,
  imported_at    TEXT,
  file_name      TEXT
) STRICT;

CREATE TABLE snapshot_tenants (
  set_name     TEXT NOT NULL REFERENCES snapshot_sets (name) ON DELETE CASCADE,
  tenant_code  TEXT NOT NULL,
  id           TEXT NOT NULL,
  company_name TEXT NOT NULL,
  subdomain    TEXT NOT NULL,
  admin_email  TEXT NOT NULL,
  plan_code    TEXT NOT NULL,
  status       TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  saved_at     TEXT NOT NULL,
  detail       TEXT NOT NULL,
  PRIMARY KEY (set_name, tenant_code)
) STRICT;
CREATE INDEX snapshot_tenants_subdomain ON snapshot_tenants (set_name, subdomain COLLATE NOCASE);
CREATE INDEX snapshot_tenants_created ON snapshot_tenants (set_name, created_at);

CREATE TABLE snapshot_operations (
  set_name    TEXT NOT NULL REFERENCES snapshot_sets (name) ON DELETE CASCADE,
  tenant_code TEXT NOT NULL,
  operations  TEXT NOT NULL,
  saved_at    TEXT NOT NULL,
  PRIMARY KEY (set_name, tenant_code)
) STRICT;

CREATE TABLE snapshot_usage (
  set_name    TEXT NOT NULL REFERENCES snapshot_sets (name) ON DELETE CASCADE,
  tenant_code TEXT NOT NULL,
  day         TEXT NOT NULL,
  metrics     TEXT NOT NULL,
  saved_at    TEXT NOT NULL,
  PRIMARY KEY (set_name, tenant_code, day)
) STRICT;
CREATE INDEX snapshot_usage_day ON snapshot_usage (set_name, day);
`;
