import { create } from 'zustand';
import type { AppInfo, Plan, Settings } from '../../src-shared/contract/models';
import { api } from '../api/client';
import { createLoader, type LoadStatus } from '../lib/latest-request';

/** What every screen needs to label things: plans, settings (the base domain), app info. */
interface ReferenceState {
  readonly plans: readonly Plan[];
  readonly settings: Settings | null;
  readonly appInfo: AppInfo | null;
  /** Why app:info failed; only the settings page shows it. */
  readonly appInfoError: string | null;
  readonly status: LoadStatus;
  readonly error: string | null;
  load(): Promise<void>;
  loadAppInfo(): Promise<void>;
  /** Main's answer to settings:update: every screen shows the new base domain at once. */
  setSettings(settings: Settings): void;
}

export const useReferenceStore = create<ReferenceState>()((set) => {
  const reference = createLoader({
    fetch: () => Promise.all([api().call('plans:list', {}), api().call('settings:get', {})]),
    ready: ([plans, settings]) => ({ plans, settings }),
    set,
  });
  // App info is decoration (the header's server badge): its own load, so its failure blocks nothing.
  const appInfo = createLoader({
    fetch: () => api().call('app:info', {}),
    ready: (info) => ({ appInfo: info }),
    set: ({ error, status: _status, ...patch }) => set({ ...patch, appInfoError: error }),
  });

  return {
    plans: [],
    settings: null,
    appInfo: null,
    appInfoError: null,
    status: 'idle',
    error: null,

    load() {
      void appInfo.load();
      return reference.load();
    },
    loadAppInfo: () => appInfo.load(),
    setSettings(settings) {
      set({ settings });
    },
  };
});

export function planByCode(plans: readonly Plan[], code: string): Plan | undefined {
  return plans.find((plan) => plan.code === code);
}
