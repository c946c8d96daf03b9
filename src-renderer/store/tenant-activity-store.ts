import { create } from 'zustand';
import type { TenantOperation } from '../../src-shared/contract/models';
import { api } from '../api/client';
import { createLoader, type LoadStatus } from '../lib/latest-request';

/** How many journal entries the drawer shows, newest first. */
export const ACTIVITY_LIMIT = 20;

/** The operations journal of the tenant shown in the detail drawer. */
interface TenantActivityState {
  readonly tenantCode: string | null;
  /** Null until the first answer for this tenant. */
  readonly entries: readonly TenantOperation[] | null;
  readonly status: LoadStatus;
  readonly error: string | null;

  /** A tenant's journal from scratch (the drawer opened on it). */
  load(tenantCode: string): void;
  /** The shown tenant's journal again, keeping the entries on screen while it loads. */
  refresh(): void;
  clear(): void;
}

export const useTenantActivityStore = create<TenantActivityState>()((set, get) => {
  // Only the answer to the latest request is applied: switching tenants never shows stale entries.
  const journal = createLoader({
    fetch: () => api().call('tenants:operations', { ref: get().tenantCode ?? '', limit: ACTIVITY_LIMIT }),
    ready: (entries) => ({ entries }),
    set,
  });

  return {
    tenantCode: null,
    entries: null,
    status: 'idle',
    error: null,

    load(tenantCode) {
      if (get().tenantCode !== tenantCode) set({ tenantCode, entries: null });
      void journal.load();
    },
    refresh() {
      if (get().tenantCode) void journal.load();
    },
    clear() {
      journal.cancel();
      set({ tenantCode: null, entries: null, status: 'idle', error: null });
    },
  };
});
