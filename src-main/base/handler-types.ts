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

/** A capability's share of the contract: the channels it answers. */
export type PartialHandlers<C extends ChannelName> = { readonly [K in C]: Handler<K> };

export type Handlers = { readonly [C in ChannelName]: Handler<C> };

export type Dispatch = (channel: unknown, rawInput: unknown, context: CallContext) => Promise<Result<unknown>>;
