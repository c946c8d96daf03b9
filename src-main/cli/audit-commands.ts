import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from './cli-context';
import type { AuditEvent, AuditVerifyResult } from '../../src-shared/contract/audit-models';
import { withCliSession } from './session';

/** `audit verify` exits with this when a chain is broken (distinct from every error code's). */
export const EXIT_CHAIN_BROKEN = 9;

function isoOption(value: string): string {
  if (Number.isNaN(Date.parse(value)) || !/^\d{4}-\d{2}-\d{2}/.test(value)) throw new InvalidArgumentError('Use an ISO date or date-time, e.g. 2025-01-31 or 2025-01-31T08:00:00Z.');
  return new Date(value).toISOString();
}

function limitOption(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new InvalidArgumentError('Limit must be 1–1000.');
  return limit;
}

function sourceOption(value: string): 'fleet' | 'local' {
  if (value !== 'fleet' && value !== 'local') throw new InvalidArgumentError('Source must be fleet or local.');
  return value;
}

/** The operator's console role when the event happened (dispatch writes it into the details); null for scheduled work and older events. */
function operatorRoleOf(event: AuditEvent): string | null {
  try {
    const role = (JSON.parse(event.details) as { operatorRole?: unknown }).operatorRole;
    return typeof role === 'string' ? role : null;
  } catch {
    return null;
  }
}

function printVerify(cli: CliContext, result: AuditVerifyResult): void {
  const describe = (label: string, report: AuditVerifyResult['local']) => {
    cli.out(`${label}: ${report.ok ? 'intact' : 'BROKEN'} — ${report.checked} events checked, last seq ${report.lastSeq}\n`);
    for (const found of report.breaks) cli.out(`  ${found.kind.padEnd(9)} seq ${found.seq}  ${found.message}\n`);
    if (report.moreBreaks) cli.out('  … more breaks not listed\n');
  };
  cli.out(`Console ${result.consoleId}\n`);
  describe('Local log', result.local);
  if (result.platform) describe('Platform copy', result.platform);
  if (result.platformProblem) cli.out(`Platform copy: ${result.platformProblem}\n`);
}

export function registerAuditCommands(program: Command, cli: CliContext): void {
  const audit = program.command('audit').description('the audit log of operator actions (tamper-evident, synced to the platform)');

  audit
    .command('list')
    .description('list audit events, newest first')
    .option('--tenant <code>', 'only events about this tenant')
    .option('--operator <name>', 'only events of this operator')
    .option('--since <iso>', 'only events at or after this time', isoOption)
    .option('--source <source>', "fleet (platform database, every console) or local (this console's cache)", sourceOption, 'fleet')
    .option('--limit <n>', 'how many events (1–1000)', limitOption, 100)
    .option('--json', 'print JSON (snake_case) instead of text')
    .action(async (options: { tenant?: string; operator?: string; since?: string; source: 'fleet' | 'local'; limit: number; json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const page = await session.call('audit:list', {
          source: options.source,
          limit: options.limit,
          ...(options.tenant ? { tenant: options.tenant } : {}),
          ...(options.operator ? { operator: options.operator } : {}),
          ...(options.since ? { since: options.since } : {}),
        });
        if (options.json) return cli.printJson(page.rows.map((row) => ({ ...row, operatorRole: operatorRoleOf(row) })));
        cli.printTable(
          ['TIME', 'ACTION', 'TENANT', 'OUTCOME', 'OPERATOR', 'ROLE', 'MS'],
          page.rows.map((row) => [row.time, row.action, row.tenant ?? '—', row.outcome, `${row.operator} (${row.osUser})`, operatorRoleOf(row) ?? '—', String(row.durationMs)]),
        );
      });
    });

  audit
    .command('verify')
    .description("check this console's hash chain (and its copy in the platform database); exit code 9 when broken")
    .option('--json', 'print JSON (snake_case) instead of text')
    .action(async (options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const result = await session.call('audit:verify', { includePlatform: true });
        if (options.json) cli.printJson(result);
        else printVerify(cli, result);
        const broken = !result.local.ok || result.platform?.ok === false;
        if (broken) cli.exitCode = EXIT_CHAIN_BROKEN;
      });
    });
}
