import { create } from 'zustand';
import type { ApiKeyInfo, ApiScope } from '../../src-shared/contract/api-key-channels';
import { api } from '../api/client';
import { createLoader, type LoadStatus } from '../lib/latest-request';

/** A key main just created: its secret, shown once, then forgotten. */
export interface NewApiKey {
  readonly info: ApiKeyInfo;
  readonly key: string;
}

interface ApiKeysState {
  readonly rows: readonly ApiKeyInfo[];
  readonly status: LoadStatus;
  readonly error: string | null;
  /** The new key on screen (until "I have stored it"). */
  readonly created: NewApiKey | null;
  load(): Promise<void>;
  /** Each throws main's error (a taken name, an expiry in the past) for the caller to show. */
  create(input: { name: string; scopes: ApiScope[]; expiresAt?: string }): Promise<void>;
  revoke(name: string): Promise<ApiKeyInfo>;
  storedCreated(): void;
}

/** The tenant API's keys (apiKeys:list), kept in step with each change main answers. */
export const useApiKeysStore = create<ApiKeysState>()((set, get) => {
  const list = createLoader({
    fetch: () => api().call('apiKeys:list', {}),
    ready: (rows) => ({ rows }),
    set,
  });
  const put = (info: ApiKeyInfo) => {
    list.cancel();
    const rows = get().rows.some((row) => row.name === info.name) ? get().rows.map((row) => (row.name === info.name ? info : row)) : [...get().rows, info].sort((a, b) => a.name.localeCompare(b.name));
    set({ rows, status: 'ready', error: null });
    return info;
  };
  return {
    rows: [],
    status: 'idle',
    error: null,
    created: null,
    load: () => list.load({ quiet: get().status === 'ready' }),
    async create(input) {
      const { key, ...info } = await api().call('apiKeys:create', input);
      put(info);
      set({ created: { info, key } });
    },
    revoke: async (name) => put(await api().call('apiKeys:revoke', { name })),
    storedCreated() {
      set({ created: null });
    },
  };
});
