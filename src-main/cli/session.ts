import type { ChannelInput, ChannelName, ChannelOutput } from '../../src-shared/contract/channels';
import type { AppInfo } from '../../src-shared/contract/models';
import type { ConsoleCore } from '../app/console-core';
import { SIGNAL_EXIT_CODES, type CliContext } from './cli-context';
import { CliError } from './output';

export interface CliSession {
  readonly core: ConsoleCore;
  call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
}

/**
 * Opens the console core with this run's environment. Loaded on first use, so `--help`,
 * `--version` and argument errors never load the core and its libraries.
 */
export async function openCliCore(cli: CliContext, mode: AppInfo['mode']): Promise<ConsoleCore> {
  const { openConsoleCore } = await import('../app/console-core');
  return openConsoleCore({ mode, env: cli.io.env });
}

/**
 * One CLI command's life: open the core (starting the embedded server if nobody runs it),
 * run, close (stopping the server again if this command started it and nobody else uses
 * it). Ctrl-C and SIGTERM close cleanly too, then end the run with 130 / 143; a half-done
 * operation is left to reconcile.
 */
export async function withCliSession<T>(cli: CliContext, work: (session: CliSession) => Promise<T>): Promise<T> {
  const core = await openCliCore(cli, 'cli');
  let closing: Promise<void> | null = null;
  const close = () => (closing ??= core.close());
  const off = cli.onSignal((signal) => {
    void close().finally(() => cli.interrupt(SIGNAL_EXIT_CODES[signal]));
  });
  try {
    return await work({
      core,
      async call(channel, input) {
        const result = await core.dispatch(channel, input, { origin: 'cli' });
        if (!result.ok) throw new CliError(result.error);
        return result.value as ChannelOutput<typeof channel>;
      },
    });
  } finally {
    off();
    await close();
  }
}
