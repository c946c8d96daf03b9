import { create } from 'zustand';
import type { PlanHistoryEntry, TenantLimits } from '../../src-shared/contract/plan-models';
import type { TenantUsage } from '../../src-shared/contract/usage-models';
import { api } from '../api/client';
import { errorMessage } from '../api/api-error';
import type { LoadStatus } from './reference-store';

interface Part<T> {
  readonly value: T | null;
  readonly status: LoadStatus;
  readonly error: string | null;
}

const empty = { value: null, status: 'idle', error: null } as const;

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

let generation = 0;

/** The drawer's plan and usage figures for the tenant shown: Overview and "Usage & plan" share them. */
export const useTenantPlanStore = create<TenantPlanState>()((set, get) => {
  function fetchPart<K extends 'limits' | 'usage' | 'history'>(key: K, code: string, run: () => Promise<NonNullable<TenantPlanState[K]['value']>>): void {
    const current = generation;
    set({ [key]: { value: get()[key].value, status: 'loading', error: null } } as Pick<TenantPlanState, K>);
    run().then(
      (value) => {
        if (current === generation && get().tenantCode === code) set({ [key]: { value, status: 'ready', error: null } } as Pick<TenantPlanState, K>);
      },
      (error: unknown) => {
        if (current === generation && get().tenantCode === code) set({ [key]: { value: get()[key].value, status: 'error', error: errorMessage(error) } } as Pick<TenantPlanState, K>);
      },
    );
  }

  return {
    tenantCode: null,
    limits: empty,
    usage: empty,
    history: empty,

    load(tenantCode, force = false) {
      if (!force && get().tenantCode === tenantCode && get().limits.status !== 'idle') return;
      generation++;
      if (get().tenantCode !== tenantCode) set({ tenantCode, limits: empty, usage: empty, history: empty });
      fetchPart('limits', tenantCode, () => api().call('tenants:limits', { ref: tenantCode }));
      fetchPart('usage', tenantCode, () => api().call('usage:tenant', { ref: tenantCode, days: 90 }));
      fetchPart('history', tenantCode, () => api().call('tenants:planHistory', { ref: tenantCode }));
    },
    reload() {
      const code = get().tenantCode;
      if (code) get().load(code, true);
    },
  };
});
