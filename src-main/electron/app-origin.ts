/**
 * The app's own origin and the permission policy, as plain data and pure predicates: no
 * electron import, so the security tests run under plain Node. (The page's CSP is shared with
 * host mode: src-shared/security/content-security-policy.ts.)
 *
 * The renderer is served from a privileged custom scheme (`app://console/…`), not from
 * file://. A file:// page has an opaque origin shared with every other local file, so an
 * origin check could not tell our page from any HTML file on disk, and `'self'` in the CSP
 * would mean "the whole disk". `app://console` is one origin that only the protocol handler
 * (app-protocol.ts) serves, confined to the built renderer folder.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'console';
const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** True for a URL on the app's own origin (app://console/…), and nothing else. */
export function isAppUrl(url: unknown): boolean {
  if (typeof url !== 'string' || url.length === 0) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // Node's URL gives non-special schemes an opaque origin ("null"), so compare the parts.
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/**
 * The only permission the page may use: writing to the clipboard (the "copy" button next to
 * a new tenant's one-time credentials), and only from the app's own main frame. Everything
 * else (camera, notifications, geolocation, clipboard read, …) is refused.
 */
export function isPermissionAllowed(permission: string, requestingUrl: string | undefined, isMainFrame: boolean): boolean {
  return permission === 'clipboard-sanitized-write' && isMainFrame && isAppUrl(requestingUrl);
}
