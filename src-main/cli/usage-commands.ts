import type { Command } from 'commander';
import type { CliContext } from './cli-context';
import type { TenantUsage, UsageRunSummary } from '../../src-shared/contract/usage-models';
import { withCliSession } from './session';

const json = { flags: '--json', description: 'print JSON (snake_case) instead of text' } as const;

const count = (value: number | null | undefined) => (value === null || value === undefined ? '—' : value.toLocaleString('en-US'));

function bytes(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${size.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function printRun(cli: CliContext, run: UsageRunSummary): void {
  const seconds = run.durationMs === null ? '' : ` in ${(run.durationMs / 1000).toFixed(1)} s`;
  cli.out(
    `Collected usage for ${run.tenants} tenant${run.tenants === 1 ? '' : 's'} (${run.usageDate})${seconds}: ` +
      `${run.read} read, ${run.carriedOver} unchanged (carried over), ${run.failed} failed.\n`,
  );
  if (run.failures.length > 0) {
    cli.out('\n');
    cli.printTable(['TENANT', 'PROBLEM'], run.failures.map((failure) => [failure.tenantCode, failure.message]));
  }
}

const RESOURCE_LABELS = { companies: 'Companies', usersPerCompany: 'Users (largest company)', transactionsPerMonth: 'Transactions this month' } as const;

function printTenantUsage(cli: CliContext, usage: TenantUsage): void {
  const latest = usage.latest;
  cli.printFields([
    ['Tenant', `${usage.tenantCode}  ${usage.companyName}`],
    ['Plan', `${usage.plan} v${usage.planVersion}`],
    ['Status', usage.status],
    ['As of', latest ? `${latest.usageDate}${latest.carriedOver ? ` (unchanged since ${latest.readAt?.slice(0, 10) ?? '—'})` : ''}` : 'never collected'],
    ['Users', latest ? `${count(latest.usersTotal)} total${latest.largestCompany ? `, largest company ${latest.largestCompany.name} (${latest.largestCompany.users})` : ''}` : null],
    ['Database size', bytes(latest?.databaseBytes)],
    ['Activity', latest ? `${count(latest.commits)} commits, ${count(latest.sessions)} sessions, ${count(latest.connections)} connected now` : null],
    ['Last error', latest?.error ?? null],
  ]);
  cli.out('\n');
  cli.printTable(
    ['RESOURCE', 'CURRENT', 'LIMIT', '% OF LIMIT'],
    usage.limits.map((limit) => [
      RESOURCE_LABELS[limit.resource],
      count(limit.current),
      limit.limit === null ? 'unlimited' : count(limit.limit),
      limit.percent === null ? '—' : `${limit.percent}%${limit.percent >= 100 ? ' (at limit)' : limit.percent >= usage.warningPercent ? ' (near)' : ''}`,
    ]),
  );
  if (usage.history.length > 0) {
    cli.out('\n');
    cli.printTable(
      ['DATE', 'COMPANIES', 'USERS', 'TRANSACTIONS (MONTH)', 'NEW', 'SIZE', 'NOTE'],
      usage.history
        .slice(-14)
        .reverse()
        .map((day) => [
          day.usageDate,
          count(day.companies),
          count(day.usersTotal),
          count(day.transactionsMonth),
          count(day.transactionsDelta),
          bytes(day.databaseBytes),
          day.error ? `failed: ${day.error}` : day.carriedOver ? 'unchanged' : '',
        ]),
    );
  }
}

export function registerUsageCommands(program: Command, cli: CliContext): void {
  const usage = program.command('usage').description('usage metering: collect figures from every tenant database, show a tenant');

  usage
    .command('collect')
    .description('collect usage from every tenant database now (for cron); unchanged databases are not visited')
    .option(json.flags, json.description)
    .action(async (options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const requestId = crypto.randomUUID();
        const showProgress = !options.json && cli.io.stderr.isTTY;
        const off = session.core.events.on('job:progress', (event) => {
          if (showProgress && event.requestId === requestId) cli.err(`\r  ${event.stepIndex}/${event.stepCount} databases`);
        });
        try {
          const run = await session.call('usage:collect', { requestId });
          if (showProgress) cli.err('\n');
          if (options.json) cli.printJson(run);
          else printRun(cli, run);
        } finally {
          off();
        }
      });
    });

  usage
    .command('show')
    .description("a tenant's latest usage against its limits, and its recent history")
    .argument('<code>', 'tenant code (ACME001) or subdomain')
    .option(json.flags, json.description)
    .action(async (code: string, options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const result = await session.call('usage:tenant', { ref: code, days: 90 });
        if (options.json) cli.printJson(result);
        else printTenantUsage(cli, result);
      });
    });
}
