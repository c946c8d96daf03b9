import type { Command } from 'commander';
import type { CliContext } from './cli-context';
import type { Operator } from '../../src-shared/contract/operator-channels';
import type { OperatorRole } from '../../src-shared/contract/operator-roles';
import { operatorNameArgument, roleArgument } from './operator-arguments';
import { withCliSession } from './session';

const json = { flags: '--json', description: 'print JSON (snake_case) instead of text' } as const;

function statusOf(operator: Operator): string {
  if (operator.disabled) return 'disabled';
  return operator.mustChangePassword ? 'one-time password' : 'active';
}

/** The one-time password, once: the console keeps only PostgreSQL's verifier of it. */
function printOneTimePassword(cli: CliContext, name: string, password: string): void {
  cli.out(`\nOne-time password for ${name}:  ${password}\n`);
  cli.out(`It will not be shown again: hand it to ${name} now. The app and the browser ask for a new one at the first sign-in.\n`);
}

/** `tenantctl operators …`: the admins' management of the team (PostgreSQL login roles in console group roles). */
export function registerOperatorCommands(program: Command, cli: CliContext): void {
  const operators = program
    .command('operators')
    .description("the console's operators: each a PostgreSQL login role in one group role (viewer, support, billing, admin); admins only");

  operators
    .command('list')
    .description('list operators with their role (from PostgreSQL), status and last sign-in')
    .option(json.flags, json.description)
    .action(async (options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const list = await session.call('operators:list', {});
        if (options.json) return cli.printJson(list);
        cli.printTable(
          ['NAME', 'ROLE', 'STATUS', 'LAST SIGN-IN', 'POSTGRESQL ROLE', 'CREATED BY'],
          list.map((operator) => [operator.name, operator.role ?? 'none', statusOf(operator), operator.lastSignInAt ?? 'never', operator.dbRole, operator.createdBy ?? '—']),
        );
      });
    });

  operators
    .command('add')
    .description('add an operator with a generated one-time password (shown once)')
    .argument('<name>', 'operator name: a letter, then letters, digits and underscores', operatorNameArgument)
    .requiredOption('--role <role>', 'viewer, support, billing or admin', roleArgument)
    .option(json.flags, json.description)
    .action(async (name: string, options: { role: OperatorRole; json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const added = await session.call('operators:add', { name, role: options.role });
        if (options.json) return cli.printJson(added);
        cli.out(`Added operator ${added.name}: role ${added.role ?? 'none'}, PostgreSQL role ${added.dbRole}.\n`);
        printOneTimePassword(cli, added.name, added.password);
      });
    });

  operators
    .command('role')
    .description("change an operator's role (the last enabled admin cannot be demoted)")
    .argument('<name>', 'operator name', operatorNameArgument)
    .argument('<role>', 'viewer, support, billing or admin', roleArgument)
    .option(json.flags, json.description)
    .action(async (name: string, role: OperatorRole, options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const changed = await session.call('operators:setRole', { name, role });
        if (options.json) return cli.printJson(changed);
        cli.out(`${changed.name} is now ${changed.role ?? 'without a role'}.\n`);
      });
    });

  operators
    .command('disable')
    .description('disable an operator: it cannot sign in, and its open sessions end (the last enabled admin cannot be disabled)')
    .argument('<name>', 'operator name', operatorNameArgument)
    .option(json.flags, json.description)
    .action(async (name: string, options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const disabled = await session.call('operators:disable', { name });
        if (options.json) return cli.printJson(disabled);
        cli.out(`Disabled ${disabled.name}: it can no longer sign in, and its sessions were ended.\n`);
      });
    });

  operators
    .command('enable')
    .description('let a disabled operator sign in again')
    .argument('<name>', 'operator name', operatorNameArgument)
    .option(json.flags, json.description)
    .action(async (name: string, options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const enabled = await session.call('operators:enable', { name });
        if (options.json) return cli.printJson(enabled);
        cli.out(`Enabled ${enabled.name} (${enabled.role ?? 'no role'}).\n`);
      });
    });

  operators
    .command('reset-password')
    .description("give an operator a new one-time password (shown once); its sessions end")
    .argument('<name>', 'operator name', operatorNameArgument)
    .option(json.flags, json.description)
    .action(async (name: string, options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const reset = await session.call('operators:resetPassword', { name });
        if (options.json) return cli.printJson(reset);
        cli.out(`Reset the password of ${reset.name}; its sessions were ended.\n`);
        printOneTimePassword(cli, reset.name, reset.password);
      });
    });
}
