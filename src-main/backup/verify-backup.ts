import { isAbsolute, relative, resolve } from 'node:path';
import type { VerifyReport } from '../../src-shared/contract/backup-models';
import { AppError } from '../base/app-error';
import type { CallContext } from '../base/handler-types';
import { cancelledError } from '../jobs/job-registry';
import { ArchiveProblem, qualifiedName } from './archive-format';
import { readArchive } from './archive-reader';
import { getBackup, markVerified } from './backup-catalog';
import { formatBytes, progressEmitter, type BackupContext } from './backup-context';
import { readBackupSettings } from './backup-settings';
import { backupSigningKey, unsignedRefusal } from './manifest-signature';

/**
 * A file named by a window (IPC or host mode) must lie inside the backup folder: a
 * renderer never gets to make main read arbitrary files. The CLI and tests are the
 * operator at a shell and may name any absolute path.
 */
export async function checkReadablePath(bctx: BackupContext, file: string, context: CallContext): Promise<string> {
  return checkWindowPath(bctx, file, context, (directory) => `Backups are read from the backup folder (${directory}) only.`);
}

/**
 * The same for a file a window asks main to write (a customer export): a support operator
 * in a browser must not make the console overwrite ~/.bashrc or the secrets file.
 */
export async function checkWritablePath(bctx: BackupContext, file: string, context: CallContext): Promise<string> {
  return checkWindowPath(bctx, file, context, (directory) => `Exports are written to the backup folder (${directory}) only.`);
}

async function checkWindowPath(bctx: BackupContext, file: string, context: CallContext, refusal: (directory: string) => string): Promise<string> {
  const path = resolve(file);
  if (context.origin === 'cli' || context.origin === 'test') return path;
  const { directory } = await readBackupSettings(bctx.ctx.pool, bctx.dataDir);
  const inside = relative(directory, path);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) throw new AppError('FORBIDDEN', refusal(directory));
  return path;
}

/** Reads a whole archive and checks it against its manifest, its signature (and the catalog's checksum, by id). */
export async function verifyBackup(
  bctx: BackupContext,
  request: { backupId?: string | undefined; file?: string | undefined; requestId?: string | undefined },
  context: CallContext,
): Promise<VerifyReport> {
  const catalogued = request.backupId ? await getBackup(bctx.ctx.pool, request.backupId) : null;
  if (catalogued && catalogued.format !== 'tc-archive') throw new AppError('VALIDATION', 'Only the console\'s own archives can be verified here; check a pg_dump file with pg_restore --list.');
  const file = catalogued ? catalogued.location : await checkReadablePath(bctx, request.file!, context);
  const job = bctx.jobs.start(request.requestId, 'The verification');
  const progress = progressEmitter(bctx.ctx, request.requestId, 'backup', catalogued?.tenantCode ?? null);
  const empty: VerifyReport = { ok: false, problem: null, file, tenantCode: null, archiveId: null, tenantSchemaVersion: null, madeAt: null, tables: [], rows: 0, bytes: 0, signature: null };
  try {
    const { requireSigned } = await readBackupSettings(bctx.ctx.pool, bctx.dataDir);
    const archive = await readArchive(file, {
      signal: job.signal,
      hmacKey: await backupSigningKey(bctx.secrets),
      onProgress: ({ bytesDone, bytesTotal }) => progress('verifying', `Verifying: ${formatBytes(bytesDone)} of ${formatBytes(bytesTotal)}`, { bytesDone }),
    });
    if (catalogued && (archive.sha256 !== catalogued.sha256 || archive.sizeBytes !== catalogued.sizeBytes)) {
      return { ...empty, problem: 'The file differs from the one catalogued (size or checksum): it was changed or replaced.' };
    }
    if (requireSigned && archive.signature !== 'signed') return { ...empty, problem: unsignedRefusal(archive.signature), signature: archive.signature };
    if (catalogued) await markVerified(bctx.ctx.pool, catalogued.id);
    const { manifest } = archive;
    return {
      ok: true,
      problem: null,
      file,
      tenantCode: manifest.tenant.code,
      archiveId: manifest.archiveId,
      tenantSchemaVersion: manifest.tenantSchemaVersion,
      madeAt: manifest.madeAt,
      tables: manifest.tables.map((table) => ({ table: qualifiedName(table), rows: table.rows, bytes: table.bytes, ok: true })),
      rows: manifest.totals.rows,
      bytes: manifest.totals.bytes,
      signature: archive.signature,
    };
  } catch (error) {
    if (job.signal.aborted) throw cancelledError('The verification');
    if (error instanceof ArchiveProblem) return { ...empty, problem: error.message };
    throw error;
  } finally {
    job.finish();
  }
}
