import { channels, type ChannelName, type ChannelOutput, type ChannelParsedInput } from '../../src-shared/contract/channels';
import { AppError } from '../base/app-error';
import type { SnapshotSetName, SnapshotStore } from './snapshot-store';
import { tenantHit } from '../search/console-search';
import { tenantUsageFromSnapshot, usageCsvFromSnapshot } from './usage-from-snapshot';

type SnapshotReaders = {
  readonly [C in ChannelName]?: (store: SnapshotStore, set: SnapshotSetName, input: ChannelParsedInput<C>) => ChannelOutput<C>;
};

/** What a successful online read leaves in the live snapshot. */
export interface SnapshotSaver {
  readonly store: SnapshotStore;
  /** A full save of the tenants, throttled; never delays the answer. */
  refreshTenantsSoon(): void;
}

type SnapshotWriters = {
  readonly [C in ChannelName]?: (saver: SnapshotSaver, input: ChannelParsedInput<C>, output: ChannelOutput<C>) => void;
};

/** The key a kept `usage:fleet` answer is filed under. */
export const fleetKey = (days: number) => `days=${days}`;

/**
 * A read's last online answer from a snapshot. Answers in an imported file came from another
 * machine: they are checked against the channel's output schema like any other input.
 */
function kept<C extends ChannelName>(store: SnapshotStore, set: SnapshotSetName, channel: C, key: string | null, what: string): { output: ChannelOutput<C>; asOf: ReturnType<SnapshotStore['mark']> } {
  const found = key === null ? null : store.response<ChannelOutput<C>>(set, channel, key);
  if (found && (set === 'live' || channels[channel].output.safeParse(found.output).success)) return { output: found.output, asOf: found.snapshot };
  throw new AppError(
    'DATABASE_UNAVAILABLE',
    set === 'live'
      ? `Offline — this console has not saved ${what} yet; it needs the platform database.`
      : `The snapshot under review does not hold ${what}.`,
  );
}

/**
 * Read channels that can answer from a snapshot (offline, or under review), one entry each.
 * Usage per tenant and the CSV are recomputed from the kept rows and limits; the fleet
 * dashboard (prices, runs), a tenant's limits (read from its own database) and plan history
 * are their last online answers.
 */
export const SNAPSHOT_READERS: SnapshotReaders = {
  'tenants:list': (store, set, input) => store.listTenants(set, input),
  'tenants:get': (store, set, { ref }) => store.getTenant(set, ref),
  'tenants:operations': (store, set, { ref, limit }) => store.listOperations(set, ref, limit),
  'usage:fleet': (store, set, { days }) => {
    const { output, asOf } = kept(store, set, 'usage:fleet', fleetKey(days), `the ${days}-day usage dashboard`);
    return { ...output, snapshot: asOf };
  },
  'usage:tenant': (store, set, input) => tenantUsageFromSnapshot(store, set, input),
  'usage:exportCsv': (store, set, input) => usageCsvFromSnapshot(store, set, input),
  'tenants:limits': (store, set, { ref }) => {
    const { output, asOf } = kept(store, set, 'tenants:limits', store.tenantCodeOf(set, ref), `the limits of ${ref} (read from its database)`);
    return { ...output, snapshot: asOf };
  },
  // Snapshots keep tenants, not invoices: the answer says invoices were not searched.
  'search:everything': (store, set, { text, limit }) => {
    const { rows, snapshot } = store.searchTenants(set, text, limit);
    return { hits: rows.map(tenantHit), invoicesSearched: false, snapshot };
  },
  'tenants:planHistory': (store, set, { ref }) => kept(store, set, 'tenants:planHistory', store.tenantCodeOf(set, ref), `the plan history of ${ref}`).output,
};

/** How each of those reads refreshes the live snapshot when it succeeds online. */
export const SNAPSHOT_WRITERS: SnapshotWriters = {
  'tenants:list': (saver) => saver.refreshTenantsSoon(),
  'tenants:get': (saver, _input, tenant) => saver.store.upsertTenant(tenant, new Date().toISOString()),
  'tenants:operations': (saver, { ref }, operations) => {
    const tenantCode = saver.store.tenantCodeOf('live', ref);
    if (tenantCode) saver.store.saveOperations(tenantCode, operations, new Date().toISOString());
  },
  'usage:fleet': (saver, { days }, fleet) => saver.store.saveResponse('usage:fleet', fleetKey(days), fleet),
  // A tenant's limits may have changed since the last collection (an override): keep the newest.
  'usage:tenant': (saver, _input, usage) => {
    const limitOf = (resource: string) => usage.limits.find((l) => l.resource === resource)?.limit ?? null;
    saver.store.saveLimits({
      [usage.tenantCode]: {
        companies: limitOf('companies'),
        usersPerCompany: limitOf('usersPerCompany'),
        transactionsPerMonth: limitOf('transactionsPerMonth'),
        warningPercent: usage.warningPercent,
      },
    });
  },
  'tenants:limits': (saver, _input, limits) => saver.store.saveResponse('tenants:limits', limits.tenantCode, limits),
  'tenants:planHistory': (saver, { ref }, history) => {
    const tenantCode = saver.store.tenantCodeOf('live', ref);
    if (tenantCode) saver.store.saveResponse('tenants:planHistory', tenantCode, history);
  },
};
