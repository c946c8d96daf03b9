import type { Handlers } from '../base/handler-types';
import { AppError } from '../base/app-error';
import type { PlatformContext } from '../platform/platform-context';
import type { JobRegistry } from '../jobs/job-registry';
import type { SecretStore } from '../secrets/secret-store';
import { getTenantRow } from '../tenants/tenant-queries';
import { getBackup, listBackups } from './backup-catalog';
import type { BackupContext } from './backup-context';
import { findMatchingPgDump, readBackupSettings, serverMajor, writeBackupSettings } from './backup-settings';
import { backupTenant } from './backup-tenant';
import { deleteTenant, previewScheduledDeletions, runScheduledDeletions } from './delete-tenant';
import { exportTenant } from './export-tenant';
import { previewPrune, pruneBackups } from './prune-backups';
import { restoreArchive } from './restore-tenant';
import { checkReadablePath, checkWritablePath, verifyBackup } from './verify-backup';

type BackupChannel =
  | 'backups:create'
  | 'backups:list'
  | 'backups:verify'
  | 'backups:restore'
  | 'backups:export'
  | 'backups:prune'
  | 'backups:prunePreview'
  | 'backups:getSettings'
  | 'backups:updateSettings'
  | 'tenants:delete'
  | 'tenants:runScheduledDeletions'
  | 'tenants:scheduledDeletionsPreview'
  | 'jobs:cancel';

/** The backup capability's channels: backup, verify, restore, export, prune, delete, and job cancellation. */
export function createBackupHandlers(ctx: PlatformContext, options: { dataDir: string; jobs: JobRegistry; secrets: SecretStore }): Pick<Handlers, BackupChannel> {
  const bctx: BackupContext = { ctx, dataDir: options.dataDir, jobs: options.jobs, secrets: options.secrets };
  const settings = async () => ({
    ...(await readBackupSettings(ctx.pool, options.dataDir)),
    pgDump: await findMatchingPgDump(await serverMajor(ctx.primary.adminPool)),
  });
  return {
    'backups:create': async ({ ref, format, requestId }) => backupTenant(bctx, { ref, kind: 'manual', format, requestId }),
    'backups:list': async ({ ref, limit }) => listBackups(ctx.pool, ref ? (await getTenantRow(ctx.pool, ref)).tenant_code : null, limit),
    'backups:verify': async (input, context) => verifyBackup(bctx, input, context),
    'backups:restore': async (input, context) => {
      let file: string;
      let expectedSha256: string | undefined;
      if (input.backupId) {
        const backup = await getBackup(ctx.pool, input.backupId);
        if (backup.format !== 'tc-archive') throw new AppError('VALIDATION', 'A pg_dump backup is restored with pg_restore, not by the console.');
        file = backup.location;
        expectedSha256 = backup.sha256;
      } else {
        file = await checkReadablePath(bctx, input.file!, context);
      }
      return restoreArchive(bctx, { file, expectedSha256, mode: input.mode, subdomain: input.subdomain, companyName: input.companyName, requestId: input.requestId });
    },
    'backups:export': async (input, context) => exportTenant(bctx, { ...input, file: await checkWritablePath(bctx, input.file, context) }),
    'backups:prune': async ({ backupIds }) => pruneBackups(bctx, backupIds),
    'backups:prunePreview': async () => previewPrune(bctx),
    'backups:getSettings': settings,
    'backups:updateSettings': async (patch) => {
      await writeBackupSettings(ctx.pool, patch);
      return settings();
    },
    'tenants:delete': async (input) => deleteTenant(bctx, input),
    'tenants:runScheduledDeletions': async ({ tenantCodes }) => runScheduledDeletions(bctx, tenantCodes),
    'tenants:scheduledDeletionsPreview': async () => previewScheduledDeletions(bctx),
    'jobs:cancel': async ({ requestId }) => ({ cancelled: options.jobs.cancel(requestId) }),
  };
}
