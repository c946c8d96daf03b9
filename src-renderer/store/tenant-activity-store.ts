import { create } from 'zustand';
import type { TenantOperation } from '../../src-shared/contract/models';
import { api } from '../api/client';
import { errorMessage } from '../api/api-error';
import type { LoadStatus } from './reference-store';

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

// Only the answer to the latest request is applied: switching tenants never shows stale entries.
let latestRequest = 0;

export const useTenantActivityStore = create<TenantActivityState>()((set, get) => {
  async function fetchEntries(code: string): Promise<void> {
    const request = ++latestRequest;
    try {
      const entries = await api().call('tenants:operations', { ref: code, limit: ACTIVITY_LIMIT });
      if (request !== latestRequest || get().tenantCode !== code) return;
      set({ entries, status: 'ready', error: null });
    } catch (error) {
      if (request !== latestRequest || get().tenantCode !== code) return;
      set({ status: 'error', error: errorMessage(error) });
    }
  }

  return {
    tenantCode: null,
    entries: null,
    status: 'idle',
    error: null,

    load(tenantCode) {
      const same = get().tenantCode === tenantCode;
      set({ tenantCode, status: 'loading', error: null, entries: same ? get().entries : null });
      void fetchEntries(tenantCode);
    },
    refresh() {
      const code = get().tenantCode;
      if (!code) return;
      set({ status: 'loading' });
      void fetchEntries(code);
    },
    clear() {
      latestRequest++;
      set({ tenantCode: null, entries: null, status: 'idle', error: null });
    },
  };
});
