import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from './cli-context';
import type { Backup, VerifyReport } from '../../src-shared/contract/backup-models';
import { formatTable } from './output';
import { withCliSession, type CliSession } from './session';

const json = { flags: '--json', description: 'print JSON (snake_case) instead of text' } as const;

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Follows one job's progress events on a terminal: one line, rewritten in place (stderr,
 * only when it is a TTY, so pipes and --json stay clean). Returns the request id and a stop.
 */
function followProgress(cli: CliContext, session: CliSession): { requestId: string; stop(): void } {
  const requestId = crypto.randomUUID();
  const show = cli.io.stderr.isTTY;
  const off = session.core.events.on('job:progress', (event) => {
    if (!show || event.requestId !== requestId) return;
    cli.err(`\r\x1b[2K  ${event.message}`);
  });
  return {
    requestId,
    stop() {
      off();
      if (show) cli.err('\r\x1b[2K');
    },
  };
}

async function asJob<T>(cli: CliContext, session: CliSession, work: (requestId: string) => Promise<T>): Promise<T> {
  const progress = followProgress(cli, session);
  try {
    return await work(progress.requestId);
  } finally {
    progress.stop();
  }
}

function printBackup(cli: CliContext, backup: Backup): void {
  cli.printFields([
    ['Backup', backup.id],
    ['Tenant', backup.tenantCode],
    ['Kind', backup.kind],
    ['File', backup.location],
    ['Size', megabytes(backup.sizeBytes)],
    ['Tables / rows', `${backup.tableCount} / ${backup.rowCount}`],
    ['SHA-256', backup.sha256],
    ['Verified', backup.verifiedAt],
    ['Made', `${backup.madeAt} by ${backup.madeBy}`],
  ]);
}

const absolute = (value: string) => resolve(value);

export function registerBackupCommands(program: Command, cli: CliContext): void {
  program
    .command('backup')
    .description("back a tenant up now: every table, compressed, checksummed, verified")
    .argument('<ref>', 'tenant code or subdomain')
    .option('--pg-dump', "use pg_dump's custom format (only where a pg_dump matching the server is on PATH)")
    .option(json.flags, json.description)
    .action(async (ref: string, options: { pgDump?: boolean; json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const backup = await asJob(cli, session, (requestId) => session.call('backups:create', { ref, format: options.pgDump ? 'pg_dump' : 'tc-archive', requestId }));
        if (options.json) cli.printJson(backup);
        else printBackup(cli, backup);
      });
    });

  program
    .command('backups')
    .description('list backups (of one tenant, or all), newest first')
    .argument('[ref]', 'tenant code or subdomain')
    .option(json.flags, json.description)
    .action(async (ref: string | undefined, options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const backups = await session.call('backups:list', ref ? { ref } : {});
        if (options.json) return cli.printJson({ backups });
        if (backups.length === 0) return void cli.out('No backups.\n');
        cli.printTable(
          ['MADE', 'TENANT', 'KIND', 'SIZE', 'VERIFIED', 'ID'],
          backups.map((b) => [b.madeAt.replace('T', ' ').slice(0, 19), b.tenantCode, b.kind, megabytes(b.sizeBytes), b.verifiedAt ? 'yes' : 'no', b.id]),
        );
      });
    });

  program
    .command('verify-backup')
    .description('read a whole backup file and check every table against its manifest')
    .argument('<file>', 'the backup file', absolute)
    .option(json.flags, json.description)
    .action(async (file: string, options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const report = await asJob(cli, session, (requestId) => session.call('backups:verify', { file, requestId }));
        if (options.json) cli.printJson(report);
        else if (report.ok) cli.out(`OK: ${report.tenantCode}, ${report.tables.length} tables, ${report.rows} rows, made ${report.madeAt}, ${signatureWords(report.signature)}.\n`);
        else cli.out(`REFUSED: ${report.problem}\n`);
        // A refused archive is a failed check for scripts.
        if (!report.ok) cli.exitCode = 2;
      });
    });

  program
    .command('restore')
    .description('restore a backup file as a new tenant (a copy) or in place (after a safety backup)')
    .argument('<file>', 'the backup file', absolute)
    .option('--as-new <subdomain>', "restore as a new tenant with this subdomain")
    .option('--company-name <name>', 'with --as-new: the copy\'s company name (default: the original\'s)')
    .option('--in-place', "replace the backed-up tenant's data (a safety backup is made first)")
    .option(json.flags, json.description)
    .action(async (file: string, options: { asNew?: string; companyName?: string; inPlace?: boolean; json?: boolean }) => {
      if ((options.asNew === undefined) === (options.inPlace === undefined)) throw new InvalidArgumentError('Give exactly one of --as-new SUBDOMAIN or --in-place.');
      if (options.companyName !== undefined && options.asNew === undefined) throw new InvalidArgumentError('--company-name goes with --as-new.');
      await withCliSession(cli, async (session) => {
        const result = await asJob(cli, session, (requestId) =>
          session.call('backups:restore', options.asNew
            ? { file, mode: 'as-new', subdomain: options.asNew, ...(options.companyName !== undefined ? { companyName: options.companyName } : {}), requestId }
            : { file, mode: 'in-place', requestId }),
        );
        if (options.json) return cli.printJson(result);
        cli.out(`Restored ${result.tenantCode} (${result.mode}): ${result.tables} tables, ${result.rows} rows, verified.\n`);
        if (result.safetyBackupId) cli.out(`Safety backup of the previous state: ${result.safetyBackupId}\n`);
        if (result.credentials) {
          cli.out('\nDatabase credentials — shown once, store them now:\n');
          cli.printFields(Object.entries(result.credentials));
        }
      });
    });

  program
    .command('export')
    .description("export a tenant's data for the customer: a zip of CSV files with a manifest and README")
    .argument('<ref>', 'tenant code or subdomain')
    .requiredOption('--out <file>', 'the zip file to write', absolute)
    .option(json.flags, json.description)
    .action(async (ref: string, options: { out: string; json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const result = await asJob(cli, session, (requestId) => session.call('backups:export', { ref, file: options.out, requestId }));
        if (options.json) cli.printJson(result);
        else cli.out(`Exported ${result.tables} tables, ${result.rows} rows to ${result.file} (${megabytes(result.sizeBytes)}).\n`);
      });
    });

  program
    .command('delete')
    .description('delete a cancelled tenant past retention (or force with --confirm CODE): final backup, then drop; a tombstone stays')
    .argument('<ref>', 'tenant code or subdomain')
    .option('--confirm <code>', 'force the deletion now: type the tenant code')
    .option(json.flags, json.description)
    .action(async (ref: string, options: { confirm?: string; json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const result = await asJob(cli, session, (requestId) =>
          session.call('tenants:delete', { ref, requestId, ...(options.confirm !== undefined ? { confirmCode: options.confirm } : {}) }),
        );
        if (options.json) cli.printJson(result);
        else cli.out(`Deleted ${result.tenantCode}. Final backup: ${result.finalBackupId}.\n`);
      });
    });

  program
    .command('delete-due')
    .description('delete every cancelled tenant whose retention has ended (for cron)')
    .option('--dry-run', 'list the tenants and databases that would be deleted; change nothing')
    .option(json.flags, json.description)
    .action(async (options: { dryRun?: boolean; json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        if (options.dryRun) {
          const preview = await session.call('tenants:scheduledDeletionsPreview', {});
          if (options.json) return cli.printJson(preview);
          if (preview.tenants.length === 0) return cli.out('Nothing to delete: no cancelled tenant is past its retention.\n');
          cli.out(`Would delete ${preview.tenants.length} ${preview.tenants.length === 1 ? 'tenant' : 'tenants'} (a verified final backup of each first):\n`);
          cli.out(
            formatTable(
              ['CODE', 'COMPANY', 'DATABASE', 'SERVER', 'DUE SINCE'],
              preview.tenants.map((tenant) => [tenant.tenantCode, tenant.companyName, tenant.databaseName, tenant.serverName, tenant.deletionScheduledAt.slice(0, 10)]),
            ),
          );
          return;
        }
        const report = await session.call('tenants:runScheduledDeletions', {});
        if (options.json) return cli.printJson(report);
        cli.out(`Deleted ${report.deleted.length}, failed ${report.failed.length}.\n`);
        for (const failure of report.failed) cli.out(`  failed: ${failure.tenantCode}: ${failure.message}\n`);
      });
    });

  program
    .command('prune')
    .description('apply backup retention: keep the newest N per tenant and every pre-deletion backup')
    .option('--dry-run', 'list the backup files that would be removed, with sizes and the total; change nothing')
    .option(json.flags, json.description)
    .action(async (options: { dryRun?: boolean; json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        if (options.dryRun) {
          const preview = await session.call('backups:prunePreview', {});
          if (options.json) return cli.printJson(preview);
          if (preview.backups.length === 0) return cli.out(`Nothing to prune: no backup is beyond the newest ${preview.keepLast} per tenant. ${preview.kept} kept.\n`);
          cli.out(`Would remove ${preview.backups.length} ${preview.backups.length === 1 ? 'backup' : 'backups'}, ${megabytes(preview.totalBytes)} in all; ${preview.kept} kept:\n`);
          cli.out(
            formatTable(
              ['TENANT', 'KIND', 'MADE', 'SIZE', 'FILE'],
              preview.backups.map((backup) => [backup.tenantCode, backup.kind, backup.madeAt.slice(0, 16).replace('T', ' '), megabytes(backup.sizeBytes), backup.location]),
            ),
          );
          return;
        }
        const report = await session.call('backups:prune', {});
        if (options.json) return cli.printJson(report);
        cli.out(`Removed ${report.removed.length} backups, ${report.kept} kept.\n`);
      });
    });
}

/** The archive's signature in the words the verify line prints. */
function signatureWords(signature: VerifyReport['signature']): string {
  if (signature === 'signed') return 'signed by this console';
  if (signature === 'unknown-key') return "signed with another console's key (not checked here)";
  return 'UNSIGNED (an older archive, or its signature was removed)';
}
