import type { ChannelName, ChannelOutput, ChannelParsedInput } from '../../src-shared/contract/channels';
import type { SnapshotSetName, SnapshotStore } from './snapshot-store';

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

/**
 * Read channels that can answer from a snapshot (offline, or under review), one entry
 * each. Usage views add theirs here: `'usage:daily': (store, set, input) => …store.usage(set, …)`.
 */
export const SNAPSHOT_READERS: SnapshotReaders = {
  'tenants:list': (store, set, input) => store.listTenants(set, input),
  'tenants:get': (store, set, { ref }) => store.getTenant(set, ref),
  'tenants:operations': (store, set, { ref, limit }) => store.listOperations(set, ref, limit),
};

/** How each of those reads refreshes the live snapshot when it succeeds online. */
export const SNAPSHOT_WRITERS: SnapshotWriters = {
  'tenants:list': (saver) => saver.refreshTenantsSoon(),
  'tenants:get': (saver, _input, tenant) => saver.store.upsertTenant(tenant, new Date().toISOString()),
  'tenants:operations': (saver, { ref }, operations) => {
    const tenantCode = saver.store.tenantCodeOf('live', ref);
    if (tenantCode) saver.store.saveOperations(tenantCode, operations, new Date().toISOString());
  },
};
