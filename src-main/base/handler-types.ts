import type { ChannelName, ChannelOutput, ChannelParsedInput } from '../../src-shared/contract/channels';
import type { ContractError, Result } from '../../src-shared/contract/errors';

export interface CallContext {
  /** Where the call came from, for logs and the audit trail. */
  readonly origin: 'ipc' | 'host' | 'cli' | 'test' | 'api';
  /**
   * The tenant API: the API key the call was made with. The call runs as the operator
   * serving the API (its grants apply) and is audited under `api-key:<name>`.
   */
  readonly apiKey?: string;
  /**
   * Host mode: the browser tab's own sign-in (its session token), when it has one; calls
   * without it act as the console's signed-in operator.
   */
  readonly browserToken?: string | null;
}

export type Handler<C extends ChannelName> = (
  input: ChannelParsedInput<C>,
  context: CallContext,
) => Promise<ChannelOutput<C>>;

export type Handlers = { readonly [C in ChannelName]: Handler<C> };

export type Dispatch = (channel: unknown, rawInput: unknown, context: CallContext) => Promise<Result<unknown>>;

/** Who makes the call, and whether they may: asked of PostgreSQL by the core (src-main/operators/authorize.ts). */
export interface CallDecision {
  /** Null: go ahead. */
  readonly refusal: ContractError | null;
  /** The signed-in operator, for the audit trail (absent: the console's own identity). */
  readonly operator?: string;
  readonly role?: string;
}
export type CallGuard = (channel: ChannelName, context: CallContext) => Promise<CallDecision>;

