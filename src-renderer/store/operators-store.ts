import { create } from 'zustand';
import type { Operator } from '../../src-shared/contract/operator-channels';
import type { OperatorRole } from '../../src-shared/contract/operator-roles';
import { api } from '../api/client';
import { createLoader, type LoadStatus } from '../lib/latest-request';

/** An operator with the one-time password main generated: shown once, then forgotten. */
export interface OneTimePassword {
  readonly operator: Operator;
  readonly password: string;
  readonly reason: 'added' | 'reset';
}

interface OperatorsState {
  readonly rows: readonly Operator[];
  readonly status: LoadStatus;
  readonly error: string | null;
  /** The one-time password on screen (until "I have stored it"). */
  readonly oneTime: OneTimePassword | null;
  load(): Promise<void>;
  /** Each throws main's error (the last admin, a taken name) for the caller to show. */
  add(name: string, role: OperatorRole): Promise<void>;
  setRole(name: string, role: OperatorRole): Promise<Operator>;
  setEnabled(name: string, enabled: boolean): Promise<Operator>;
  resetPassword(name: string): Promise<void>;
  storedOneTime(): void;
}

/** The admins' list of operators (operators:list), kept in step with each change main answers. */
export const useOperatorsStore = create<OperatorsState>()((set, get) => {
  const list = createLoader({
    fetch: () => api().call('operators:list', {}),
    ready: (rows) => ({ rows }),
    set,
  });
  /** main's answer replaces the row (or adds it), and a list load in flight is dropped: it may predate the change. */
  const put = (operator: Operator) => {
    list.cancel();
    const rows = get().rows.some((row) => row.name === operator.name) ? get().rows.map((row) => (row.name === operator.name ? operator : row)) : [...get().rows, operator].sort((a, b) => a.name.localeCompare(b.name));
    set({ rows, status: 'ready', error: null });
    return operator;
  };
  return {
    rows: [],
    status: 'idle',
    error: null,
    oneTime: null,
    load: () => list.load({ quiet: get().status === 'ready' }),
    async add(name, role) {
      const { password, ...operator } = await api().call('operators:add', { name, role });
      put(operator);
      set({ oneTime: { operator, password, reason: 'added' } });
    },
    setRole: async (name, role) => put(await api().call('operators:setRole', { name, role })),
    setEnabled: async (name, enabled) => put(await api().call(enabled ? 'operators:enable' : 'operators:disable', { name })),
    async resetPassword(name) {
      const { password, ...operator } = await api().call('operators:resetPassword', { name });
      put(operator);
      set({ oneTime: { operator, password, reason: 'reset' } });
    },
    storedOneTime() {
      set({ oneTime: null });
    },
  };
});
