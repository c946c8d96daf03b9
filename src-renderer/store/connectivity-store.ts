import { create } from 'zustand';
import type { ConsoleStatus } from '../../src-shared/contract/offline-models';
import { api } from '../api/client';
import { latestRequest } from '../lib/latest-request';

interface ConnectivityState {
  /** Null until the first answer: the console is then assumed online. */
  readonly status: ConsoleStatus | null;
  load(): Promise<void>;
  apply(status: ConsoleStatus): void;
}

const latest = latestRequest();

/**
 * Whether the platform database answers, and whether an imported snapshot is under review.
 * What a change makes stale is the invalidation table's business (see connectivityTrigger).
 */
export const useConnectivityStore = create<ConnectivityState>()((set) => ({
  status: null,
  async load() {
    // A failure means the transport itself is down (host mode stopped): the load-error panels say so.
    const outcome = await latest.run(() => api().call('console:status', {}));
    if (!outcome.stale && outcome.ok) set({ status: outcome.value });
  },
  apply(status) {
    // Main's pushed status is newer than an answer still on its way.
    latest.drop();
    set({ status });
  },
}));
