import { create } from 'zustand';
import type { AuditEvent, AuditSource, AuditStatus, AuditVerifyResult } from '../../src-shared/contract/audit-models';
import type { ChannelInput } from '../../src-shared/contract/channels';
import { api } from '../api/client';
import { errorMessage } from '../api/api-error';
import { createLoader, latestRequest, type LoadStatus } from '../lib/latest-request';

export interface AuditFilterValues {
  readonly tenant: string;
  readonly operator: string;
  readonly action: string;
  /** '' (any), 'ok', 'error' or one error code. */
  readonly outcome: string;
  /** datetime-local values ('' = open); sent as ISO instants. */
  readonly since: string;
  readonly until: string;
  readonly search: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilterValues = { tenant: '', operator: '', action: '', outcome: '', since: '', until: '', search: '' };

/** Rows fetched per keyset page: small enough to answer fast, large enough for a fling of the wheel. */
const AUDIT_PAGE_SIZE = 200;

function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The filters as the channel takes them: empty fields left out. */
export function auditQuery(source: AuditSource, filters: AuditFilterValues): Omit<ChannelInput<'audit:list'>, 'cursor' | 'limit' | 'includeTotal'> {
  const text = (value: string) => (value.trim() === '' ? undefined : value.trim());
  const query: Record<string, string | undefined> = {
    tenant: text(filters.tenant),
    operator: text(filters.operator),
    action: text(filters.action),
    outcome: text(filters.outcome),
    since: localToIso(filters.since),
    until: localToIso(filters.until),
    search: text(filters.search),
  };
  return { source, ...Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)) };
}

interface AuditState {
  readonly source: AuditSource;
  readonly filters: AuditFilterValues;
  readonly rows: readonly AuditEvent[];
  readonly total: number | null;
  readonly nextCursor: string | null;
  readonly status: LoadStatus;
  readonly loadingMore: boolean;
  readonly error: string | null;
  readonly selected: AuditEvent | null;
  readonly outbox: AuditStatus | null;
  readonly verify: { readonly running: boolean; readonly result: AuditVerifyResult | null; readonly error: string | null };

  setSource(source: AuditSource): void;
  setFilters(patch: Partial<AuditFilterValues>): void;
  clearFilters(): void;
  load(): Promise<void>;
  /** The next (older) keyset page, as the list scrolls towards its end. */
  loadMore(): Promise<void>;
  select(event: AuditEvent | null): void;
  loadOutbox(): Promise<void>;
  runVerify(): Promise<void>;
}

export const useAuditStore = create<AuditState>()((set, get) => {
  // A new source or filter supersedes the load (and the next page) in flight.
  const firstPage = createLoader({
    fetch: () => api().call('audit:list', { ...auditQuery(get().source, get().filters), limit: AUDIT_PAGE_SIZE, includeTotal: true }),
    ready: (page) => ({ rows: page.rows, total: page.total, nextCursor: page.nextCursor, loadingMore: false }),
    failed: () => ({ rows: [], total: null, nextCursor: null, loadingMore: false }),
    set,
  });
  // Polled every few seconds: a slow answer must not overwrite a newer one.
  const outboxStatus = latestRequest();

  return {
    source: 'fleet',
    filters: EMPTY_AUDIT_FILTERS,
    rows: [],
    total: null,
    nextCursor: null,
    status: 'idle',
    loadingMore: false,
    error: null,
    selected: null,
    outbox: null,
    verify: { running: false, result: null, error: null },

    setSource(source) {
      if (source === get().source) return;
      set({ source });
      void firstPage.load();
    },
    setFilters(patch) {
      set((state) => ({ filters: { ...state.filters, ...patch } }));
      void firstPage.load();
    },
    clearFilters() {
      set({ filters: EMPTY_AUDIT_FILTERS });
      void firstPage.load();
    },

    load: () => firstPage.load(),

    async loadMore() {
      const { nextCursor, loadingMore, status, source, filters } = get();
      if (!nextCursor || loadingMore || status !== 'ready') return;
      set({ loadingMore: true });
      const outcome = await firstPage.join(() => api().call('audit:list', { ...auditQuery(source, filters), cursor: nextCursor, limit: AUDIT_PAGE_SIZE }));
      if (outcome.stale) return;
      if (outcome.ok) set((state) => ({ rows: [...state.rows, ...outcome.value.rows], nextCursor: outcome.value.nextCursor, loadingMore: false }));
      else set({ loadingMore: false, error: outcome.message });
    },

    select(selected) {
      set({ selected });
    },

    async loadOutbox() {
      const outcome = await outboxStatus.run(() => api().call('audit:status', {}));
      if (!outcome.stale) set({ outbox: outcome.ok ? outcome.value : null });
    },

    async runVerify() {
      set({ verify: { running: true, result: null, error: null } });
      try {
        set({ verify: { running: false, result: await api().call('audit:verify', {}), error: null } });
      } catch (error) {
        set({ verify: { running: false, result: null, error: errorMessage(error) } });
      }
    },
  };
});
