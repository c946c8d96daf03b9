import { InvalidArgumentError, type Command } from 'commander';
import { printFields, printJson } from './output';
import { withCliSession } from './session';

function daysOption(value: string): number {
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new InvalidArgumentError('Retention must be 1–3650 days.');
  return days;
}

export function registerSettingsCommand(program: Command): void {
  program
    .command('settings')
    .description("show or change the console's settings (base domain, cancellation retention)")
    .option('--base-domain <domain>', "the tenants' base domain: <subdomain>.<domain>")
    .option('--retention-days <n>', 'days a cancelled tenant is kept before deletion', daysOption)
    .option('--json', 'print JSON (snake_case) instead of text')
    .action(async (options: { baseDomain?: string; retentionDays?: number; json?: boolean }) => {
      await withCliSession(async (session) => {
        const changes = {
          ...(options.baseDomain !== undefined ? { baseDomain: options.baseDomain } : {}),
          ...(options.retentionDays !== undefined ? { cancellationRetentionDays: options.retentionDays } : {}),
        };
        const settings = Object.keys(changes).length > 0 ? await session.call('settings:update', changes) : await session.call('settings:get', {});
        if (options.json) return printJson(settings);
        printFields([
          ['Base domain', settings.baseDomain],
          ['Cancellation retention', `${settings.cancellationRetentionDays} days`],
        ]);
      });
    });
}
