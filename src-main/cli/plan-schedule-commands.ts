import { InvalidArgumentError, type Command } from 'commander';
import type { PriceChangeSchedule } from '../../src-shared/contract/price-change-models';
import type { CliContext } from './cli-context';
import type { CliSession } from './session';
import { withCliSession } from './session';

const json = { flags: '--json', description: 'print JSON (snake_case) instead of text' } as const;
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '—');

/** An ISO date (2027-03-01, midnight UTC) or date-time with an offset; anything else is refused here (exit 2). */
export function isoDateOption(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError('Give an ISO date (2027-03-01) or date-time with an offset (2027-03-01T09:00:00Z).');
  }
  return new Date(value).toISOString();
}

export function noticeDaysOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 365) throw new InvalidArgumentError('Notice days are a whole number from 0 to 365.');
  return n;
}

function printSchedule(cli: CliContext, s: PriceChangeSchedule): void {
  cli.out(`${s.id}  ${s.planName} (${s.planCode}) → v${s.toVersion} on ${s.moveAt}, notice ${s.noticeDays} day(s) before (${day(s.noticeAt)}): ${s.state}\n`);
  if (s.tenants.length === 0) return;
  cli.printTable(
    ['TENANT', 'COMPANY', 'FROM', 'STATE', 'NOTICED', 'STRIPE SCHEDULE', 'NOTE'],
    s.tenants.map((t) => [t.tenantCode, t.companyName, `v${t.fromVersion}`, t.state, day(t.noticedAt), t.stripeScheduleId ?? '—', t.lastError ?? '']),
  );
}

/** `tenantctl plan move CODE --at DATE --notice-days N`: the announced variant of `plan move` (--dry-run shows each tenant's old and new price). */
export async function scheduleMoveCommand(cli: CliContext, session: CliSession, code: string, options: { at: string; noticeDays?: number; dryRun?: boolean; reason?: string; json?: boolean }): Promise<void> {
  if (options.dryRun) {
    const preview = await session.call('priceChanges:preview', { code });
    if (options.json) return cli.printJson(preview);
    if (preview.tenants.length === 0) return void cli.out(`No tenant to announce a price change to: every ${code} tenant is on v${preview.toVersion}.\n`);
    cli.printTable(
      ['TENANT', 'COMPANY', 'FROM', 'PRICE NOW', 'PRICE FROM THE DATE', 'OVER THE NEW LIMITS'],
      preview.tenants.map((t) => [t.tenantCode, t.companyName, `v${t.from.version}`, t.fromPrice.words, t.toPrice.words, t.problem ?? (t.violations.map((v) => v.message).join('; ') || '—')]),
    );
    return;
  }
  if (options.noticeDays === undefined) {
    cli.err('--at needs --notice-days N: how many days before the date the notice e-mail goes out (0 for none).\n');
    cli.exitCode = 2;
    return;
  }
  const schedule = await session.call('priceChanges:schedule', { code, at: options.at, noticeDays: options.noticeDays, ...(options.reason !== undefined ? { reason: options.reason } : {}) });
  if (options.json) return cli.printJson(schedule);
  printSchedule(cli, schedule);
}

/** `tenantctl plan schedules` and `tenantctl plan unschedule ID`. */
export function registerPlanScheduleCommands(plan: Command, cli: CliContext): void {
  plan
    .command('schedules')
    .description('list announced price changes (scheduled moves to a plan\'s current version)')
    .option('--state <state>', 'only scheduled, done or canceled ones')
    .option(json.flags, json.description)
    .action(async (options: { state?: string; json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const state = options.state as 'scheduled' | 'done' | 'canceled' | undefined;
        const schedules = await session.call('priceChanges:list', state === undefined ? {} : { state });
        if (options.json) return cli.printJson({ schedules });
        if (schedules.length === 0) return void cli.out('No price change is scheduled.\n');
        for (const schedule of schedules) printSchedule(cli, schedule);
      });
    });

  plan
    .command('unschedule')
    .description('cancel an announced price change before its date: no notice and no move happen after this')
    .argument('<id>', 'the schedule id (tenantctl plan schedules)')
    .option(json.flags, json.description)
    .action(async (id: string, options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const schedule = await session.call('priceChanges:cancel', { id });
        if (options.json) return cli.printJson(schedule);
        cli.out(`Canceled: ${schedule.planCode} → v${schedule.toVersion} on ${day(schedule.moveAt)}; nobody is noticed or moved.\n`);
      });
    });
}
