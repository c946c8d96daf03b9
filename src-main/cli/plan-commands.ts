import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from './cli-context';
import { LIMIT_RESOURCES, type LimitResource } from '../../src-shared/contract/plan-models';
import { registerPlanEditCommand } from './plan-edit-command';
import { isoDateOption, noticeDaysOption, registerPlanScheduleCommands, scheduleMoveCommand } from './plan-schedule-commands';
import { withCliSession } from './session';

const json = { flags: '--json', description: 'print JSON (snake_case) instead of text' } as const;
const show = (value: number | null) => (value === null ? 'unlimited' : String(value));
const money = (cents: number | null, currency: string) => (cents === null ? 'custom' : `${(cents / 100).toFixed(2)} ${currency}`);

function resourceOption(value: string): LimitResource {
  if (!(LIMIT_RESOURCES as readonly string[]).includes(value)) throw new InvalidArgumentError(`Resource must be one of ${LIMIT_RESOURCES.join(', ')}.`);
  return value as LimitResource;
}

function versionOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('A plan version is a whole number ≥ 1.');
  return n;
}

function limitValueOption(value: string): number | null {
  if (value === 'unlimited') return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('Value must be a whole number ≥ 0 or "unlimited".');
  return n;
}

/** `tenantctl plans`, `tenantctl plan edit|set|move|schedules|unschedule|override|revoke|limits|history`, `tenantctl migrate`. */
export function registerPlanCommands(program: Command, cli: CliContext): void {
  program
    .command('plans')
    .description('list the current plans with their limits')
    .option(json.flags, json.description)
    .action(async (options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const plans = await session.call('plans:list', {});
        if (options.json) return cli.printJson({ plans });
        cli.printTable(
          ['CODE', 'VERSION', 'NAME', 'PRICE', 'INTERVAL', 'COMPANIES', 'USERS/COMPANY', 'TRANSACTIONS/MONTH', 'CONNECTIONS'],
          plans.map((p) => [p.code, String(p.version), p.name, money(p.priceCents, p.currency), p.interval, show(p.limits.companies), show(p.limits.usersPerCompany), show(p.limits.transactionsPerMonth), String(p.connectionLimit)]),
        );
      });
    });

  const plan = program.command('plan').description("change a tenant's plan, overrides and limits");
  registerPlanEditCommand(plan, cli);
  registerPlanScheduleCommands(plan, cli);

  plan
    .command('set')
    .description("move a tenant to a plan (its current version); a downgrade below usage needs --force")
    .argument('<ref>', 'tenant code or subdomain')
    .argument('<plan>', 'plan code')
    .option('--force', 'apply even if the tenant is over the new limits (existing data stays, new inserts are refused)')
    .option('--reason <text>', 'why (recorded in the plan history)')
    .option(json.flags, json.description)
    .action(async (ref: string, planCode: string, options: { force?: boolean; reason?: string; json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const current = await session.call('tenants:get', { ref });
        const tenant = await session.call('tenants:changePlan', {
          ref,
          plan: planCode,
          force: options.force ?? false,
          expectedVersion: current.version,
          ...(options.reason !== undefined ? { reason: options.reason } : {}),
        });
        if (options.json) return cli.printJson(tenant);
        cli.out(`${tenant.tenantCode} is now on ${tenant.planName} (${tenant.plan} v${tenant.planVersion}).\n`);
      });
    });

  plan
    .command('move')
    .description("move the tenants on older versions of a plan to its current version (grandfathered tenants); over-limit tenants need --force")
    .argument('<plan>', 'plan code')
    .option('--from-version <n>', 'only the tenants on this version (default: every older version)', versionOption)
    .option('--force', 'also move tenants over the new limits (existing data stays, new inserts are refused)')
    .option('--dry-run', 'only preview: who would move and who would be over the new limits')
    .option('--reason <text>', 'why (recorded in each plan history)')
    .option('--at <iso-date>', 'announce the move instead: it happens on this date (tenantctl plan schedules lists it)', isoDateOption)
    .option('--notice-days <n>', 'with --at: the notice e-mail goes out this many days before the date (0: none)', noticeDaysOption)
    .option(json.flags, json.description)
    .action(async (planCode: string, options: { fromVersion?: number; force?: boolean; dryRun?: boolean; reason?: string; json?: boolean; at?: string; noticeDays?: number }) => {
      if (options.at === undefined && options.noticeDays !== undefined) {
        cli.err('--notice-days goes with --at DATE (an announced move).\n');
        cli.exitCode = 2;
        return;
      }
      if (options.at !== undefined && (options.fromVersion !== undefined || options.force)) {
        // An announced move concerns every older version, and is applied whatever the limits (the preview shows them).
        cli.err('--at moves every older version at the date: --from-version and --force are for an immediate move.\n');
        cli.exitCode = 2;
        return;
      }
      await withCliSession(cli, async (session) => {
        if (options.at !== undefined) return scheduleMoveCommand(cli, session, planCode, { ...options, at: options.at });
        const selection = { code: planCode, ...(options.fromVersion !== undefined ? { fromVersion: options.fromVersion } : {}) };
        if (options.dryRun) {
          const preview = await session.call('plans:previewMove', selection);
          if (options.json) return cli.printJson({ preview });
          if (preview.length === 0) return void cli.out(`No tenant to move: every ${planCode} tenant is on the current version.\n`);
          cli.printTable(
            ['TENANT', 'COMPANY', 'FROM', 'TO', 'OVER THE NEW LIMITS'],
            preview.map((p) => [p.tenantCode, p.companyName, `v${p.from.version}`, `v${p.to.version}`, p.problem ?? (p.violations.map((v) => v.message).join('; ') || '—')]),
          );
          const over = preview.filter((p) => p.violations.length > 0).length;
          cli.out(`${preview.length} to move, ${over} over the new limits${over > 0 ? ' (moved only with --force)' : ''}.\n`);
          return;
        }
        const result = await session.call('plans:moveTenants', {
          ...selection,
          force: options.force ?? false,
          ...(options.reason !== undefined ? { reason: options.reason } : {}),
        });
        // Refused (over the limits, not forced) and failed tenants make the run unsuccessful for scripts.
        if (result.failed.length > 0) cli.exitCode = 1;
        else if (result.refused.length > 0) cli.exitCode = 6;
        if (options.json) return cli.printJson(result);
        cli.out(`${result.moved.length} moved (${result.moved.filter((m) => m.forced).length} forced), ${result.refused.length} refused, ${result.failed.length} failed.\n`);
        for (const refused of result.refused) cli.out(`  refused: ${refused.tenantCode}: ${refused.message}\n`);
        for (const failed of result.failed) cli.out(`  failed: ${failed.tenantCode}: ${failed.message}\n`);
      });
    });

  plan
    .command('limits')
    .description("a tenant's limits and usage, read from its database")
    .argument('<ref>', 'tenant code or subdomain')
    .option(json.flags, json.description)
    .action(async (ref: string, options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const limits = await session.call('tenants:limits', { ref });
        if (options.json) return cli.printJson(limits);
        cli.printTable(
          ['RESOURCE', 'CURRENT', 'LIMIT', 'PERCENT', 'STATE'],
          limits.resources.map((r) => [
            r.resource === 'users' && r.company ? `users (largest: ${r.company.name})` : r.resource,
            String(r.current),
            show(r.limit),
            r.percent === null ? '' : `${r.percent}%`,
            r.blocked ? 'limit reached' : r.warning ? `over ${limits.warningPercent}%` : 'ok',
          ]),
        );
        for (const o of limits.overrides) {
          cli.out(`override ${o.id}: ${o.kind} ${o.resource} ${show(o.value)}${o.expiresAt ? ` until ${o.expiresAt}` : ''} (${o.reason})${o.active ? '' : ' [expired]'}\n`);
        }
      });
    });

  plan
    .command('override')
    .description('set a custom limit (replaces the plan limit) or a temporary allowance (added on top)')
    .argument('<ref>', 'tenant code or subdomain')
    .requiredOption('--resource <name>', `one of ${LIMIT_RESOURCES.join(', ')}`, resourceOption)
    .requiredOption('--value <n>', 'a number, or "unlimited" for a custom limit', limitValueOption)
    .requiredOption('--reason <text>', 'why (recorded)')
    .option('--allowance', 'an allowance above the limit instead of a custom limit')
    .option('--expires <time>', 'ISO time the override ends, e.g. 2025-12-31T23:59:59Z')
    .option(json.flags, json.description)
    .action(async (ref: string, options: { resource: LimitResource; value: number | null; reason: string; allowance?: boolean; expires?: string; json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const override = await session.call('tenants:setOverride', {
          ref,
          resource: options.resource,
          kind: options.allowance ? 'allowance' : 'limit',
          value: options.value,
          reason: options.reason,
          ...(options.expires !== undefined ? { expiresAt: options.expires } : {}),
        });
        if (options.json) return cli.printJson(override);
        cli.out(`Override ${override.id} set: ${override.kind} ${override.resource} ${show(override.value)}.\n`);
      });
    });

  plan
    .command('revoke')
    .description('revoke an override')
    .argument('<ref>', 'tenant code or subdomain')
    .argument('<id>', 'override id (see tenantctl plan limits)')
    .option(json.flags, json.description)
    .action(async (ref: string, id: string, options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const override = await session.call('tenants:revokeOverride', { ref, id });
        if (options.json) return cli.printJson(override);
        cli.out(`Override ${override.id} revoked.\n`);
      });
    });

  program
    .command('migrate')
    .description('apply the tenant-schema migrations to every tenant database not yet at the newest version')
    .option(json.flags, json.description)
    .action(async (options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const requestId = crypto.randomUUID();
        const showProgress = !options.json && cli.io.stderr.isTTY;
        const off = session.core.events.on('job:progress', (event) => {
          if (showProgress && event.requestId === requestId) cli.err(`  [${event.stepIndex}/${event.stepCount}] ${event.message}\n`);
        });
        try {
          const report = await session.call('fleet:migrate', { requestId });
          if (options.json) return cli.printJson(report);
          cli.out(
            `Tenant schema v${report.schemaVersion}: ${report.migrated.length} migrated, ${report.failed.length} failed, ${report.upToDate} already up to date.\n`,
          );
          for (const failure of report.failed) cli.out(`  failed: ${failure.tenantCode}: ${failure.message}\n`);
          if (report.failed.length > 0) cli.exitCode = 1;
        } finally {
          off();
        }
      });
    });
}
