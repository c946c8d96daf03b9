import type { ChannelInput, ChannelName, ChannelOutput } from '../../src-shared/contract/channels';
import type { ContractError } from '../../src-shared/contract/errors';
import type { ConsoleCore } from '../../src-main/app/console-core';

/** Calls a channel through the same dispatch every transport uses; throws on an error result. */
export async function call<C extends ChannelName>(core: ConsoleCore, channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
  const result = await core.dispatch(channel, input, { origin: 'test' });
  if (!result.ok) throw Object.assign(new Error(`${channel}: ${result.error.code} ${result.error.message}`), { contractError: result.error });
  return result.value as ChannelOutput<C>;
}

/** Calls a channel expecting an error result; returns it. */
export async function callError(core: ConsoleCore, channel: ChannelName, input: unknown): Promise<ContractError> {
  const result = await core.dispatch(channel, input, { origin: 'test' });
  if (result.ok) throw new Error(`${channel} unexpectedly succeeded: ${JSON.stringify(result.value).slice(0, 200)}`);
  return result.error;
}

let counter = 0;
/** A unique, valid subdomain and company per call, so files sharing a server never collide. */
export function uniqueTenantInput(plan = 'starter', company = 'Acme Test'): ChannelInput<'tenants:create'> {
  counter += 1;
  const suffix = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}${counter}`;
  return { companyName: company, subdomain: `t-${suffix}`, plan, adminEmail: `admin+${suffix}@example.com` };
}
