import type { Command } from 'commander';
import { FINDING_SEVERITIES, type ServerCheckReport } from '../../src-shared/contract/server-check-channels';
import type { CliContext } from './cli-context';
import { EXIT_CODES } from './output';
import { withCliSession } from './session';

/**
 * `doctor` exits with the table's INVALID_STATE code (6) when the check found anything:
 * the server is in a state the operator should change. 0 means no finding; a check that
 * could not run at all exits with its error's code (7 unreachable, 1 otherwise).
 */
export const EXIT_FINDINGS = EXIT_CODES.INVALID_STATE;

function printReport(cli: CliContext, report: ServerCheckReport): void {
  for (const finding of report.findings) {
    cli.out(`${finding.severity.toUpperCase().padEnd(6)} ${finding.check.padEnd(14)} ${finding.subject}: ${finding.message} Fix: ${finding.fix}\n`);
  }
  if (report.ok) {
    cli.out('No findings: no database open to PUBLIC, no trust line in pg_hba.conf, no tenant role changed its password or settings.\n');
    return;
  }
  const counts = FINDING_SEVERITIES.map((severity) => [severity, report.findings.filter((finding) => finding.severity === severity).length] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}`);
  cli.out(`${report.findings.length} finding${report.findings.length === 1 ? '' : 's'} (${counts.join(', ')}).\n`);
}

export function registerDoctorCommands(program: Command, cli: CliContext): void {
  program
    .command('doctor')
    .description(
      "check the console's server: databases PUBLIC can connect to, trust lines in pg_hba.conf, tenant roles that changed their own password or settings; " +
        `exit code ${EXIT_FINDINGS} on a finding`,
    )
    .option('--json', 'print {ok, findings: [{check, severity, subject, message, fix}]} instead of text')
    .action(async (options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const report = await session.call('settings:serverCheck', {});
        if (options.json) cli.printJson(report);
        else printReport(cli, report);
        if (!report.ok) cli.exitCode = EXIT_FINDINGS;
      });
    });
}
