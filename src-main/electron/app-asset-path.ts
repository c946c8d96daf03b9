import { extname, resolve, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './app-origin';

/**
 * Pure: maps an app://console/… request to a file inside the built renderer folder, or null.
 * Only this origin, only GET-able paths, never outside `rootDir` (../, %2e%2e, encoded
 * slashes and NUL bytes are refused).
 */
export function resolveAppAssetPath(rootDir: string, requestUrl: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(requestUrl);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.hostname !== APP_HOST || parsed.port !== '') return null;
  if (parsed.username !== '' || parsed.password !== '') return null;

  const rawPath = parsed.pathname === '' || parsed.pathname === '/' ? '/index.html' : parsed.pathname;
  // An encoded separator would let one segment smuggle a path: refuse it outright.
  if (/%2f|%5c|%00/i.test(rawPath)) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '..' || segment === '.')) return null;

  const root = resolve(rootDir);
  const file = resolve(root, ...segments);
  if (file !== root && !file.startsWith(root + sep)) return null;
  return file;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** A path without an extension is a client-side route: it gets the page itself. */
export function isClientRoute(file: string): boolean {
  return extname(file) === '';
}
