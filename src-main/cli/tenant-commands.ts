import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from './cli-context';
import { TENANT_STATUSES, type TenantStatus } from '../../src-shared/domain/status';
import type { TenantDetail, TenantSummary } from '../../src-shared/contract/models';
import { withCliSession } from './session';

function statusOption(value: string): TenantStatus {
  if (!(TENANT_STATUSES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`Status must be one of ${TENANT_STATUSES.join(', ')}.`);
  }
  return value as TenantStatus;
}

function printTenant(cli: CliContext, tenant: TenantDetail): void {
  const limit = (value: number | null) => (value === null ? 'unlimited' : value);
  cli.printFields([
    ['Tenant', `${tenant.tenantCode}  ${tenant.companyName}`],
    ['Subdomain', tenant.subdomain],
    ['Status', tenant.statusReason ? `${tenant.status} (${tenant.statusReason})` : tenant.status],
    ['Plan', `${tenant.planName} (${tenant.plan} v${tenant.planVersion})`],
    ['Limits', `companies ${limit(tenant.limits.companies)}, users/company ${limit(tenant.limits.usersPerCompany)}, transactions/month ${limit(tenant.limits.transactionsPerMonth)}`],
    ['Admin email', tenant.adminEmail],
    ['Database', `${tenant.databaseName} on ${tenant.server.host}:${tenant.server.port}`],
    ['Role', tenant.dbRole],
    ['Trial ends', tenant.trialEndsAt],
    ['Deletion scheduled', tenant.deletionScheduledAt],
    ['Created', tenant.createdAt],
    ['Updated', tenant.updatedAt],
    ['Version', tenant.version],
  ]);
}

const json = { flags: '--json', description: 'print JSON (snake_case) instead of text' } as const;

export function registerTenantCommands(program: Command, cli: CliContext): void {
  program
    .command('create')
    .description('provision a tenant: its own database, login role and privileges')
    .requiredOption('--company <name>', 'company name')
    .requiredOption('--subdomain <label>', 'subdomain (a DNS label)')
    .requiredOption('--plan <code>', 'plan code (trial, starter, professional, enterprise)')
    .requiredOption('--email <address>', "the tenant admin's email")
    .option(json.flags, json.description)
    .action(async (options: { company: string; subdomain: string; plan: string; email: string; json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const requestId = crypto.randomUUID();
        const showProgress = !options.json && cli.io.stderr.isTTY;
        const off = session.core.events.on('job:progress', (event) => {
          if (showProgress && event.requestId === requestId) cli.err(`  [${event.stepIndex}/${event.stepCount}] ${event.message}\n`);
        });
        try {
          const { tenant, credentials } = await session.call('tenants:create', {
            companyName: options.company,
            subdomain: options.subdomain,
            plan: options.plan,
            adminEmail: options.email,
            requestId,
          });
          if (options.json) {
            cli.printJson({ ...tenant, credentials });
            return;
          }
          cli.out(`Created ${tenant.tenantCode} (${tenant.companyName}), status ${tenant.status}.\n\n`);
          cli.out('Database credentials — shown once, store them now:\n');
          cli.printFields([
            ['host', credentials.host],
            ['port', credentials.port],
            ['database', credentials.database],
            ['user', credentials.user],
            ['password', credentials.password],
          ]);
        } finally {
          off();
        }
      });
    });

  program
    .command('list')
    .description('list tenants')
    .option('--status <status>', 'only tenants with this status', statusOption)
    .option('--plan <code>', 'only tenants on this plan')
    .option('--search <text>', 'match company, subdomain, code or email')
    .option(json.flags, json.description)
    .action(async (options: { status?: TenantStatus; plan?: string; search?: string; json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const tenants: TenantSummary[] = [];
        let total = 0;
        for (let offset = 0; ; offset += 500) {
          const page = await session.call('tenants:list', {
            ...(options.status ? { status: [options.status] } : {}),
            ...(options.plan ? { plan: [options.plan] } : {}),
            ...(options.search ? { search: options.search } : {}),
            sort: 'tenantCode',
            direction: 'asc',
            offset,
            limit: 500,
          });
          tenants.push(...page.rows);
          total = page.total;
          if (page.rows.length < 500) break;
        }
        if (options.json) return cli.printJson({ tenants, total });
        if (tenants.length === 0) {
          const filtered = options.status || options.plan || options.search;
          return void cli.out(filtered ? 'No tenants match.\n' : 'No tenants yet: create one with tenantctl create.\n');
        }
        cli.printTable(
          ['CODE', 'COMPANY', 'SUBDOMAIN', 'PLAN', 'STATUS', 'CREATED'],
          tenants.map((t) => [t.tenantCode, t.companyName, t.subdomain, t.plan, t.status, t.createdAt.slice(0, 10)]),
        );
        cli.out(`\n${total} tenant${total === 1 ? '' : 's'}\n`);
      });
    });

  program
    .command('show')
    .description('show one tenant')
    .argument('<ref>', 'tenant code (ACME001) or subdomain')
    .option(json.flags, json.description)
    .action(async (ref: string, options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const tenant = await session.call('tenants:get', { ref });
        if (options.json) cli.printJson(tenant);
        else printTenant(cli, tenant);
      });
    });

  const statusCommand = (name: 'suspend' | 'activate' | 'cancel', description: string) => {
    const command = program.command(name).description(description).argument('<ref>', 'tenant code or subdomain').option(json.flags, json.description);
    if (name === 'suspend') command.requiredOption('--reason <text>', 'why (recorded, shown to operators)');
    if (name === 'cancel') command.option('--reason <text>', 'why (recorded)');
    if (name !== 'activate') {
      command.option('--no-backup', 'skip the verified backup made first').option('--override-backup-failure', 'change the status even if the backup fails (recorded)');
    }
    command.action(async (ref: string, options: { reason?: string; json?: boolean; backup?: boolean; overrideBackupFailure?: boolean }) => {
      await withCliSession(cli, async (session) => {
        // The CLI acts on what it just read: a change made in between is still refused.
        const current = await session.call('tenants:get', { ref });
        const base = { ref, expectedVersion: current.version };
        const backup = { backupFirst: options.backup !== false, overrideBackupFailure: options.overrideBackupFailure === true };
        const tenant =
          name === 'suspend'
            ? await session.call('tenants:suspend', { ...base, ...backup, reason: options.reason ?? '' })
            : name === 'cancel'
              ? await session.call('tenants:cancel', { ...base, ...backup, ...(options.reason !== undefined ? { reason: options.reason } : {}) })
              : await session.call('tenants:activate', base);
        if (options.json) cli.printJson(tenant);
        else cli.out(`${tenant.tenantCode} is now ${tenant.status}${tenant.deletionScheduledAt ? ` (deletion scheduled ${tenant.deletionScheduledAt})` : ''}.\n`);
      });
    });
  };
  statusCommand('suspend', 'suspend a tenant: its role cannot log in, open sessions are terminated');
  statusCommand('activate', 'reactivate a suspended or cancelled tenant');
  statusCommand('cancel', 'cancel a tenant: suspended now, deletion scheduled after the retention period');

  program
    .command('history')
    .description("a tenant's operations journal: what was done, by whom, how it ended")
    .argument('<ref>', 'tenant code or subdomain')
    .option('--limit <n>', 'how many entries (newest first)', (value) => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 200) throw new InvalidArgumentError('Limit must be 1–200.');
      return n;
    }, 50)
    .option(json.flags, json.description)
    .action(async (ref: string, options: { limit: number; json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const operations = await session.call('tenants:operations', { ref, limit: options.limit });
        if (options.json) return cli.printJson({ operations });
        cli.printTable(
          ['STARTED', 'OPERATION', 'OUTCOME', 'BY', 'DETAIL'],
          operations.map((op) => [op.startedAt.replace('T', ' ').slice(0, 19), op.kind, op.state, op.startedBy, op.error ?? op.reason ?? '']),
        );
      });
    });

  program
    .command('reconcile')
    .description('resume or roll back operations interrupted by a crash')
    .option(json.flags, json.description)
    .action(async (options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const report = await session.call('tenants:reconcile', {});
        if (options.json) return cli.printJson(report);
        cli.out(
          `Examined ${report.examined}: ${report.rolledBack.length} rolled back, ${report.resumed.length} resumed, ` +
            `${report.failed.length} failed, ${report.skippedInProgress} still in progress.\n`,
        );
        for (const failure of report.failed) cli.out(`  failed: ${failure.kind} ${failure.tenantCode}: ${failure.message}\n`);
      });
    });

  // A lost one-time password: a new one for the tenant's role, shown once; its sessions end.
  program
    .command('credentials')
    .description("the tenant's database credentials")
    .command('reset')
    .description("give the tenant's role a new password (shown once) and end its sessions")
    .argument('<ref>', 'tenant code or subdomain')
    .option(json.flags, json.description)
    .action(async (ref: string, options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const reset = await session.call('tenants:rotateCredentials', { ref });
        if (options.json) return cli.printJson(reset);
        cli.out(`New password for ${reset.tenantCode}; ${reset.sessionsEnded} session(s) ended. Shown once, store it now:\n`);
        cli.printFields([
          ['host', reset.credentials.host],
          ['port', reset.credentials.port],
          ['database', reset.credentials.database],
          ['user', reset.credentials.user],
          ['password', reset.credentials.password],
        ]);
      });
    });
}
