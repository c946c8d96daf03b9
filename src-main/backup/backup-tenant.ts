import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Backup, BackupKind } from '../../src-shared/contract/backup-models';
import { AppError } from '../base/app-error';
import { cancelledError } from '../jobs/job-registry';
import { LONG_TENANT_WORK, withClient } from '../postgres/pools';
import type { Reconciler } from '../operations/reconcile';
import { runJournaled, type JournaledOperation } from '../operations/run-journaled';
import { getTenantRow } from '../tenants/tenant-queries';
import type { TenantRow } from '../tenants/tenant-rows';
import { ARCHIVE_EXTENSION, ArchiveProblem } from './archive-format';
import { readArchive } from './archive-reader';
import { writeArchive } from './archive-writer';
import { backupSigningKey } from './manifest-signature';
import { createAtomicFile, removeIfPresent, tempPathFor } from './atomic-file';
import { insertBackup, findBackup } from './backup-catalog';
import { formatBytes, progressEmitter, type BackupContext } from './backup-context';
import { readBackupSettings } from './backup-settings';
import { writePgDump } from './pg-dump-format';

export interface BackupPayload extends Record<string, unknown> {
  backupId: string;
  tempPath: string;
  finalPath: string;
  backupKind: BackupKind;
}

export interface BackupRequest {
  readonly ref: string;
  readonly kind: BackupKind;
  readonly format?: Backup['format'];
  readonly requestId?: string | undefined;
}

/**
 * Backs a tenant up, journaled: registered → writing (temp file) → written (renamed) →
 * verified and catalogued (one transaction with the journal's end). The file is read back
 * and checked against its manifest before it counts as a backup; a failure or a cancel
 * removes whatever was written. Reconcile removes the files of a crashed one.
 */
export async function backupTenant(bctx: BackupContext, request: BackupRequest): Promise<Backup> {
  const { ctx } = bctx;
  const tenant = await getTenantRow(ctx.pool, request.ref);
  if (tenant.status === 'provisioning' || tenant.status === 'deleted') {
    throw new AppError('INVALID_STATE', `Cannot back up ${tenant.tenant_code}: it is ${tenant.status}.`);
  }
  const format = request.format ?? 'tc-archive';
  const settings = await readBackupSettings(ctx.pool, bctx.dataDir);
  await mkdir(settings.directory, { recursive: true, mode: 0o700 });
  const backupId = randomUUID();
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const finalPath = join(settings.directory, `${tenant.tenant_code}-${stamp}-${backupId.slice(0, 8)}${format === 'pg_dump' ? '.dump' : ARCHIVE_EXTENSION}`);
  const payload: BackupPayload = { backupId, tempPath: tempPathFor(finalPath, backupId.slice(0, 8)), finalPath, backupKind: request.kind };

  const job = bctx.jobs.start(request.requestId, `The backup of ${tenant.tenant_code}`);
  const progress = progressEmitter(ctx, request.requestId, 'backup', tenant.tenant_code);
  try {
    return await runJournaled(
      ctx,
      {
        entry: { kind: 'backup', tenantId: tenant.id, tenantCode: tenant.tenant_code, step: 'backup_registered', payload },
        describeFailure: (error) => (job.signal.aborted ? cancelledError(`The backup of ${tenant.tenant_code}`) : asBackupError(tenant.tenant_code, error)),
      },
      async (operation) => {
        const file = await createAtomicFile(finalPath, backupId.slice(0, 8));
        let renamed = false;
        try {
          await operation.step('backup_writing');
          progress('writing', `Backing up ${tenant.tenant_code}`);
          const server = ctx.serverById(tenant.server_id);
          const hmacKey = await backupSigningKey(bctx.secrets);
          const written =
            format === 'pg_dump'
              ? await writePgDump(server, tenant.database_name, file.stream, job.signal)
              : await withClient(server.endpoint, tenant.database_name, (client) =>
                  writeArchive(
                    client,
                    file.stream,
                    { tenant: manifestTenant(tenant), kind: request.kind, madeBy: ctx.operator, hmacKey },
                    ({ tablesDone, tablesTotal, bytesDone, table }) =>
                      progress('tables', `${table ?? 'Tables'}: ${tablesDone}/${tablesTotal} tables, ${formatBytes(bytesDone)}`, { tablesDone, tablesTotal, bytesDone }),
                    job.signal,
                  ),
                  { timeouts: LONG_TENANT_WORK },
                );
          job.throwIfCancelled();
          await file.commit();
          renamed = true;
          await operation.step('backup_written');

          progress('verifying', `Verifying ${tenant.tenant_code}'s backup`);
          const verified = format === 'pg_dump' ? { sha256: written.sha256, sizeBytes: written.sizeBytes } : await readArchive(finalPath, { signal: job.signal, hmacKey });
          job.throwIfCancelled();
          if (verified.sha256 !== written.sha256 || verified.sizeBytes !== written.sizeBytes) {
            throw new ArchiveProblem('The backup file read back differs from what was written (storage error).');
          }
          const backup = await commitCatalog(bctx, operation, tenant, payload, format, written);
          progress('done', `Backed up ${tenant.tenant_code}: ${formatBytes(backup.sizeBytes)}, verified`, {
            tablesDone: backup.tableCount,
            tablesTotal: backup.tableCount,
            bytesDone: backup.sizeBytes,
          });
          return backup;
        } catch (error) {
          await file.abort();
          if (renamed) await removeIfPresent(finalPath).catch(() => undefined);
          throw error;
        }
      },
    );
  } finally {
    job.finish();
  }
}

/** The catalog row and the journal's end, in one transaction: a backup counts once it is both verified and listed. */
function commitCatalog(
  bctx: BackupContext,
  operation: JournaledOperation,
  tenant: TenantRow,
  payload: BackupPayload,
  format: Backup['format'],
  written: { sha256: string; sizeBytes: number; manifest?: { tenantSchemaVersion: number; serverVersion: string; totals: { tables: number; rows: number } } },
): Promise<Backup> {
  return operation.finishIn({ step: 'backup_catalogued' }, (client) =>
    insertBackup(client, {
      id: payload.backupId,
      tenantId: tenant.id,
      tenantCode: tenant.tenant_code,
      kind: payload.backupKind,
      format,
      location: payload.finalPath,
      sizeBytes: written.sizeBytes,
      sha256: written.sha256,
      tenantSchemaVersion: written.manifest?.tenantSchemaVersion ?? 0,
      serverVersion: written.manifest?.serverVersion ?? '',
      tableCount: written.manifest?.totals.tables ?? 0,
      rowCount: written.manifest?.totals.rows ?? 0,
      verified: true,
      madeBy: bctx.ctx.operator,
    }),
  );
}

export function manifestTenant(tenant: TenantRow) {
  return {
    id: tenant.id,
    code: tenant.tenant_code,
    companyName: tenant.company_name,
    subdomain: tenant.subdomain,
    adminEmail: tenant.admin_email,
    plan: tenant.plan_code,
    planVersion: tenant.plan_version,
    status: tenant.status,
  };
}

function asBackupError(code: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ArchiveProblem) return new AppError('INTERNAL', `The backup of ${code} failed verification: ${error.message}`, { cause: error });
  return new AppError('INTERNAL', `The backup of ${code} failed: ${(error as Error).message}. Nothing was kept.`, { cause: error });
}

/** Reconcile: a backup whose process died is rolled back — its temp file, and its final file if never catalogued, removed. */
export const backupReconciler: Reconciler = {
  kinds: ['backup'],
  handle: async (ctx, operation, reason) => {
    const payload = operation.payload as BackupPayload;
    await removeIfPresent(payload.tempPath);
    if (!(await findBackup(ctx.pool, payload.backupId))) await removeIfPresent(payload.finalPath);
    await operation.finish({ state: 'rolled_back', error: reason });
    return 'rolledBack';
  },
};
