import type { ChannelInput, ChannelName, ChannelOutput } from '../../src-shared/contract/channels';
import type { AppInfo } from '../../src-shared/contract/models';
import type { ConsoleCore } from '../app/console-core';
import type { InterruptibleWork } from '../base/interruption';
import { SIGNAL_EXIT_CODES, type CliContext } from './cli-context';
import { CliError } from './output';
import { storedServerUrl } from './stored-server';

export interface CliSession {
  readonly core: ConsoleCore;
  call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
}

export interface CliCoreOptions {
  /** The server to open (`login --server`), instead of TENANT_CONSOLE_DATABASE_URL or the kept one. */
  readonly server?: string;
  /**
   * `login` and `logout` act on the stored sign-in: TENANT_CONSOLE_OPERATOR/PASSWORD (cron's)
   * are left out, so a wrong pair in the environment cannot stand in the way.
   */
  readonly withoutEnvironmentSignIn?: boolean;
}

/**
 * Opens the console core with this run's environment, on the server TENANT_CONSOLE_DATABASE_URL
 * names, else the one `tenantctl login --server` kept. Loaded on first use, so `--help`,
 * `--version` and argument errors never load the core and its libraries.
 */
export async function openCliCore(cli: CliContext, mode: AppInfo['mode'], options: CliCoreOptions = {}): Promise<ConsoleCore> {
  const { openConsoleCore } = await import('../app/console-core');
  let env = cli.io.env;
  if (options.withoutEnvironmentSignIn) {
    const { TENANT_CONSOLE_OPERATOR: _operator, TENANT_CONSOLE_PASSWORD: _password, ...rest } = env;
    env = rest;
  }
  const databaseUrl = options.server ?? (await storedServerUrl(env));
  return openConsoleCore({ mode, env, ...(databaseUrl ? { databaseUrl } : {}) });
}

/** Exit 9's words: what to do, and why the stored sign-in (if any) was refused. */
export function notSignedInMessage(core: ConsoleCore): string {
  const refused = core.sessions.storedSignInRefused;
  const how = 'run `tenantctl login`, or set TENANT_CONSOLE_OPERATOR and TENANT_CONSOLE_PASSWORD.';
  if (!refused) return `Not signed in: ${how}`;
  return `Not signed in (the stored sign-in of ${refused.operator} was refused). ${refused.message} Then ${how}`;
}

// How long an interrupted command may take to stop its operation and undo it.
const INTERRUPT_GRACE_MS = 20_000;

/** One line per operation this command ran, saying how the interruption left it. */
function describeInterrupted(signal: string, work: readonly InterruptibleWork[]): string[] {
  const lines = work.map((item) =>
    item.outcome === 'left for reconcile' || item.outcome === 'running'
      ? `tenantctl: ${item.what} was interrupted and left for reconcile (the next tenantctl command, or tenantctl reconcile, settles it).`
      : `tenantctl: ${item.what} ${item.outcome === 'finished' ? 'had already finished' : item.outcome === 'rolled back' ? 'was stopped and rolled back' : 'failed'}.`,
  );
  // A read (list, show) has nothing to stop: it ends quietly.
  return lines.length === 0 ? [] : [`tenantctl: ${signal} received: stopping.`, ...lines];
}

/**
 * One CLI command's life: open the core (starting the embedded server if nobody runs it),
 * run, close (stopping the server again if this command started it and nobody else uses
 * it). Ctrl-C and SIGTERM close cleanly too, then end the run with 130 / 143; a half-done
 * operation is left to reconcile.
 */
export async function withCliSession<T>(cli: CliContext, work: (session: CliSession) => Promise<T>, options: CliCoreOptions = {}): Promise<T> {
  const core = await openCliCore(cli, 'cli', options);
  let closing: Promise<void> | null = null;
  const close = () => (closing ??= core.close());
  let working: Promise<unknown> = Promise.resolve();
  const off = cli.onSignal((signal) => {
    void (async () => {
      // Stop the running operation at its next step (undone or left for reconcile), let it
      // settle, say what was left — then close. Never carry on after the caller gave up.
      core.interrupt(signal);
      await Promise.race([working.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, INTERRUPT_GRACE_MS).unref())]);
      for (const line of describeInterrupted(signal, core.interruptedWork())) cli.err(`${line}\n`);
      await close();
    })().finally(() => cli.interrupt(SIGNAL_EXIT_CODES[signal]));
  });
  try {
    return await (working = work({
      core,
      async call(channel, input) {
        const result = await core.dispatch(channel, input, { origin: 'cli' });
        if (!result.ok) {
          // Nobody signed in: say it the CLI's way, and why a stored sign-in no longer works.
          const signedOut = result.error.code === 'UNAUTHENTICATED' && !core.sessions.current && channel !== 'session:signIn';
          throw new CliError(signedOut ? { code: 'UNAUTHENTICATED', message: notSignedInMessage(core) } : result.error);
        }
        return result.value as ChannelOutput<typeof channel>;
      },
    }));
  } finally {
    off();
    await close();
  }
}
