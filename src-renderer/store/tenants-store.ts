import { create } from 'zustand';
import type { TenantSortField, TenantSummary } from '../../src-shared/contract/models';
import { DEFAULT_TENANT_QUERY, sameTenantQuery, type OnboardingFilter, type TenantQuery } from './tenant-query';
import type { SnapshotMark } from '../../src-shared/contract/offline-models';
import type { TenantStatus } from '../../src-shared/domain/status';
import type { OnboardingStage } from '../../src-shared/contract/onboarding-models';
import { api } from '../api/client';
import { createLoader, type LoadStatus } from '../lib/latest-request';

export const PAGE_SIZE = 50;

export type { OnboardingFilter, TenantQuery } from './tenant-query';

export function isFiltered(query: TenantQuery): boolean {
  return query.search.trim() !== '' || query.status.length > 0 || query.plan.length > 0 || query.onboarding.length > 0;
}

export function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / PAGE_SIZE));
}

interface TenantsState {
  readonly query: TenantQuery;
  readonly rows: readonly TenantSummary[];
  readonly total: number;
  /** Set when the rows came from a snapshot (offline or under review): how old they are. */
  readonly snapshot: SnapshotMark | null;
  /** The query the shown rows answer (the filters may have moved on while a load runs). */
  readonly shownQuery: TenantQuery | null;
  readonly status: LoadStatus;
  readonly error: string | null;

  setSearch(search: string): void;
  setStatusFilter(status: TenantStatus[]): void;
  setPlanFilter(plan: string[]): void;
  setOnboardingFilter(onboarding: OnboardingFilter[]): void;
  clearFilters(): void;
  /** Clicking a header: a new column sorts ascending (dates newest first); the same column flips. */
  sortBy(field: TenantSortField): void;
  setPage(page: number): void;
  /** The whole query at once (an address opened, Back or Forward): loads if it differs. */
  applyQuery(query: TenantQuery): void;
  load(): Promise<void>;
  /** Reload in the background, coalescing bursts (e.g. many tenant:changed events). */
  refreshSoon(): void;
}

function listPage(query: TenantQuery) {
  const search = query.search.trim();
  const stages = query.onboarding.filter((value): value is OnboardingStage => value !== 'stalled');
  return api().call('tenants:list', {
    ...(search ? { search } : {}),
    ...(query.status.length > 0 ? { status: [...query.status] } : {}),
    ...(query.plan.length > 0 ? { plan: [...query.plan] } : {}),
    ...(stages.length > 0 ? { onboarding: stages } : {}),
    ...(query.onboarding.includes('stalled') ? { stalled: true } : {}),
    sort: query.sort,
    direction: query.direction,
    offset: (query.page - 1) * PAGE_SIZE,
    limit: PAGE_SIZE,
  });
}

export const useTenantsStore = create<TenantsState>()((set, get) => {
  // Only the answer to the latest request is applied: typing fast never shows stale rows.
  const list = createLoader({
    async fetch() {
      let query = get().query;
      let result = await listPage(query);
      // The last page can vanish under us (tenants cancelled elsewhere): step back to one that exists.
      if (result.rows.length === 0 && result.total > 0 && query.page > pageCount(result.total)) {
        query = { ...query, page: pageCount(result.total) };
        result = await listPage(query);
      }
      return { query, result };
    },
    ready: ({ query, result }) => ({ query, rows: result.rows, total: result.total, snapshot: result.snapshot ?? null, shownQuery: query }),
    set,
  });

  const update = (patch: Partial<TenantQuery>) => {
    set((state) => ({ query: { ...state.query, page: 1, ...patch } }));
    void list.load();
  };

  return {
    query: DEFAULT_TENANT_QUERY,
    rows: [],
    total: 0,
    snapshot: null,
    shownQuery: null,
    status: 'idle',
    error: null,

    setSearch: (search) => {
      if (search.trim() === get().query.search.trim()) return;
      update({ search });
    },
    setStatusFilter: (status) => update({ status }),
    setPlanFilter: (plan) => update({ plan }),
    setOnboardingFilter: (onboarding) => update({ onboarding }),
    clearFilters: () => update({ search: '', status: [], plan: [], onboarding: [] }),
    sortBy: (field) => {
      const { sort, direction } = get().query;
      if (sort === field) update({ direction: direction === 'asc' ? 'desc' : 'asc' });
      else update({ sort: field, direction: field === 'createdAt' ? 'desc' : 'asc' });
    },
    setPage: (page) => {
      set((state) => ({ query: { ...state.query, page } }));
      void list.load();
    },
    applyQuery: (query) => {
      if (sameTenantQuery(query, get().query)) return;
      set({ query });
      void list.load();
    },
    load: () => list.load(),
    refreshSoon: list.refreshSoon,
  };
});
