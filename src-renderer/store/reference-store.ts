import { create } from 'zustand';
import type { AppInfo, Plan, Settings } from '../../src-shared/contract/models';
import { api } from '../api/client';
import { errorMessage } from '../api/api-error';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

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

export const useReferenceStore = create<ReferenceState>()((set, get) => ({
  plans: [],
  settings: null,
  appInfo: null,
  appInfoError: null,
  status: 'idle',
  error: null,

  async load() {
    set({ status: 'loading', error: null });
    // App info is decoration (the header's server badge): its failure must not block the screen.
    void get().loadAppInfo();
    try {
      const [plans, settings] = await Promise.all([api().call('plans:list', {}), api().call('settings:get', {})]);
      set({ plans, settings, status: 'ready' });
    } catch (error) {
      set({ status: 'error', error: errorMessage(error) });
    }
  },

  async loadAppInfo() {
    set({ appInfoError: null });
    try {
      set({ appInfo: await api().call('app:info', {}) });
    } catch (error) {
      set({ appInfoError: errorMessage(error) });
    }
  },

  setSettings(settings) {
    set({ settings });
  },
}));

export function planByCode(plans: readonly Plan[], code: string): Plan | undefined {
  return plans.find((plan) => plan.code === code);
}
