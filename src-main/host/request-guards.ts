import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HOST_COOKIE_NAME } from '../../src-shared/contract/host-protocol';

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

export function sessionCookieValue(request: IncomingMessage): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === HOST_COOKIE_NAME) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

