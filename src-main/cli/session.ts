import type { ChannelInput, ChannelName, ChannelOutput } from '../../src-shared/contract/channels';
import { openConsoleCore, type ConsoleCore } from '../app/console-core';
import { CliError } from './output';

export interface CliSession {
  readonly core: ConsoleCore;
  call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
}

/**
 * One CLI command's life: open the core (starting the embedded server if nobody runs it),
 * run, close (stopping the server again if this command started it and nobody else uses
 * it). Ctrl-C and SIGTERM close cleanly too; a half-done operation is left to reconcile.
 */
export async function withCliSession<T>(work: (session: CliSession) => Promise<T>): Promise<T> {
  const core = await openConsoleCore({ mode: 'cli' });
  let closing: Promise<void> | null = null;
  const close = () => (closing ??= core.close());
  const onSignal = (signal: NodeJS.Signals) => {
    void close().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
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
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await close();
  }
}
