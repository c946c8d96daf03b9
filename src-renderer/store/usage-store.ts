import { create } from 'zustand';
import type { UsageFleet, UsageRunSummary } from '../../src-shared/contract/usage-models';
import { api } from '../api/client';
import { downloadText } from '../lib/download';
import { createLoader, type LoadStatus } from '../lib/latest-request';
import { notifyError, notifySuccess } from '../lib/notify';
import { newRequestId } from '../lib/request-id';

export type TrendDays = 30 | 90;

export interface CollectProgress {
  readonly done: number;
  readonly total: number;
  readonly message: string;
}

interface UsageState {
  readonly days: TrendDays;
  readonly fleet: UsageFleet | null;
  readonly status: LoadStatus;
  readonly error: string | null;
  /** Non-null while this window's collection runs. */
  readonly collecting: CollectProgress | null;
  readonly exporting: boolean;

  load(): Promise<void>;
  setDays(days: TrendDays): void;
  collect(): Promise<UsageRunSummary | null>;
  exportCsv(): Promise<void>;
  /** Something it shows changed (a collection run, plans or limits): reload if the page has been opened. */
  refreshIfLoaded(): void;
}

/** The Usage page's data: fleet figures for 30 or 90 days, and the "Collect usage now" job. */
export const useUsageStore = create<UsageState>()((set, get) => {
  const fleet = createLoader({
    fetch: () => api().call('usage:fleet', { days: get().days }),
    ready: (value) => ({ fleet: value }),
    set,
  });

  return {
    days: 30,
    fleet: null,
    status: 'idle',
    error: null,
    collecting: null,
    exporting: false,

    load: () => fleet.load(),

    setDays(days) {
      if (days === get().days) return;
      set({ days });
      void fleet.load();
    },

    async collect() {
      if (get().collecting) return null;
      const requestId = newRequestId();
      set({ collecting: { done: 0, total: 0, message: 'Starting…' } });
      const off = api().subscribe('job:progress', (event) => {
        if (event.requestId !== requestId) return;
        set({ collecting: { done: event.stepIndex, total: event.stepCount, message: event.message } });
      });
      try {
        const summary = await api().call('usage:collect', { requestId });
        const failed = summary.failed > 0 ? `, ${summary.failed} failed` : '';
        notifySuccess('Usage collected', `${summary.read} read, ${summary.carriedOver} carried over${failed}.`);
        return summary;
      } catch (error) {
        notifyError('Usage could not be collected', error);
        return null;
      } finally {
        off();
        set({ collecting: null });
        void fleet.load();
      }
    },

    async exportCsv() {
      if (get().exporting) return;
      set({ exporting: true });
      try {
        const result = await api().call('usage:exportCsv', { filters: {} });
        downloadText(result.filename, result.csv, 'text/csv;charset=utf-8');
        notifySuccess('Usage exported', `${result.rows} ${result.rows === 1 ? 'row' : 'rows'} saved to ${result.filename}.`);
      } catch (error) {
        notifyError('Usage could not be exported', error);
      } finally {
        set({ exporting: false });
      }
    },

    refreshIfLoaded() {
      if (get().status !== 'idle') void fleet.load();
    },
  };
});
