import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { OnHeadersReceivedListenerDetails, Protocol, Session } from 'electron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, CSP_PLACEHOLDER, injectContentSecurityPolicy } from '../../src-shared/security/content-security-policy';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { serveRenderer } from '../../src-main/electron/app-protocol';
import { hardenSession } from '../../src-main/electron/window';
import { startHostServer, type HostServer } from '../../src-main/host/host-server';

// One page policy, four places: the Electron app:// responses, the Electron session's header
// injection, host mode's HTTP responses and the <meta> in the built index.html. Electron is
// faked (its objects are parameters); host mode runs for real on a loopback port, with a core
// that only the static route touches (no database).

const BUILT_PAGE = resolve('out/renderer/index.html');
const SOURCE_PAGE = resolve('src-renderer/index.html');

/** The built page when `npm run build` has run, else the source put through the build's own transform. */
async function builtIndexHtml(): Promise<string> {
  if (existsSync(BUILT_PAGE)) return readFile(BUILT_PAGE, 'utf8');
  return injectContentSecurityPolicy(await readFile(SOURCE_PAGE, 'utf8'));
}

function metaPolicy(html: string): string | undefined {
  const metas = [...html.matchAll(/<meta\b[^>]*>/gi)].map(([tag]) => tag);
  const csp = metas.filter((tag) => /http-equiv\s*=\s*"content-security-policy"/i.test(tag));
  expect(csp).toHaveLength(1);
  return /\bcontent\s*=\s*"([^"]*)"/i.exec(csp[0]!)?.[1];
}

describe('the page policy', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name, values.join(' ')] as const;
    }),
  );

  it('is default-deny and allows scripts only from the app itself', () => {
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'self'");
    expect(directives.get('img-src')).toBe("'self' data:");
    expect(directives.get('font-src')).toBe("'self'");
    expect(directives.get('style-src')).toBe("'self' 'unsafe-inline'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
    expect(directives.get('form-action')).toBe("'none'");
  });

  it('never allows eval, inline scripts or remote hosts', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|wasm-unsafe-eval|https?:|\*/);
    expect(directives.get('script-src')).not.toMatch(/unsafe-inline/);
  });
});

describe('injectContentSecurityPolicy (the Vite plugin in vite.config.ts)', () => {
  it('replaces the placeholder in the source page with the policy', async () => {
    const source = await readFile(SOURCE_PAGE, 'utf8');
    expect(source).toContain(CSP_PLACEHOLDER);
    const page = injectContentSecurityPolicy(source);
    expect(page).not.toContain(CSP_PLACEHOLDER);
    expect(metaPolicy(page)).toBe(CONTENT_SECURITY_POLICY);
  });

  it('fails the build when the placeholder is missing or doubled', () => {
    expect(() => injectContentSecurityPolicy('<!doctype html><title>x</title>')).toThrow(/exactly once/);
    expect(() => injectContentSecurityPolicy(`${CSP_PLACEHOLDER} ${CSP_PLACEHOLDER}`)).toThrow(/exactly once/);
  });
});

describe('Electron, host mode and index.html send the same policy', () => {
  let page: string;
  let rendererDir: string;
  let host: HostServer;

  beforeAll(async () => {
    page = await builtIndexHtml();
    rendererDir = await mkdtemp(join(tmpdir(), 'tc-csp-renderer-'));
    await writeFile(join(rendererDir, 'index.html'), page);
    const core = { logger: { error() {} } } as unknown as ConsoleCore;
    host = await startHostServer(core, { port: 0, rendererDir });
  });
  afterAll(async () => {
    await host?.close();
    await rm(rendererDir, { recursive: true, force: true });
  });

  it('the built page carries the policy in its meta', () => {
    expect(metaPolicy(page)).toBe(CONTENT_SECURITY_POLICY);
  });

  it('host mode sends it on the page it serves, and that page carries it too', async () => {
    const response = await fetch(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(metaPolicy(body)).toBe(response.headers.get('content-security-policy'));
  });

  it('host mode sends it on a refusal too', async () => {
    const response = await fetch(`http://127.0.0.1:${host.port}/api/invoke/tenants:list`, { method: 'POST' });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('the app:// protocol sends it on the page it serves, and that page carries it too', async () => {
    let handler: ((request: Request) => Promise<Response>) | undefined;
    const protocol = { handle: (_scheme: string, h: (request: Request) => Promise<Response>) => void (handler = h) };
    serveRenderer(protocol as unknown as Protocol, rendererDir);
    const response = await handler!(new Request('app://console/index.html'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(metaPolicy(await response.text())).toBe(CONTENT_SECURITY_POLICY);
  });

  it('the Electron session puts it on every other response', () => {
    let onHeaders: ((details: OnHeadersReceivedListenerDetails, callback: (answer: { responseHeaders?: Record<string, string[] | string> }) => void) => void) | undefined;
    const session = {
      webRequest: { onHeadersReceived: (listener: typeof onHeaders) => void (onHeaders = listener) },
      setPermissionRequestHandler() {},
      setPermissionCheckHandler() {},
      setDevicePermissionHandler() {},
    };
    hardenSession(session as unknown as Session);
    let headers: Record<string, string[] | string> | undefined;
    onHeaders!({ responseHeaders: {} } as OnHeadersReceivedListenerDetails, (answer) => (headers = answer.responseHeaders));
    expect(headers).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });
});
