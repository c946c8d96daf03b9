import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from './cli-context';
import { SNAPSHOT_MAX_CHARS } from '../../src-shared/contract/offline-models';
import { CliError } from './output';
import { withCliSession } from './session';

const json = { flags: '--json', description: 'print JSON (snake_case) instead of text' } as const;

async function readSnapshotFile(file: string): Promise<string> {
  try {
    const content = await readFile(file, 'utf8');
    if (content.length > SNAPSHOT_MAX_CHARS) throw new CliError({ code: 'VALIDATION', message: `${file} is too large to be a snapshot file.` });
    return content;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError({ code: 'VALIDATION', message: `Cannot read ${file}: ${(error as Error).message}` });
  }
}

/** `tenantctl snapshot export|import|close`: offline review of the tenants (and usage) on another machine. */
export function registerSnapshotCommands(program: Command, cli: CliContext): void {
  const snapshot = program.command('snapshot').description('export this console’s snapshot of tenants and usage, or review one from another machine');

  snapshot
    .command('export')
    .description('write the latest snapshot (refreshed first when the database answers) to FILE')
    .argument('<file>', 'the file to write (JSON)')
    .option(json.flags, json.description)
    .action(async (file: string, options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const exported = await session.call('snapshot:export', {});
        await writeFile(file, exported.content, { mode: 0o600 });
        const summary = { file, takenAt: exported.takenAt, tenantCount: exported.tenantCount, usageRowCount: exported.usageRowCount };
        if (options.json) return cli.printJson(summary);
        cli.out(`Wrote the snapshot as of ${exported.takenAt} (${exported.tenantCount} tenants, ${exported.usageRowCount} usage rows) to ${file}.\n`);
      });
    });

  snapshot
    .command('import')
    .description('review FILE (a snapshot from another console) read-only: lists and details come from it until `snapshot close`')
    .argument('<file>', 'a file written by `tenantctl snapshot export` or the Export snapshot button')
    .option(json.flags, json.description)
    .action(async (file: string, options: { json?: boolean }) => {
      const content = await readSnapshotFile(file);
      await withCliSession(cli, async (session) => {
        const result = await session.call('snapshot:import', { content, fileName: basename(file) });
        if (options.json) return cli.printJson(result);
        cli.out(`Reviewing snapshot from ${result.review.consoleLabel} as of ${result.review.takenAt} — read-only.\n`);
        cli.printFields([
          ['Tenants', result.tenantCount],
          ['Usage rows', result.usageRowCount],
          ['Source console', result.review.sourceConsole],
          ['End the review', 'tenantctl snapshot close'],
        ]);
      });
    });

  snapshot
    .command('close')
    .description('end the review of an imported snapshot: the console shows its own data again')
    .option(json.flags, json.description)
    .action(async (options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const status = await session.call('snapshot:closeReview', {});
        if (options.json) return cli.printJson(status);
        cli.out('Review closed: showing this console’s own data.\n');
      });
    });
}
