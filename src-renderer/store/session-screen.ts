import type { ErrorCode } from '../../src-shared/contract/errors';
import type { SessionState } from '../../src-shared/contract/operator-channels';
import type { LoadStatus } from '../lib/latest-request';

/** What the screen choice reads of the session store. */
export interface SessionSnapshot {
  readonly state: SessionState | null;
  readonly status: LoadStatus;
  readonly errorCode: ErrorCode | null;
}

export type SessionScreen = 'loading' | 'unreachable' | 'signIn' | 'changePassword' | 'console';

/**
 * Which screen the window shows. The console opens whenever someone is signed in, and also
 * while the platform has not answered since the start (nobody can sign in: the offline review
 * reads this computer's cache) or when only the role lookup failed (offline meanwhile).
 */
export function sessionScreen(store: SessionSnapshot, online: boolean | null): SessionScreen {
  const { state } = store;
  if (state === null) {
    if (store.status === 'error') return store.errorCode === 'DATABASE_UNAVAILABLE' ? 'console' : 'unreachable';
    return 'loading';
  }
  if (state.session === null) return online === false ? 'console' : 'signIn';
  return state.session.mustChangePassword ? 'changePassword' : 'console';
}
