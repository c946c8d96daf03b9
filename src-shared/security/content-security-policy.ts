/**
 * The page policy, in one place: the Electron app:// responses and session (src-main/electron),
 * host mode's HTTP responses (src-main/host) and the <meta> in the built index.html (injected by
 * vite.config.ts at build time) all use this string, so they cannot drift apart.
 *
 * default-src 'none' and then only what the built renderer needs. base-uri, form-action and
 * frame-ancestors do not fall back to default-src, so they are spelled out (a <meta> policy
 * ignores frame-ancestors; the response headers enforce it).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // Mantine injects its CSS variables and component styles through <style> elements.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Stands in src-renderer/index.html's CSP <meta> until the build puts the policy there. */
export const CSP_PLACEHOLDER = '__CONTENT_SECURITY_POLICY__';

/**
 * Puts the policy into the page's <meta http-equiv="Content-Security-Policy">. Throws when the
 * placeholder is missing (or appears more than once), so a build never ships a page without it.
 */
export function injectContentSecurityPolicy(html: string): string {
  const parts = html.split(CSP_PLACEHOLDER);
  if (parts.length !== 2) {
    throw new Error(`index.html must contain ${CSP_PLACEHOLDER} exactly once (found ${parts.length - 1}).`);
  }
  // The policy goes inside a double-quoted attribute; it never needs these characters.
  if (/["&<>]/.test(CONTENT_SECURITY_POLICY)) throw new Error('The content security policy may not contain ", &, < or >.');
  return parts.join(CONTENT_SECURITY_POLICY);
}
