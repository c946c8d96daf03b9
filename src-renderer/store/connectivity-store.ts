import { create } from 'zustand';
import type { ConsoleStatus } from '../../src-shared/contract/offline-models';
import { api } from '../api/client';

interface ConnectivityState {
  /** Null until the first answer: the console is then assumed online. */
  readonly status: ConsoleStatus | null;
  load(): Promise<void>;
  apply(status: ConsoleStatus): void;
}

type Listener = (now: ConsoleStatus, before: ConsoleStatus | null) => void;
const listeners = new Set<Listener>();

/** Whether the platform database answers, and whether an imported snapshot is under review. */
export const useConnectivityStore = create<ConnectivityState>()((set, get) => ({
  status: null,
  async load() {
    try {
      get().apply(await api().call('console:status', {}));
    } catch {
      // The transport itself is down (host mode stopped): the load-error panels say so.
    }
  },
  apply(status) {
    const before = get().status;
    set({ status });
    for (const listener of listeners) listener(status, before);
  },
}));

/** Called on every change: the views reload when the database answers again or a review starts/ends. */
export function onConnectivityChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const OFFLINE_ACTION_REASON = 'Offline — the platform database is not answering; this action needs it.';

/** Why actions that change the platform are unavailable now (shown in their tooltip), or null. */
export function actionBlockReason(status: ConsoleStatus | null): string | null {
  if (!status) return null;
  if (status.review) return `Reviewing a snapshot from ${status.review.consoleLabel} — read-only. Close the review to make changes.`;
  if (!status.online) return OFFLINE_ACTION_REASON;
  return null;
}

export function useActionBlock(): string | null {
  return useConnectivityStore((state) => actionBlockReason(state.status));
}
