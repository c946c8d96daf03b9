import type { Command } from 'commander';
import type { CliContext } from './cli-context';
import type { SessionState } from '../../src-shared/contract/operator-channels';
import { resolveDatabaseUrl } from '../config/environment';
import { operatorNameArgument } from './operator-arguments';
import { CliError } from './output';
import { readPassword } from './password-input';
import { notSignedInMessage, withCliSession } from './session';
import { forgetServerUrl, keepServerUrl, keptServerUrl, serverLabel, serverUrlOption } from './stored-server';

const json = { flags: '--json', description: 'print JSON (snake_case) instead of text' } as const;

type SignedIn = SessionState & { session: NonNullable<SessionState['session']> };

/** whoami's (and login's) JSON: exactly these fields. */
function identity(state: SignedIn) {
  return {
    operator: state.session.operator,
    role: state.session.role,
    dbRole: state.session.dbRole,
    server: state.server,
    platformDatabase: state.platformDatabase,
    signedInBy: state.session.signedInBy,
  };
}

const SIGNED_IN_BY: Readonly<Record<SignedIn['session']['signedInBy'], string>> = {
  local: "this installation's local operator",
  password: 'password',
  environment: 'TENANT_CONSOLE_OPERATOR and TENANT_CONSOLE_PASSWORD',
  remembered: 'the sign-in `tenantctl login` kept',
};

function printIdentity(cli: CliContext, state: SignedIn): void {
  cli.printFields([
    ['Operator', state.session.operator],
    ['Role', state.session.role],
    ['PostgreSQL role', state.session.dbRole],
    ['Server', state.server],
    ['Platform database', state.platformDatabase],
    ['Signed in by', SIGNED_IN_BY[state.session.signedInBy]],
  ]);
}

/** `tenantctl login`, `logout` and `whoami`: who later commands run as. */
export function registerSignInCommands(program: Command, cli: CliContext): void {
  program
    .command('login')
    .description('sign in as an operator; later commands run as that operator until `tenantctl logout`')
    .option('--server <url>', 'the server to sign in to, a postgres:// URL (kept for later commands when TENANT_CONSOLE_DATABASE_URL is not set)', serverUrlOption)
    .option('--operator <name>', 'the operator to sign in as (default: your OS user name)', operatorNameArgument)
    .option(json.flags, json.description)
    .addHelpText(
      'after',
      [
        '',
        'The password is typed at a prompt (not echoed) or, when standard input is not a terminal,',
        'read from its first line:  printf \'%s\\n\' "$PASSWORD" | tenantctl login --operator alice',
        "PostgreSQL checks it. The sign-in (and --server, which may hold a password) is kept in the data",
        "folder's secret store (mode 0600). Cron can skip login: set TENANT_CONSOLE_OPERATOR and",
        'TENANT_CONSOLE_PASSWORD instead. Exit code 10: wrong password, disabled operator, or too many',
        'wrong passwords in a row (the message says how long to wait).',
      ].join('\n'),
    )
    .action(async (options: { server?: string; operator?: string; json?: boolean }) => {
      // The OS user's operator name needs node:os only, but lives with the sessions: loaded here, not at start.
      const { localOperatorName } = await import('../operators/operator-sessions');
      const operator = options.operator ?? localOperatorName();
      const password = await readPassword(cli, `Password for ${operator}: `);
      const env = cli.io.env;
      await withCliSession(
        cli,
        async (session) => {
          const state = await session.call('session:signIn', { operator, password, remember: false, local: false });
          if (!state.session) throw new CliError({ code: 'INTERNAL', message: `The sign-in of ${operator} left no session.` });
          await session.core.sessions.remember({ name: operator, password });
          if (options.server) await keepServerUrl(env, options.server);
          const signedIn = state as SignedIn;
          if (options.json) cli.printJson(identity(signedIn));
          else {
            cli.out(`Signed in as ${operator} (${signedIn.session.role}) on ${state.server}, platform database ${state.platformDatabase}.\n`);
            cli.out('Later tenantctl commands run as this operator until `tenantctl logout`.\n');
            if (signedIn.session.mustChangePassword) cli.out(`${operator} still has a one-time password: choose your own at the next sign-in in the app or browser.\n`);
          }
          // Said on stderr, so --json stays pure: what would make later commands not use this sign-in.
          if (env.TENANT_CONSOLE_OPERATOR) cli.err(`tenantctl: note: TENANT_CONSOLE_OPERATOR is set: commands run as ${env.TENANT_CONSOLE_OPERATOR} while it is.\n`);
          if (options.server && resolveDatabaseUrl(undefined, env)) cli.err('tenantctl: note: TENANT_CONSOLE_DATABASE_URL is set: commands use it, not --server, while it is.\n');
        },
        { withoutEnvironmentSignIn: true, ...(options.server ? { server: options.server } : {}) },
      );
    });

  program
    .command('logout')
    .description('forget the sign-in `tenantctl login` kept; later commands exit 10 until the next login')
    .option('--forget-server', 'forget the server `login --server` chose too: later commands use TENANT_CONSOLE_DATABASE_URL or the embedded server again')
    .option(json.flags, json.description)
    .action(async (options: { forgetServer?: boolean; json?: boolean }) => {
      const env = cli.io.env;
      // The sign-in to forget is the one on the kept server, even while TENANT_CONSOLE_DATABASE_URL names another.
      const kept = await keptServerUrl(env);
      await withCliSession(
        cli,
        async (session) => {
          const { sessions, info } = session.core;
          const operator = await sessions.forgetRemembered();
          // The kept sign-in is in use now: end it through the contract too, so the sign-out is audited.
          if (sessions.current?.signedInBy === 'remembered') await session.call('session:signOut', {});
          // The server stays unless asked: forgetting it would send the next command to a new embedded server.
          const forgotten = options.forgetServer ? await forgetServerUrl(env) : null;
          const forgotServer = forgotten === null ? null : serverLabel(forgotten);
          const local = await sessions.localOperator();
          if (options.json) return cli.printJson({ forgotOperator: operator, forgotServer });
          cli.out(operator ? `Signed out: forgot the sign-in of ${operator} on ${info.server.host}:${info.server.port}.\n` : 'No kept sign-in to forget.\n');
          if (forgotServer) cli.out(`Forgot the server ${forgotServer}: the next \`tenantctl login\` needs --server again (or TENANT_CONSOLE_DATABASE_URL).\n`);
          else if (kept) cli.out(`Later commands still use the server ${serverLabel(kept)} (\`tenantctl logout --forget-server\` forgets it).\n`);
          if (local) cli.out(`Commands now run as ${local}, this installation's local operator.\n`);
        },
        { withoutEnvironmentSignIn: true, ...(kept ? { server: kept } : {}) },
      );
    });

  program
    .command('whoami')
    .description('the operator commands run as, its role (as PostgreSQL reports it) and the server; exit 10 when nobody is signed in')
    .option(json.flags, json.description)
    .action(async (options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const state = await session.call('session:current', {});
        if (!state.session) throw new CliError({ code: 'UNAUTHENTICATED', message: notSignedInMessage(session.core) });
        if (options.json) cli.printJson(identity(state as SignedIn));
        else printIdentity(cli, state as SignedIn);
      });
    });
}
