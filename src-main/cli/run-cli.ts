import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { version } from '../../package.json';
import type { ContractError } from '../../src-shared/contract/errors';
import { isAppError } from '../base/app-error';
import { CliContext, type CliIo } from './cli-context';
import { registerApiCommands } from './api-commands';
import { registerAuditCommands } from './audit-commands';
import { registerBackupCommands } from './backup-commands';
import { registerBillingCommands } from './billing-commands';
import { registerDoctorCommands } from './doctor-commands';
import { registerInvoiceCommands } from './invoice-commands';
import { registerJobsCommands } from './jobs-commands';
import { registerSignupCommands } from './signup-commands';
import { registerOperatorCommands } from './operator-commands';
import { registerPlanCommands } from './plan-commands';
import { registerServeCommand } from './serve-command';
import { registerSettingsCommand } from './settings-command';
import { registerSignInCommands } from './sign-in-commands';
import { registerSnapshotCommands } from './snapshot-commands';
import { registerTenantCommands } from './tenant-commands';
import { registerUsageCommands } from './usage-commands';
import { CliError, EXIT_CODES } from './output';

/** A fresh command tree per run: commander keeps parsed options on its commands. */
function buildProgram(cli: CliContext): Command {
  const output = {
    writeOut: (text: string) => cli.out(text),
    writeErr: (text: string) => cli.err(text),
    // Parse errors come back to runCli as exceptions, so every error is one line and one exit code.
    outputError: () => undefined,
  };
  const program = new Command('tenantctl')
    .description('Tenant Console from the command line: provision, list, suspend and reconcile tenants.')
    .version(version)
    .exitOverride()
    .configureOutput(output)
    .addHelpText(
      'after',
      [
        '',
        'Commands run as the operator `tenantctl login` signed in (or TENANT_CONSOLE_OPERATOR and',
        'TENANT_CONSOLE_PASSWORD), with what that role may do. Exit codes: 2 invalid input, 3 not found,',
        '4 conflict, 5 already exists, 6 invalid state, 7 database unreachable, 8 permission denied',
        '(the role may not), 9 `audit verify`: chain broken, 10 not signed in, 130 cancelled, 1 anything else.',
      ].join('\n'),
    );

  registerTenantCommands(program, cli);
  registerPlanCommands(program, cli);
  registerBackupCommands(program, cli);
  registerSettingsCommand(program, cli);
  registerAuditCommands(program, cli);
  registerUsageCommands(program, cli);
  registerServeCommand(program, cli);
  registerSnapshotCommands(program, cli);
  registerInvoiceCommands(program, cli);
  registerJobsCommands(program, cli);
  registerSignupCommands(program, cli);
  registerBillingCommands(program, cli);
  registerDoctorCommands(program, cli);
  registerSignInCommands(program, cli);
  registerOperatorCommands(program, cli);
  registerApiCommands(program, cli);

  // Subcommands inherit the parent's settings only when created after them: apply to all (nested too).
  const quiet = (command: Command): void => {
    for (const sub of command.commands) quiet(sub.exitOverride().configureOutput(output));
  };
  quiet(program);
  return program;
}

function contractErrorOf(error: unknown): ContractError {
  if (error instanceof CliError) return error.error;
  // An expected failure before any call: e.g. TENANT_CONSOLE_OPERATOR with a wrong password (exit 10).
  if (isAppError(error)) return { code: error.code, message: error.message };
  if (error instanceof InvalidArgumentError || error instanceof CommanderError) {
    return { code: 'VALIDATION', message: `${error.message.replace(/^error: /, '')} (see tenantctl --help)` };
  }
  return { code: 'INTERNAL', message: (error as Error).message };
}

/**
 * Runs one `tenantctl` command line (argv without node and the script) against io and
 * returns its exit code. Never exits the process: `tenantctl` (the bin) and tests both call it.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const cli = new CliContext(io);
  const run = buildProgram(cli)
    .parseAsync([...argv], { from: 'user' })
    .then(
      () => cli.exitCode,
      (error: unknown) => {
        // --help and --version end here too, with exit code 0.
        if (error instanceof CommanderError && error.exitCode === 0) return 0;
        const contractError = contractErrorOf(error);
        // Work a signal cut short fails as its core closes: the run has already ended.
        if (cli.wasInterrupted) return EXIT_CODES[contractError.code];
        if (argv.includes('--json')) cli.printJson({ error: contractError });
        cli.err(`tenantctl: ${contractError.message}\n`);
        return EXIT_CODES[contractError.code];
      },
    );
  return Promise.race([run, cli.interrupted]);
}
