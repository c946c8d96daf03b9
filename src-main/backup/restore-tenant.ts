import { randomUUID } from 'node:crypto';
import type { RestoreResult } from '../../src-shared/contract/backup-models';
import { AppError } from '../base/app-error';
import { cancelledError } from '../jobs/job-registry';
import { quoteIdent } from '../postgres/identifiers';
import { LONG_TENANT_WORK, withClient } from '../postgres/pools';
import type { PlatformContext, TenantServer } from '../platform/platform-context';
import { ensureTemplate, TENANT_SCHEMA_VERSION } from '../tenant-schema/template';
import { TENANT_MIGRATIONS } from '../tenant-schema/migrations';
import { applyMigrations } from '../base/migration-runner';
import { runJournaled, type JournaledOperation } from '../operations/run-journaled';
import { provisionTenant } from '../tenants/provision';
import { currentPlan, getTenantRow, isSubdomainTaken } from '../tenants/tenant-queries';
import { ArchiveProblem, type ArchiveManifest } from './archive-format';
import { readArchive } from './archive-reader';
import { readBackupSettings } from './backup-settings';
import { backupSigningKey, unsignedRefusal } from './manifest-signature';
import { backupTenant } from './backup-tenant';
import { formatBytes, progressEmitter, type BackupContext } from './backup-context';
import { loadArchive, verifyLoaded } from './restore-load';
import { finishInPlaceSwap, settleRestore, type RestorePayload } from './restore-settle';
import { finishRestoredDatabase } from './reapply-limits';

export interface RestoreRequest {
  readonly file: string;
  /** The catalog's SHA-256 of the file when restoring by backup id: the file must still be that file. */
  readonly expectedSha256?: string | undefined;
  readonly mode: 'as-new' | 'in-place';
  readonly subdomain?: string | undefined;
  /** As a new tenant: the copy's company name (default: the one in the backup). */
  readonly companyName?: string | undefined;
  readonly requestId?: string | undefined;
}

/**
 * Restores an archive, never touching anything before the whole file is verified:
 * (1) verify the archive; (2) in place only: a safety backup of the current state;
 * (3) a staging database from the template at the archive's schema version, loaded with
 * COPY and verified table by table, then migrated forward; (4) as a new tenant:
 * provisioning adopts the staging database; in place: the tenant's database is swapped
 * for it. Journaled: a failure or a crash drops the staging database and puts the old
 * database back (see restore-settle).
 */
export async function restoreArchive(bctx: BackupContext, request: RestoreRequest): Promise<RestoreResult> {
  const { ctx } = bctx;
  const job = bctx.jobs.start(request.requestId, 'The restore');
  let progress = progressEmitter(ctx, request.requestId, 'restore', null);
  const describeFailure = (error: unknown): Error =>
    job.signal.aborted
      ? cancelledError('The restore')
      : error instanceof AppError
        ? error
        : new AppError('INTERNAL', `The restore failed: ${(error as Error).message}. Nothing was changed.`, { cause: error });
  try {
    progress('verifying', 'Verifying the backup before anything is touched');
    const hmacKey = await backupSigningKey(bctx.secrets);
    const archive = await readArchive(request.file, {
      signal: job.signal,
      hmacKey,
      onProgress: ({ bytesDone, bytesTotal }) => progress('verifying', `Verifying: ${formatBytes(bytesDone)} of ${formatBytes(bytesTotal)}`, { bytesDone }),
    }).catch((error) => {
      if (error instanceof ArchiveProblem) throw new AppError('VALIDATION', `Restore refused, nothing was touched: ${error.message}`);
      throw error;
    });
    if (request.expectedSha256 && archive.sha256 !== request.expectedSha256) {
      throw new AppError('VALIDATION', 'Restore refused, nothing was touched: the backup file differs from the one catalogued (checksum).');
    }
    if (archive.signature !== 'signed' && (await readBackupSettings(ctx.pool, bctx.dataDir)).requireSigned) {
      throw new AppError('VALIDATION', `Restore refused, nothing was touched: ${unsignedRefusal(archive.signature)}`);
    }
    const { manifest } = archive;
    if (manifest.tenantSchemaVersion > TENANT_SCHEMA_VERSION) {
      throw new AppError('VALIDATION', `Restore refused: the backup has tenant schema ${manifest.tenantSchemaVersion}, this console knows ${TENANT_SCHEMA_VERSION}. Update the console.`);
    }
    progress = progressEmitter(ctx, request.requestId, 'restore', manifest.tenant.code);

    const server = ctx.primary;
    let safetyBackupId: string | null = null;
    let target: { code: string; tenantId: string | null; database: string | null; role: string | null; status: string | null };
    if (request.mode === 'in-place') {
      const tenant = await getTenantRow(ctx.pool, manifest.tenant.code);
      if (tenant.status === 'deleted' || tenant.status === 'provisioning') {
        throw new AppError('INVALID_STATE', `Cannot restore ${tenant.tenant_code} in place: it is ${tenant.status}. Restore it as a new tenant instead.`);
      }
      if (tenant.server_id !== server.id) throw new AppError('INVALID_STATE', `${tenant.tenant_code} lives on a server this console is not connected to.`);
      progress('safety_backup', `Backing up the current state of ${tenant.tenant_code} first`);
      safetyBackupId = (await backupTenant(bctx, { ref: tenant.tenant_code, kind: 'pre-restore' })).id;
      target = { code: tenant.tenant_code, tenantId: tenant.id, database: tenant.database_name, role: tenant.db_role, status: tenant.status };
    } else {
      if (await isSubdomainTaken(ctx.pool, request.subdomain!)) throw new AppError('ALREADY_EXISTS', `The subdomain "${request.subdomain}" is already used by another tenant.`);
      await currentPlan(ctx.pool, manifest.tenant.plan);
      target = { code: manifest.tenant.code, tenantId: null, database: null, role: null, status: null };
    }

    const tag = randomUUID().replace(/-/g, '').slice(0, 16);
    const payload: RestorePayload = {
      mode: request.mode,
      serverId: server.id,
      staging: `tc_restore_${tag}`,
      oldDatabase: `tc_replaced_${tag}`,
      database: target.database,
      role: target.role,
      status: target.status,
      subdomain: request.subdomain ?? null,
      file: request.file,
    };
    return await runJournaled(
      ctx,
      {
        entry: { kind: 'restore', tenantId: target.tenantId, tenantCode: target.code, step: 'restore_registered', payload },
        describeFailure,
        undo: async (operation, failure) => {
          await settleRestore(ctx, operation, failure.message);
        },
      },
      async (operation) => {
        await operation.step('restore_creating_staging');
        await createStaging(server, payload.staging, manifest.tenantSchemaVersion);
        await operation.step('restore_loading');
        await withClient(server.endpoint, payload.staging, async (client) => {
          await loadArchive(client, request.file, manifest, hmacKey, (counts) => progress('loading', `Loading: ${counts.tablesDone}/${counts.tablesTotal} tables, ${formatBytes(counts.bytesDone)}`, counts), job.signal);
          job.throwIfCancelled();
          progress('checking', 'Checking the restored tables against the backup');
          await verifyLoaded(client, manifest, job.signal);
          if (manifest.tenantSchemaVersion < TENANT_SCHEMA_VERSION) await applyMigrations(client, TENANT_MIGRATIONS, 'platform.schema_migrations');
        }, { timeouts: LONG_TENANT_WORK });
        job.throwIfCancelled();
        await operation.step('restore_verified');

        const result = request.mode === 'in-place'
          ? await swapInPlace(ctx, operation, payload, manifest, safetyBackupId)
          : await adoptAsNewTenant(ctx, operation, payload, manifest, request.subdomain!, request.companyName);
        await operation.finish();
        progress('done', `Restored ${result.tenantCode}: ${result.tables} tables, ${result.rows} rows, verified`, { tablesDone: result.tables, tablesTotal: result.tables });
        return result;
      },
    );
  } catch (error) {
    // Refusals before the journal (a bad archive, a taken subdomain) and the journaled run's own failures alike.
    throw describeFailure(error);
  } finally {
    job.finish();
  }
}

/** The staging database, from the template at the archive's schema version (built if this console has none yet). */
async function createStaging(server: TenantServer, staging: string, schemaVersion: number): Promise<void> {
  let template = server.templateDatabase;
  if (schemaVersion < TENANT_SCHEMA_VERSION) {
    const admin = await server.adminPool.connect();
    try {
      template = await ensureTemplate(server.endpoint, admin, TENANT_MIGRATIONS.filter((migration) => migration.version <= schemaVersion));
    } finally {
      admin.release();
    }
  }
  await server.adminPool.query(`CREATE DATABASE ${quoteIdent(staging)} TEMPLATE ${quoteIdent(template)}`);
  await server.adminPool.query(`REVOKE ALL ON DATABASE ${quoteIdent(staging)} FROM PUBLIC`);
}

async function swapInPlace(ctx: PlatformContext, operation: JournaledOperation, payload: RestorePayload, manifest: ArchiveManifest, safetyBackupId: string | null): Promise<RestoreResult> {
  await operation.step('restore_swapping');
  await finishInPlaceSwap(ctx, operation, true);
  return {
    mode: 'in-place',
    tenantCode: operation.tenantCode,
    databaseName: payload.database!,
    tables: manifest.totals.tables,
    rows: manifest.totals.rows,
    safetyBackupId,
    credentials: null,
  };
}

async function adoptAsNewTenant(ctx: PlatformContext, operation: JournaledOperation, payload: RestorePayload, manifest: ArchiveManifest, subdomain: string, companyName: string | undefined): Promise<RestoreResult> {
  await operation.step('restore_provisioning');
  const { tenant, credentials } = await provisionTenant(
    ctx,
    { companyName: companyName ?? manifest.tenant.companyName, subdomain, plan: manifest.tenant.plan, adminEmail: manifest.tenant.adminEmail },
    () => undefined,
    { adoptDatabase: payload.staging },
  );
  // The copy's own plan, no overrides: the source's overrides in the archive are replaced.
  await finishRestoredDatabase(ctx, tenant.id);
  return {
    mode: 'as-new',
    tenantCode: tenant.tenantCode,
    databaseName: tenant.databaseName,
    tables: manifest.totals.tables,
    rows: manifest.totals.rows,
    safetyBackupId: null,
    credentials,
  };
}
