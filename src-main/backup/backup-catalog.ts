import type pg from 'pg';
import type { Backup, BackupKind } from '../../src-shared/contract/backup-models';
import { AppError } from '../base/app-error';

type Queryable = Pick<pg.ClientBase, 'query'>;

interface BackupRow {
  id: string;
  tenant_code: string;
  kind: BackupKind;
  format: Backup['format'];
  location: string;
  size_bytes: number;
  sha256: string;
  tenant_schema_version: number;
  server_version: string;
  table_count: number;
  row_count: number;
  verified_at: Date | null;
  made_by: string;
  made_at: Date;
}

const COLUMNS = `id, tenant_code, kind, format, location, size_bytes, sha256, tenant_schema_version, server_version,
                 table_count, row_count, verified_at, made_by, made_at`;

function toBackup(row: BackupRow): Backup {
  return {
    id: row.id,
    tenantCode: row.tenant_code,
    kind: row.kind,
    format: row.format,
    location: row.location,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    tenantSchemaVersion: row.tenant_schema_version,
    serverVersion: row.server_version,
    tableCount: row.table_count,
    rowCount: row.row_count,
    verifiedAt: row.verified_at ? row.verified_at.toISOString() : null,
    madeBy: row.made_by,
    madeAt: row.made_at.toISOString(),
  };
}

export interface NewBackup {
  readonly id: string;
  readonly tenantId: string;
  readonly tenantCode: string;
  readonly kind: BackupKind;
  readonly format: Backup['format'];
  readonly location: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly tenantSchemaVersion: number;
  readonly serverVersion: string;
  readonly tableCount: number;
  readonly rowCount: number;
  readonly verified: boolean;
  readonly madeBy: string;
}

export async function insertBackup(db: Queryable, backup: NewBackup): Promise<Backup> {
  const { rows } = await db.query<BackupRow>(
    `INSERT INTO backups (id, tenant_id, tenant_code, kind, format, location, size_bytes, sha256, tenant_schema_version,
                          server_version, table_count, row_count, verified_at, made_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, CASE WHEN $13 THEN now() END, $14)
     RETURNING ${COLUMNS}`,
    [backup.id, backup.tenantId, backup.tenantCode, backup.kind, backup.format, backup.location, backup.sizeBytes, backup.sha256,
      backup.tenantSchemaVersion, backup.serverVersion, backup.tableCount, backup.rowCount, backup.verified, backup.madeBy],
  );
  return toBackup(rows[0]!);
}

export async function listBackups(db: Queryable, tenantCode: string | null, limit: number): Promise<Backup[]> {
  const { rows } = await db.query<BackupRow>(
    `SELECT ${COLUMNS} FROM backups WHERE ($1::text IS NULL OR tenant_code = $1) ORDER BY made_at DESC, id LIMIT $2`,
    [tenantCode, limit],
  );
  return rows.map(toBackup);
}

export async function findBackup(db: Queryable, id: string): Promise<Backup | null> {
  const { rows } = await db.query<BackupRow>(`SELECT ${COLUMNS} FROM backups WHERE id = $1`, [id]);
  return rows[0] ? toBackup(rows[0]) : null;
}

export async function getBackup(db: Queryable, id: string): Promise<Backup> {
  const backup = await findBackup(db, id);
  if (!backup) throw new AppError('NOT_FOUND', `No backup ${id} in the catalog.`);
  return backup;
}

export async function markVerified(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE backups SET verified_at = now() WHERE id = $1', [id]);
}
