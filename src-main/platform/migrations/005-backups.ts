/**
 * The backups catalog, the deleted tenant's pointer to its final backup (the tombstone),
 * and the backup settings. Backup files live in a folder (setting backup_directory); this
 * table is the index of what is there, how big, which checksum, and whether it was verified.
 */
export const sql = /* sql */ `
CREATE TABLE backups (
  id                    uuid PRIMARY KEY,
  tenant_id             uuid REFERENCES tenants (id) ON DELETE SET NULL,
  tenant_code           text NOT NULL,
  kind                  text NOT NULL CHECK (kind IN ('manual', 'pre-suspension', 'pre-cancellation', 'pre-deletion', 'pre-restore', 'scheduled')),
  format                text NOT NULL CHECK (format IN ('tc-archive', 'pg_dump')),
  location              text NOT NULL,
  size_bytes            bigint NOT NULL CHECK (size_bytes >= 0),
  sha256                text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  tenant_schema_version integer NOT NULL,
  server_version        text NOT NULL,
  table_count           integer NOT NULL,
  row_count             bigint NOT NULL,
  verified_at           timestamptz,
  made_by               text NOT NULL,
  made_at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX backups_tenant ON backups (tenant_code, made_at DESC);

-- A deleted tenant's registry row stays as a tombstone that names its final backup.
ALTER TABLE tenants ADD COLUMN final_backup_id uuid REFERENCES backups (id);

INSERT INTO settings (key, value) VALUES ('backup_keep_last', '10') ON CONFLICT (key) DO NOTHING;
`;
