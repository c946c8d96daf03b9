import { create } from 'zustand';
import type { Backup } from '../../src-shared/contract/backup-models';
import { api } from '../api/client';
import { errorMessage } from '../api/api-error';
import type { LoadStatus } from './reference-store';

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

let latest = 0;

export const useBackupsStore = create<BackupsState>()((set, get) => {
  async function fetchList(tenantCode: string, quiet: boolean): Promise<void> {
    const request = ++latest;
    if (!quiet) set({ tenantCode, status: 'loading', error: null, backups: get().tenantCode === tenantCode ? get().backups : [] });
    try {
      const backups = await api().call('backups:list', { ref: tenantCode, limit: 200 });
      if (request === latest) set({ tenantCode, backups, status: 'ready', error: null });
    } catch (error) {
      if (request === latest) set({ tenantCode, status: 'error', error: errorMessage(error) });
    }
  }
  return {
    tenantCode: null,
    backups: [],
    status: 'idle',
    error: null,
    load: (tenantCode) => fetchList(tenantCode, false),
    refresh: async () => {
      const code = get().tenantCode;
      if (code) await fetchList(code, true);
    },
  };
});
