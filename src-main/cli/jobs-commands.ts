import type { Command } from 'commander';
import type { CliContext } from './cli-context';
import { InvalidArgumentError } from 'commander';
import type { JobRunReport, JobRunSummary } from '../../src-shared/contract/billing-models';
import { withCliSession } from './session';

const json = { flags: '--json', description: 'print JSON (snake_case) instead of text' } as const;

function limitOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new InvalidArgumentError('--limit must be a whole number from 1 to 200.');
  return n;
}

function printReport(cli: CliContext, report: JobRunReport): void {
  if (!report.ran) {
    cli.out(`Billing jobs: locked — another runner holds the billing lock; nothing done (clock ${report.clockAt}).\n`);
    return;
  }
  cli.out(
    `Billing jobs: ${report.outcome} — ${report.actions.length} action${report.actions.length === 1 ? '' : 's'}, ${report.errors.length} error${report.errors.length === 1 ? '' : 's'} ` +
      `in ${report.durationMs} ms (clock ${report.clockAt}, run ${report.runId}).\n`,
  );
  const kinds = Object.entries(report.counts).sort(([a], [b]) => a.localeCompare(b));
  if (kinds.length > 0) {
    cli.out('\n');
    cli.printTable(['ACTION', 'COUNT'], kinds.map(([kind, count]) => [kind, String(count)]));
  }
  if (report.actions.length > 0) {
    cli.out('\n');
    cli.printTable(['ACTION', 'TENANT', 'DETAIL'], report.actions.map((action) => [action.kind, action.tenantCode ?? '—', action.detail]));
  }
  if (report.errors.length > 0) {
    cli.out('\n');
    cli.printTable(['STEP', 'TENANT', 'ERROR'], report.errors.map((error) => [error.step, error.tenantCode ?? '—', error.message]));
  }
}

function printRuns(cli: CliContext, runs: readonly JobRunSummary[]): void {
  if (runs.length === 0) {
    cli.out('No billing job runs yet.\n');
    return;
  }
  cli.printTable(
    ['STARTED', 'TRIGGER', 'CLOCK', 'OUTCOME', 'ACTIONS', 'ERRORS', 'RUNNER'],
    runs.map((run) => [run.startedAt, run.trigger, run.clockAt, run.outcome ?? 'running', String(run.actionCount), String(run.errorCount), run.runner]),
  );
}

export function registerJobsCommands(program: Command, cli: CliContext): void {
  const jobs = program.command('jobs').description('the billing lifecycle as jobs: trials, grace periods, dunning, suspensions, notices (for cron)');

  jobs
    .command('run')
    .description('one lifecycle run now; exit 0 when ok, partial or locked (another runner holds it), non-zero when it failed')
    .option(json.flags, json.description)
    .action(async (options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const { core } = session;
        const { runBillingJobs } = await import('../billing/lifecycle/run-billing-jobs');
        const report = await runBillingJobs(core.billing, 'cli');
        await core.audit.record({
          action: 'billing:runJobs',
          details: { trigger: 'cli', runId: report.runId, outcome: report.outcome, counts: report.counts, errors: report.errors.length },
          outcome: report.outcome === 'failed' ? 'INTERNAL' : 'ok',
          durationMs: report.durationMs,
        });
        if (options.json) cli.printJson(report);
        else printReport(cli, report);
        if (report.outcome === 'failed') cli.exitCode = 1;
      });
    });

  jobs
    .command('runs')
    .description('the latest lifecycle runs, newest first')
    .option('--limit <n>', 'how many runs (1–200, default 20)', limitOption, 20)
    .option(json.flags, json.description)
    .action(async (options: { limit: number; json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const runs = await session.call('billing:jobRuns', { limit: options.limit });
        if (options.json) cli.printJson(runs);
        else printRuns(cli, runs);
      });
    });
}
