import { HOST_TOKEN_PARAM } from '../../src-shared/contract/host-protocol';

const STORAGE_KEY = 'tenant-console.host-token';
const OPERATOR_SESSION_KEY = 'tenant-console.operator-session';

/**
 * Host mode's access token for this tab. The printed URL brings it once (`?token=…`); it
 * is kept in sessionStorage — per origin, so per port: no other local web service can
 * read it, unlike a cookie — and removed from the address bar and history at once.
 * A reload keeps the session; closing the tab ends it.
 */
export function hostSessionToken(): string | null {
  const params = new URLSearchParams(window.location.search);
  const offered = params.get(HOST_TOKEN_PARAM);
  if (offered !== null) {
    window.sessionStorage.setItem(STORAGE_KEY, offered);
    params.delete(HOST_TOKEN_PARAM);
    const query = params.toString();
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`);
    return offered;
  }
  return window.sessionStorage.getItem(STORAGE_KEY);
}

/**
 * The tab's own operator sign-in (the token `session:signIn` answered), kept beside the URL
 * token and for the same reasons: sessionStorage, never a cookie. Null: the tab has never
 * signed in and acts as the console's current operator.
 */
export function operatorSessionToken(): string | null {
  return window.sessionStorage.getItem(OPERATOR_SESSION_KEY);
}

export function keepOperatorSessionToken(token: string): void {
  window.sessionStorage.setItem(OPERATOR_SESSION_KEY, token);
}

/**
 * Sent after signing out: no session has this name, so every call is answered "sign in" —
 * the tab never drops back to acting as the console's operator (removing the token would).
 */
export const SIGNED_OUT_SESSION = 'signed-out';
