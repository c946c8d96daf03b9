import { InvalidArgumentError, type Command } from 'commander';
import { MAX_SPARE_DATABASES_PER_PLAN, SIGNUP_SETTING_RANGES } from '../../src-shared/contract/models';
import type { CliContext } from './cli-context';
import { withCliSession } from './session';

function daysOption(value: string): number {
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new InvalidArgumentError('Retention must be 1–3650 days.');
  return days;
}

function integerOption(label: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${label} must be a whole number from ${min} to ${max}.`);
    return n;
  };
}

type SignupSettingName = keyof typeof SIGNUP_SETTING_RANGES;
const range = (name: SignupSettingName) => `${SIGNUP_SETTING_RANGES[name].min}–${SIGNUP_SETTING_RANGES[name].max}`;
const rangeOption = (name: SignupSettingName, label: string) => integerOption(label, SIGNUP_SETTING_RANGES[name].min, SIGNUP_SETTING_RANGES[name].max);

interface SettingsOptions {
  baseDomain?: string;
  retentionDays?: number;
  warningPercent?: number;
  usageIntervalHours?: number;
  spareDatabases?: number;
  sessionIdleMinutes?: number;
  signupRequestsPerHour?: number;
  signupInvitationDays?: number;
  onboardingStalledDays?: number;
  json?: boolean;
}

export function registerSettingsCommand(program: Command, cli: CliContext): void {
  program
    .command('settings')
    .description("show or change the console's settings (base domain, retention, limit warning, usage schedule, spare databases, sign-in idle time, sign-up)")
    .option('--base-domain <domain>', "the tenants' base domain: <subdomain>.<domain>")
    .option('--retention-days <n>', 'days a cancelled tenant is kept before deletion', daysOption)
    .option('--warning-percent <n>', 'soft limit: warn from this % of a limit (1–100)', integerOption('The warning threshold', 1, 100))
    .option('--usage-interval-hours <n>', 'how often a running console collects usage (1–720)', integerOption('The usage interval', 1, 720))
    .option(
      '--spare-databases <n>',
      `spare tenant databases a running console keeps ready per plan, so creating a tenant skips the clone (0–${MAX_SPARE_DATABASES_PER_PLAN}; 0: none)`,
      integerOption('The number of spare databases', 0, MAX_SPARE_DATABASES_PER_PLAN),
    )
    .option('--session-idle-minutes <n>', "host mode: a browser's sign-in ends after this many minutes without a call (1–1440)", integerOption('The idle time', 1, 1440))
    .option('--signup-requests-per-hour <n>', `sign-up requests one client address may make per hour (${range('signupRequestsPerHour')})`, rangeOption('signupRequestsPerHour', 'The sign-up rate'))
    .option('--signup-invitation-days <n>', `days an invitation link works (${range('signupInvitationDays')})`, rangeOption('signupInvitationDays', 'The invitation lifetime'))
    .option('--onboarding-stalled-days <n>', `days without a sign-in after which a trial is stalled (${range('onboardingStalledDays')})`, rangeOption('onboardingStalledDays', 'The stalled-trial threshold'))
    .option('--json', 'print JSON (snake_case) instead of text')
    .action(async (options: SettingsOptions) => {
      await withCliSession(cli, async (session) => {
        const changes = {
          ...(options.baseDomain !== undefined ? { baseDomain: options.baseDomain } : {}),
          ...(options.retentionDays !== undefined ? { cancellationRetentionDays: options.retentionDays } : {}),
          ...(options.warningPercent !== undefined ? { limitWarningPercent: options.warningPercent } : {}),
          ...(options.usageIntervalHours !== undefined ? { usageCollectionIntervalHours: options.usageIntervalHours } : {}),
          ...(options.spareDatabases !== undefined ? { spareDatabasesPerPlan: options.spareDatabases } : {}),
          ...(options.sessionIdleMinutes !== undefined ? { sessionIdleMinutes: options.sessionIdleMinutes } : {}),
          ...(options.signupRequestsPerHour !== undefined ? { signupRequestsPerHour: options.signupRequestsPerHour } : {}),
          ...(options.signupInvitationDays !== undefined ? { signupInvitationDays: options.signupInvitationDays } : {}),
          ...(options.onboardingStalledDays !== undefined ? { onboardingStalledDays: options.onboardingStalledDays } : {}),
        };
        const settings = Object.keys(changes).length > 0 ? await session.call('settings:update', changes) : await session.call('settings:get', {});
        if (options.json) return cli.printJson(settings);
        cli.printFields([
          ['Base domain', settings.baseDomain],
          ['Cancellation retention', `${settings.cancellationRetentionDays} days`],
          ['Limit warning', `from ${settings.limitWarningPercent}% of a limit`],
          ['Usage collection', `every ${settings.usageCollectionIntervalHours} hours while a console runs`],
          ['Spare databases', settings.spareDatabasesPerPlan === 0 ? 'none (creating a tenant clones its plan template)' : `${settings.spareDatabasesPerPlan} per plan, kept ready while a console runs`],
          ['Sign-in idle time', `${settings.sessionIdleMinutes} minutes (host mode browsers)`],
          ['Sign-up requests', `${settings.signupRequestsPerHour} per client address per hour`],
          ['Invitation links', `work ${settings.signupInvitationDays} days`],
          ['Stalled trials', `after ${settings.onboardingStalledDays} days without a sign-in`],
        ]);
      });
    });
}
