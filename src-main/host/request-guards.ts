import { timingSafeEqual } from 'node:crypto';

/** Pure checks for host mode's HTTP boundary, apart from the server so tests can hit them directly. */

function allowedHosts(port: number): ReadonlySet<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

/** DNS rebinding defence: the Host header must name this loopback server. */
export function isAllowedHost(hostHeader: string | undefined, port: number): boolean {
  return hostHeader !== undefined && allowedHosts(port).has(hostHeader.toLowerCase());
}

/** A cross-site page may not drive the API: an Origin, when sent, must be this server. */
export function isAllowedOrigin(originHeader: string | undefined, port: number): boolean {
  if (originHeader === undefined) return true;
  return originHeader === `http://127.0.0.1:${port}` || originHeader === `http://localhost:${port}`;
}

export function tokensEqual(expected: string, given: string | undefined | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A path segment, or null when its percent-encoding is malformed (answered 400, never a 500). */
export function decodePathSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/**
 * The tab's operator session token from its header: null when the header is absent (the call
 * acts as the console's current operator), false when it is present but cannot name a session
 * (empty, repeated): refused as signed out, never read as "absent". Any other value goes to
 * the session table, where an unknown or expired one is refused too.
 */
export function browserSessionToken(header: string | string[] | undefined): string | null | false {
  if (header === undefined) return null;
  if (typeof header !== 'string' || header.trim() === '' || header.length > 200) return false;
  return header;
}
