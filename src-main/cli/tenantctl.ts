import { Command, InvalidArgumentError } from 'commander';
import { CONSOLE_VERSION } from '../core/console-core';
import { registerTenantCommands } from './tenant-commands';
import { registerServeCommand } from './serve-command';
import { CliError, EXIT_CODES, printJson } from './output';

const program = new Command('tenantctl')
  .description('Tenant Console from the command line: provision, list, suspend and reconcile tenants.')
  .version(CONSOLE_VERSION)
  .showHelpAfterError('(run tenantctl --help for usage)')
  .configureOutput({ outputError: (text, write) => write(text) });

registerTenantCommands(program);
registerServeCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const json = process.argv.includes('--json');
  const contractError =
    error instanceof CliError
      ? error.error
      : error instanceof InvalidArgumentError
        ? { code: 'VALIDATION' as const, message: error.message }
        : { code: 'INTERNAL' as const, message: (error as Error).message };
  if (json) printJson({ error: contractError });
  process.stderr.write(`tenantctl: ${contractError.message}\n`);
  process.exitCode = EXIT_CODES[contractError.code];
}
