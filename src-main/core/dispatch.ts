import { z } from 'zod';
import {
  channels,
  isChannelName,
  type ChannelName,
  type ChannelOutput,
  type ChannelParsedInput,
} from '../../src-shared/contract/channels';
import type { ContractError, Result } from '../../src-shared/contract/errors';
import { isAppError } from './app-error';
import { isConnectionFailure } from '../postgres/errors';

export interface CallContext {
  /** Where the call came from, for logs and (later) the audit trail. */
  readonly origin: 'ipc' | 'host' | 'cli' | 'test';
}

export type Handler<C extends ChannelName> = (
  input: ChannelParsedInput<C>,
  context: CallContext,
) => Promise<ChannelOutput<C>>;

export type Handlers = { readonly [C in ChannelName]: Handler<C> };

export type Dispatch = (channel: unknown, rawInput: unknown, context: CallContext) => Promise<Result<unknown>>;

export interface DispatchLogger {
  error(details: Record<string, unknown>, message: string): void;
}

/** Turns a zod failure into one line an operator can act on. */
export function describeValidationError(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

export function toContractError(channel: string, error: unknown, logger: DispatchLogger): ContractError {
  if (isAppError(error)) return { code: error.code, message: error.message };
  if (error instanceof z.ZodError) return { code: 'VALIDATION', message: describeValidationError(error) };
  if (isConnectionFailure(error)) {
    return { code: 'DATABASE_UNAVAILABLE', message: `The database server is not answering (${channel}). Check that it is running.` };
  }
  logger.error({ channel, err: error }, 'unexpected error in handler');
  return { code: 'INTERNAL', message: `Internal error in ${channel}; the console log has the details.` };
}

/**
 * The single entry point every transport uses (IPC, host-mode HTTP, CLI): refuses unknown
 * channels, validates the input against the channel's schema before the handler runs, and
 * answers with a Result — never a thrown stack.
 */
export function createDispatch(handlers: Handlers, logger: DispatchLogger): Dispatch {
  return async (channel, rawInput, context) => {
    if (!isChannelName(channel)) {
      return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `Unknown channel: ${String(channel).slice(0, 80)}` } };
    }
    const definition = channels[channel];
    const parsed = definition.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      return { ok: false, error: { code: 'VALIDATION', message: describeValidationError(parsed.error) } };
    }
    try {
      const handler = handlers[channel] as Handler<typeof channel>;
      const value = await handler(parsed.data as never, context);
      // Parsing the output too keeps the contract honest: nothing leaves main that the
      // schema does not describe (extra fields are stripped).
      return { ok: true, value: definition.output.parse(value) };
    } catch (error) {
      return { ok: false, error: toContractError(channel, error, logger) };
    }
  };
}
