import pLimit from 'p-limit';
import type { ChannelOutput } from '../../src-shared/contract/channels';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { call, uniqueTenantInput } from './core-calls';

export type Provisioned = ChannelOutput<'tenants:create'>;

/**
 * Provisions tenants through the real `tenants:create`, a few at a time: many tenants
 * without paying for them one by one. `plans[i]` is the i-th tenant's plan (cycled).
 */
export async function provisionMany(core: ConsoleCore, count: number, plans: readonly string[] = ['starter'], concurrency = 4): Promise<Provisioned[]> {
  const limit = pLimit(concurrency);
  return Promise.all(
    Array.from({ length: count }, (_, index) => limit(() => call(core, 'tenants:create', uniqueTenantInput(plans[index % plans.length], `Usage Test ${index + 1}`)))),
  );
}
