import type { ChannelName, ChannelOutput, ChannelParsedInput } from '../../src-shared/contract/channels';
import type { Result } from '../../src-shared/contract/errors';

export interface CallContext {
  /** Where the call came from, for logs and the audit trail. */
  readonly origin: 'ipc' | 'host' | 'cli' | 'test';
}

export type Handler<C extends ChannelName> = (
  input: ChannelParsedInput<C>,
  context: CallContext,
) => Promise<ChannelOutput<C>>;

export type Handlers = { readonly [C in ChannelName]: Handler<C> };

export type Dispatch = (channel: unknown, rawInput: unknown, context: CallContext) => Promise<Result<unknown>>;
