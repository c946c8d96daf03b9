import { create } from 'zustand';
import type { Backup } from '../../src-shared/contract/backup-models';
import { api } from '../api/client';
import { createLoader, type LoadStatus } from '../lib/latest-request';

interface BackupsState {
  readonly tenantCode: string | null;
  readonly backups: readonly Backup[];
  readonly status: LoadStatus;
  readonly error: string | null;
  /** Loads the catalog of one tenant (newest first, as main returns it). */
  load(tenantCode: string): Promise<void>;
  /** Reloads the tenant shown, quietly (after a backup, verify, restore or deletion). */
  refresh(): Promise<void>;
}

export const useBackupsStore = create<BackupsState>()((set, get) => {
  const list = createLoader({
    fetch: () => api().call('backups:list', { ref: get().tenantCode ?? '', limit: 200 }),
    ready: (backups) => ({ backups }),
    set,
  });
  return {
    tenantCode: null,
    backups: [],
    status: 'idle',
    error: null,
    load(tenantCode) {
      // Another tenant's backups are not shown while this one's load.
      if (get().tenantCode !== tenantCode) set({ tenantCode, backups: [] });
      return list.load();
    },
    refresh: async () => {
      if (get().tenantCode) await list.load({ quiet: true });
    },
  };
});
