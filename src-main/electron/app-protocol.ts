import type { Protocol } from 'electron';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../src-shared/security/content-security-policy';
import { APP_SCHEME } from './app-origin';
import { contentTypeFor, isClientRoute, resolveAppAssetPath } from './app-asset-path';

/**
 * Must run before the app is ready (main.ts passes electron's `protocol`; this file imports
 * electron's types only, so the tests load it under plain Node). `standard` gives the scheme a real origin (relative
 * URLs, `'self'` in the CSP, the IPC origin check); `secure` makes it a secure context like
 * https; `supportFetchAPI`/`corsEnabled` let Vite's module scripts and preloads load from it.
 * No service workers, no bypassing the CSP.
 */
export function registerAppSchemeAsPrivileged(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
    },
  ]);
}

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  // webRequest.onHeadersReceived does not see custom-scheme responses, so the CSP is set
  // here, on every response the scheme serves (window.ts sets it for everything else).
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

function textResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Serves app://console/… from the built renderer folder (inside asar when packaged). */
export function serveRenderer(sessionProtocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  sessionProtocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'Method not allowed');
    let file = resolveAppAssetPath(rendererDir, request.url);
    if (file === null) return textResponse(404, 'Not found');
    if (!(await isFile(file))) {
      if (!isClientRoute(file)) return textResponse(404, 'Not found');
      file = join(rendererDir, 'index.html');
    }
    try {
      const body = await readFile(file);
      return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
        status: 200,
        headers: { ...SECURITY_HEADERS, 'Content-Type': contentTypeFor(file) },
      });
    } catch {
      return textResponse(404, 'Not found');
    }
  });
}
