import { create } from 'zustand';
import type { PlanHistoryEntry, TenantLimits } from '../../src-shared/contract/plan-models';
import type { TenantUsage } from '../../src-shared/contract/usage-models';
import { api } from '../api/client';
import { createLoader, type LoadStatus, type Loader } from '../lib/latest-request';

interface Part<T> {
  readonly value: T | null;
  readonly status: LoadStatus;
  readonly error: string | null;
}

const empty = { value: null, status: 'idle', error: null } as const;

type PartKey = 'limits' | 'usage' | 'history';

interface TenantPlanState {
  /** Whose figures these are; a different tenant's answer arriving late is dropped. */
  readonly tenantCode: string | null;
  /** The limits in force, read live from the tenant database. */
  readonly limits: Part<TenantLimits>;
  /** Collected daily figures (90 days). */
  readonly usage: Part<TenantUsage>;
  readonly history: Part<readonly PlanHistoryEntry[]>;
  /** Loads once per tenant (drawer tabs share it); `force` reloads. */
  load(tenantCode: string, force?: boolean): void;
  reload(): void;
}

/** The drawer's plan and usage figures for the tenant shown: Overview and "Usage & plan" share them. */
export const useTenantPlanStore = create<TenantPlanState>()((set, get) => {
  /** One part's loader: latest answer wins per part, the last value stays while it reloads. */
  function part<K extends PartKey>(key: K, fetch: (code: string) => Promise<NonNullable<TenantPlanState[K]['value']>>): Loader {
    return createLoader({
      fetch: () => fetch(get().tenantCode ?? ''),
      ready: (value) => ({ value }),
      set: (patch) => set({ [key]: { ...get()[key], ...patch } } as Pick<TenantPlanState, K>),
    });
  }
  const parts = [
    part('limits', (ref) => api().call('tenants:limits', { ref })),
    part('usage', (ref) => api().call('usage:tenant', { ref, days: 90 })),
    part('history', (ref) => api().call('tenants:planHistory', { ref })),
  ];

  return {
    tenantCode: null,
    limits: empty,
    usage: empty,
    history: empty,

    load(tenantCode, force = false) {
      if (!force && get().tenantCode === tenantCode && get().limits.status !== 'idle') return;
      if (get().tenantCode !== tenantCode) {
        for (const loader of parts) loader.cancel();
        set({ tenantCode, limits: empty, usage: empty, history: empty });
      }
      for (const loader of parts) void loader.load();
    },
    reload() {
      const code = get().tenantCode;
      if (code) get().load(code, true);
    },
  };
});
