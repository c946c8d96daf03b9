import { create } from 'zustand';
import type { ChannelInput } from '../../src-shared/contract/channels';
import type { ErrorCode } from '../../src-shared/contract/errors';
import type { SessionState } from '../../src-shared/contract/operator-channels';
import type { OperatorRole } from '../../src-shared/contract/operator-roles';
import { api } from '../api/client';
import { isApiError } from '../api/api-error';
import { latestRequest, type LoadStatus } from '../lib/latest-request';

interface SessionStoreState {
  /** main's last answer to session:current (or to a sign-in, sign-out, password change). */
  readonly state: SessionState | null;
  readonly status: LoadStatus;
  readonly error: string | null;
  readonly errorCode: ErrorCode | null;
  /** Why the signed-in session ended (idle, signed out elsewhere), for the sign-in screen. */
  readonly endedReason: string | null;
  /**
   * The one-time password just typed on the sign-in screen, so the new-password screen need
   * not ask for it again. Kept in memory only until the new password is set or the tab signs out.
   */
  readonly oneTimePassword: string | null;
  load(): Promise<void>;
  /** Throws main's error (wrong password, wait, disabled) for the form to show. */
  signIn(input: ChannelInput<'session:signIn'>, typedPassword: string | null): Promise<void>;
  signOut(): Promise<void>;
  changePassword(currentPassword: string, newPassword: string): Promise<void>;
  /** A call was refused as not signed in: ask main who is signed in now. */
  refused(): void;
}

const latest = latestRequest();

function endedMessage(operator: string): string {
  return `Your session as ${operator} has ended (idle for too long, or changed by an admin). Sign in again.`;
}

/**
 * Who is signed in, as main (and PostgreSQL behind it) says: the role that decides which
 * actions show disabled, and which screen shows — sign-in, a new password, or the console.
 */
export const useSessionStore = create<SessionStoreState>()((set, get) => {
  const apply = (state: SessionState) => {
    latest.drop();
    set({ state, status: 'ready', error: null, errorCode: null });
  };
  return {
    state: null,
    status: 'idle',
    error: null,
    errorCode: null,
    endedReason: null,
    oneTimePassword: null,

    async load() {
      if (get().state === null) set({ status: 'loading' });
      const outcome = await latest.run(() => api().call('session:current', {}));
      if (outcome.stale) return;
      if (outcome.ok) {
        const previous = get().state?.session ?? null;
        // A session that was here and is gone now ended by itself (idle, disabled, password reset).
        if (previous && outcome.value.session === null) set({ endedReason: endedMessage(previous.operator) });
        set({ state: outcome.value, status: 'ready', error: null, errorCode: null });
      } else {
        // The last known session stays: offline, PostgreSQL cannot be asked for the role.
        set({ status: 'error', error: outcome.message, errorCode: isApiError(outcome.error) ? outcome.error.code : null });
      }
    },

    async signIn(input, typedPassword) {
      const { sessionToken: _kept, ...state } = await api().call('session:signIn', input);
      set({ endedReason: null, oneTimePassword: state.session?.mustChangePassword ? typedPassword : null });
      apply(state);
    },

    async signOut() {
      const state = await api().call('session:signOut', {});
      set({ endedReason: null, oneTimePassword: null });
      apply(state);
    },

    async changePassword(currentPassword, newPassword) {
      apply(await api().call('session:changePassword', { currentPassword, newPassword }));
      set({ oneTimePassword: null });
    },

    refused() {
      void get().load();
    },
  };
});

/** The signed-in operator's role; null while unknown (not loaded, or nobody could sign in: offline since the start). */
export function useSessionRole(): OperatorRole | null {
  return useSessionStore((store) => store.state?.session?.role ?? null);
}
