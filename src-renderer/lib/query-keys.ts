/** Component-local reads that the invalidation table can reload by name (see useQuery's `key`). */
export type QueryKey = 'billingOverview' | 'tenantBilling';

const watchers = new Map<QueryKey, Set<() => void>>();

/** Registers a mounted query's reload under its key; returns the unregister function. */
export function watchQuery(key: QueryKey, reload: () => void): () => void {
  const set = watchers.get(key) ?? new Set();
  watchers.set(key, set);
  set.add(reload);
  return () => set.delete(reload);
}

/** Reloads every mounted query of this key (none mounted: nothing to do, it loads when it mounts). */
export function reloadQueries(key: QueryKey): void {
  for (const reload of [...(watchers.get(key) ?? [])]) reload();
}
