import { z } from 'zod';
import { channels, isChannelName, type ChannelName } from '../../src-shared/contract/channels';
import type { ContractError, Result } from '../../src-shared/contract/errors';
import { isAppError } from '../base/app-error';
import type { CallContext, CallGuard, Dispatch, Handler, Handlers } from '../base/handler-types';
import { describeValidationError } from '../base/validation-message';
import { isConnectionFailure } from '../postgres/errors';
import { tenantOfCall, type CallAuditor } from '../audit/audited-call';

export interface DispatchLogger {
  error(details: Record<string, unknown>, message: string): void;
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
 *
 * Every call to a `mutates: true` channel is audited here, once for all handlers: the
 * event (ok, error code, or validation refusal) is committed to the local log before the
 * result is returned. With no audit log (cache refused) changes are refused up front; if
 * the write itself fails after the work was done, the caller gets an error that says so
 * (never a silent, unaudited success) and the would-be event goes to the console log.
 */
export function createDispatch(handlers: Handlers, logger: DispatchLogger, auditor?: CallAuditor, guard?: CallGuard): Dispatch {
  const run = async (channel: ChannelName, rawInput: unknown, context: CallContext, refusal: ContractError | null): Promise<{ result: Result<unknown>; input: unknown }> => {
    if (refusal) return { result: { ok: false, error: refusal }, input: rawInput };
    const definition = channels[channel];
    const parsed = definition.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      return { result: { ok: false, error: { code: 'VALIDATION', message: describeValidationError(parsed.error) } }, input: rawInput };
    }
    try {
      const handler = handlers[channel] as Handler<typeof channel>;
      const value = await handler(parsed.data as never, context);
      // Parsing the output too keeps the contract honest: nothing leaves main that the
      // schema does not describe (extra fields are stripped).
      return { result: { ok: true, value: definition.output.parse(value) }, input: parsed.data };
    } catch (error) {
      return { result: { ok: false, error: toContractError(channel, error, logger) }, input: parsed.data };
    }
  };

  return async (channel, rawInput, context) => {
    if (!isChannelName(channel)) {
      return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `Unknown channel: ${String(channel).slice(0, 80)}` } };
    }
    // Who may call it is PostgreSQL's answer, asked before the input is even read.
    const decision = guard ? await guard(channel, context) : null;
    const refusal = decision?.refusal ?? null;
    if (!channels[channel].mutates || !auditor) return (await run(channel, rawInput, context, refusal)).result;

    if (auditor.problem) return { ok: false, error: { code: 'INVALID_STATE', message: auditor.problem } };
    const started = performance.now();
    const { result, input } = await run(channel, rawInput, context, refusal);
    const entry = {
      action: channel,
      tenant: tenantOfCall(input, result.ok ? result.value : undefined),
      // A tenant API call is the key's: the operator serving the API is named in the details.
      ...(context.apiKey ? { operator: `api-key:${context.apiKey}` } : decision?.operator ? { operator: decision.operator } : {}),
      details: {
        ...(typeof input === 'object' && input !== null ? input : { input }),
        origin: context.origin,
        ...(context.apiKey && decision?.operator ? { viaOperator: decision.operator } : {}),
        ...(decision?.role ? { operatorRole: decision.role } : {}),
      },
      outcome: result.ok ? 'ok' : result.error.code,
      durationMs: performance.now() - started,
    };
    try {
      await auditor.record(entry);
      return result;
    } catch (error) {
      logger.error({ channel, err: error, unauditedOutcome: entry.outcome, tenant: entry.tenant }, 'audit write failed');
      const done = result.ok ? `${channel} was carried out` : `${channel} failed (${result.error.code})`;
      return { ok: false, error: { code: 'INTERNAL', message: `${done}, but it could not be written to the audit log: ${(error as Error).message}` } };
    }
  };
}
