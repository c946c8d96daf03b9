import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { CONSOLE_VERSION } from '../app/console-core';
import { registerTenantCommands } from './tenant-commands';
import { registerPlanCommands } from './plan-commands';
import { registerBackupCommands } from './backup-commands';
import { registerServeCommand } from './serve-command';
import { registerSettingsCommand } from './settings-command';
import { registerAuditCommands } from './audit-commands';
import { registerUsageCommands } from './usage-commands';
import { registerSnapshotCommands } from './snapshot-commands';
import { registerInvoiceCommands } from './invoice-commands';
import { registerJobsCommands } from './jobs-commands';
import { registerBillingCommands } from './billing-commands';
import { CliError, EXIT_CODES, printJson } from './output';

const program = new Command('tenantctl')
  .description('Tenant Console from the command line: provision, list, suspend and reconcile tenants.')
  .version(CONSOLE_VERSION)
  // Parse errors come back here as exceptions, so every error is one line and one exit code.
  .exitOverride()
  .configureOutput({ outputError: () => undefined });

registerTenantCommands(program);
registerPlanCommands(program);
registerBackupCommands(program);
registerSettingsCommand(program);
registerAuditCommands(program);
registerUsageCommands(program);
registerServeCommand(program);
registerSnapshotCommands(program);
registerInvoiceCommands(program);
registerJobsCommands(program);
registerBillingCommands(program);

// Subcommands inherit the parent's settings only when created after them: apply to all (nested too).
const quiet = (command: Command): void => {
  for (const sub of command.commands) quiet(sub.exitOverride().configureOutput({ outputError: () => undefined }));
};
quiet(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // --help and --version end here too, with exit code 0.
  if (error instanceof CommanderError && error.exitCode === 0) process.exit(0);
  const json = process.argv.includes('--json');
  const contractError =
    error instanceof CliError
      ? error.error
      : error instanceof InvalidArgumentError || error instanceof CommanderError
        ? { code: 'VALIDATION' as const, message: `${error.message.replace(/^error: /, '')} (see tenantctl --help)` }
        : { code: 'INTERNAL' as const, message: (error as Error).message };
  if (json) printJson({ error: contractError });
  process.stderr.write(`tenantctl: ${contractError.message}\n`);
  process.exitCode = EXIT_CODES[contractError.code];
}
