import { create } from 'zustand';
import type { EventPayload } from '../../src-shared/contract/events';
import type { UsageFleet, UsageRunSummary } from '../../src-shared/contract/usage-models';
import { api } from '../api/client';
import { errorMessage } from '../api/api-error';
import { notifyError, notifySuccess } from '../lib/notify';
import { newRequestId } from '../lib/request-id';
import type { LoadStatus } from './reference-store';

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
  /** A run finished anywhere (this window, the schedule, another console): reload what is shown. */
  onCollected(summary: EventPayload<'usage:collected'>): void;
  /** Limits or plans changed (plan change, override): reload if the page has been opened. */
  refreshIfLoaded(): void;
}

let latestRequest = 0;

/** The Usage page's data: fleet figures for 30 or 90 days, and the "Collect usage now" job. */
export const useUsageStore = create<UsageState>()((set, get) => ({
  days: 30,
  fleet: null,
  status: 'idle',
  error: null,
  collecting: null,
  exporting: false,

  async load() {
    const request = ++latestRequest;
    const days = get().days;
    set({ status: 'loading', error: null });
    try {
      const fleet = await api().call('usage:fleet', { days });
      if (request !== latestRequest) return;
      set({ fleet, status: 'ready' });
    } catch (error) {
      if (request !== latestRequest) return;
      set({ status: 'error', error: errorMessage(error) });
    }
  },

  setDays(days) {
    if (days === get().days) return;
    set({ days });
    void get().load();
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
      void get().load();
    }
  },

  async exportCsv() {
    if (get().exporting) return;
    set({ exporting: true });
    try {
      const result = await api().call('usage:exportCsv', { filters: {} });
      downloadText(result.csv, result.filename, 'text/csv;charset=utf-8');
      notifySuccess('Usage exported', `${result.rows} ${result.rows === 1 ? 'row' : 'rows'} saved to ${result.filename}.`);
    } catch (error) {
      notifyError('Usage could not be exported', error);
    } finally {
      set({ exporting: false });
    }
  },

  onCollected() {
    // This window's own run reloads when its call returns.
    if (get().collecting) return;
    get().refreshIfLoaded();
  },

  refreshIfLoaded() {
    if (get().status !== 'idle') void get().load();
  },
}));

/** Saves text as a file through a Blob link: works in Electron and in a browser alike. */
function downloadText(text: string, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoke after the click has been handled, or some browsers cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
