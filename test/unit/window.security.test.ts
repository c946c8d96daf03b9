import { EventEmitter } from 'node:events';
import type { BrowserWindow, BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_ENTRY_URL } from '../../src-main/electron/app-origin';
import { createConsoleWindow, guardWebContents, hardenSession, type BrowserWindowClass } from '../../src-main/electron/window';
import { CONTENT_SECURITY_POLICY } from '../../src-shared/security/content-security-policy';

// Security regression tests for the window, the guards on every WebContents and the session
// policy (src-main/electron/window.ts). Electron is faked: its objects are parameters, and the
// fakes follow Electron's documented API (events with preventDefault/url/isMainFrame, the
// window-open handler answering { action }).

/** Electron's navigation events: `url`, `isMainFrame` and a preventDefault that sticks. */
function navigationEvent(url: string, isMainFrame = true) {
  const event = {
    url,
    isMainFrame,
    defaultPrevented: false,
    preventDefault: () => void (event.defaultPrevented = true),
  };
  return event;
}

type OpenHandler = Parameters<WebContents['setWindowOpenHandler']>[0];

/** A WebContents is an EventEmitter; setWindowOpenHandler keeps the one handler. */
class FakeWebContents extends EventEmitter {
  openHandler: OpenHandler | undefined;
  setWindowOpenHandler(handler: OpenHandler): void {
    this.openHandler = handler;
  }
  openWindow(url: string) {
    return this.openHandler!({ url } as Parameters<OpenHandler>[0]);
  }
}

describe('guardWebContents', () => {
  let contents: FakeWebContents;
  let openInBrowser: ReturnType<typeof vi.fn<(url: string) => Promise<boolean>>>;
  let warn: ReturnType<typeof vi.spyOn>;

  beforeEach(() => {
    contents = new FakeWebContents();
    openInBrowser = vi.fn(async () => true);
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    guardWebContents(contents as unknown as WebContents, openInBrowser);
  });
  afterEach(() => warn.mockRestore());

  it('listens to every navigation event it guards, once each', () => {
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview']) {
      expect(contents.listenerCount(name)).toBe(1);
    }
    expect(contents.openHandler).toBeTypeOf('function');
  });

  it.each(['https://example.com/docs', 'http://example.com/'])('will-navigate: prevents %s and hands it to the browser', (url) => {
    const event = navigationEvent(url);
    contents.emit('will-navigate', event);
    expect(event.defaultPrevented).toBe(true);
    expect(openInBrowser).toHaveBeenCalledExactlyOnceWith(url);
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>1</script>',
    'smb://attacker.example/share',
    'https://user:pw@example.com/',
    'ms-msdt:/id PCWDiagnostic',
  ])('will-navigate: prevents %s, opens nothing and logs it', (url) => {
    const event = navigationEvent(url);
    contents.emit('will-navigate', event);
    expect(event.defaultPrevented).toBe(true);
    expect(openInBrowser).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledOnce();
  });

  it('will-navigate: prevents even a navigation to the app itself (the page routes on the client), quietly', () => {
    const event = navigationEvent('app://console/tenants');
    contents.emit('will-navigate', event);
    expect(event.defaultPrevented).toBe(true);
    expect(openInBrowser).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
  });

  it.each(['app://console/index.html', 'https://example.com/', 'about:blank'])('will-frame-navigate: a sub-frame never navigates (%s)', (url) => {
    const event = navigationEvent(url, false);
    contents.emit('will-frame-navigate', event);
    expect(event.defaultPrevented).toBe(true);
    expect(openInBrowser).not.toHaveBeenCalled();
  });

  it('will-frame-navigate: leaves the main frame to will-navigate', () => {
    const event = navigationEvent('app://console/index.html', true);
    contents.emit('will-frame-navigate', event);
    expect(event.defaultPrevented).toBe(false);
  });

  it.each(['https://evil.example/', 'file:///etc/passwd', 'app://evil/index.html', 'http://127.0.0.1:5173/'])(
    'will-redirect: prevents a redirect off the app origin (%s)',
    (url) => {
      const event = navigationEvent(url);
      contents.emit('will-redirect', event);
      expect(event.defaultPrevented).toBe(true);
      expect(openInBrowser).not.toHaveBeenCalled();
    },
  );

  it('will-redirect: allows a redirect within the app origin', () => {
    const event = navigationEvent('app://console/index.html');
    contents.emit('will-redirect', event);
    expect(event.defaultPrevented).toBe(false);
  });

  it('will-attach-webview: refuses every webview', () => {
    const event = navigationEvent('https://example.com/');
    contents.emit('will-attach-webview', event, { preload: '/tmp/evil.js' }, { src: 'https://example.com/' });
    expect(event.defaultPrevented).toBe(true);
  });

  it.each([
    ['https://example.com/help', true],
    ['http://example.com/', true],
    ['app://console/index.html', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['about:blank', false],
  ])('window.open(%s) is denied; handed to the browser: %s', (url, handedOff) => {
    expect(contents.openWindow(url)).toEqual({ action: 'deny' });
    if (handedOff) expect(openInBrowser).toHaveBeenCalledExactlyOnceWith(url);
    else expect(openInBrowser).not.toHaveBeenCalled();
  });
});

type PermissionRequestHandler = Parameters<Session['setPermissionRequestHandler']>[0] & object;
type PermissionCheckHandler = Parameters<Session['setPermissionCheckHandler']>[0] & object;
type HeadersListener = (details: { responseHeaders?: Record<string, string[]> }, callback: (answer: { responseHeaders?: Record<string, string | string[]> }) => void) => void;

/** Only what hardenSession touches; each setter keeps its handler for the test to call. */
function fakeSession() {
  const session = {
    headersListener: undefined as HeadersListener | undefined,
    requestHandler: undefined as PermissionRequestHandler | undefined,
    checkHandler: undefined as PermissionCheckHandler | undefined,
    deviceHandler: undefined as ((details: unknown) => boolean) | undefined,
    webRequest: { onHeadersReceived: (listener: HeadersListener) => void (session.headersListener = listener) },
    setPermissionRequestHandler: (handler: PermissionRequestHandler) => void (session.requestHandler = handler),
    setPermissionCheckHandler: (handler: PermissionCheckHandler) => void (session.checkHandler = handler),
    setDevicePermissionHandler: (handler: (details: unknown) => boolean) => void (session.deviceHandler = handler),
  };
  hardenSession(session as unknown as Session);
  return session;
}

describe('hardenSession', () => {
  const contents = {} as WebContents;

  function answerHeaders(responseHeaders: Record<string, string[]> | undefined) {
    let answer: Record<string, string | string[]> | undefined;
    fakeSession().headersListener!({ responseHeaders }, (reply) => (answer = reply.responseHeaders));
    return answer;
  }

  it('replaces any CSP a response brings (whatever its case) with the app policy and keeps the rest', () => {
    const answer = answerHeaders({
      'content-security-policy': ["default-src *; script-src 'unsafe-eval'"],
      'CONTENT-SECURITY-POLICY': ['script-src *'],
      'Content-Type': ['text/html'],
      'Set-Cookie': ['a=1', 'b=2'],
    });
    expect(answer).toEqual({
      'Content-Type': ['text/html'],
      'Set-Cookie': ['a=1', 'b=2'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
  });

  it('adds the policy to a response without headers', () => {
    expect(answerHeaders(undefined)).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  function requestPermission(permission: string, requestingUrl: string, isMainFrame: boolean): boolean | undefined {
    let granted: boolean | undefined;
    fakeSession().requestHandler!(
      contents,
      permission as Parameters<PermissionRequestHandler>[1],
      (answer) => (granted = answer),
      { requestingUrl, isMainFrame } as Parameters<PermissionRequestHandler>[3],
    );
    return granted;
  }

  it('grants a permission request only for clipboard writes from the app main frame', () => {
    expect(requestPermission('clipboard-sanitized-write', APP_ENTRY_URL, true)).toBe(true);
    expect(requestPermission('clipboard-sanitized-write', APP_ENTRY_URL, false)).toBe(false);
    expect(requestPermission('clipboard-sanitized-write', 'https://evil.example/', true)).toBe(false);
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen']) {
      expect(requestPermission(permission, APP_ENTRY_URL, true)).toBe(false);
    }
  });

  function checkPermission(permission: string, requestingOrigin: string, details: { requestingUrl?: string; isMainFrame: boolean }): boolean {
    return fakeSession().checkHandler!(contents, permission as Parameters<PermissionCheckHandler>[1], requestingOrigin, details as Parameters<PermissionCheckHandler>[3]);
  }

  it('answers permission checks the same way, falling back to the requesting origin', () => {
    expect(checkPermission('clipboard-sanitized-write', 'app://console', { requestingUrl: APP_ENTRY_URL, isMainFrame: true })).toBe(true);
    expect(checkPermission('clipboard-sanitized-write', 'app://console', { isMainFrame: true })).toBe(true);
    expect(checkPermission('clipboard-sanitized-write', 'https://evil.example', { isMainFrame: true })).toBe(false);
    expect(checkPermission('clipboard-sanitized-write', 'app://console', { requestingUrl: APP_ENTRY_URL, isMainFrame: false })).toBe(false);
    expect(checkPermission('media', 'app://console', { requestingUrl: APP_ENTRY_URL, isMainFrame: true })).toBe(false);
  });

  it('refuses every device (USB, HID, serial, Bluetooth)', () => {
    const session = fakeSession();
    for (const deviceType of ['usb', 'hid', 'serial', 'bluetooth']) {
      expect(session.deviceHandler!({ deviceType, origin: 'app://console' })).toBe(false);
    }
  });
});

/** A BrowserWindow that records what it was built with and what was done to it. */
class FakeBrowserWindow extends EventEmitter {
  static created: FakeBrowserWindow[] = [];
  readonly webContents = new EventEmitter();
  loadedUrl: string | undefined;
  visible = false;
  destroyed = false;
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    FakeBrowserWindow.created.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

describe('createConsoleWindow', () => {
  function open(devTools = false) {
    FakeBrowserWindow.created = [];
    const window = createConsoleWindow(FakeBrowserWindow as unknown as BrowserWindowClass, { preloadPath: '/app/out/preload/preload.cjs', devTools });
    expect(FakeBrowserWindow.created).toHaveLength(1);
    const fake = FakeBrowserWindow.created[0]!;
    expect(window).toBe(fake as unknown as BrowserWindow);
    return fake;
  }

  it('builds a sandboxed, isolated window with no Node, no webviews and the one preload', () => {
    const prefs = open().options.webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      devTools: false,
    });
  });

  it('gives DevTools only when asked (main.ts asks only in development)', () => {
    expect(open(true).options.webPreferences?.devTools).toBe(true);
  });

  it('loads the app entry and shows the window once it is ready', () => {
    const window = open();
    expect(window.loadedUrl).toBe(APP_ENTRY_URL);
    expect(window.options.show).toBe(false);
    window.emit('ready-to-show');
    expect(window.visible).toBe(true);
  });

  it('shows the window when the page fails to load, so it does not stay invisible', () => {
    const window = open();
    window.webContents.emit('did-fail-load');
    expect(window.visible).toBe(true);
  });

  it('leaves a destroyed window alone when the page fails to load', () => {
    const window = open();
    window.destroyed = true;
    window.webContents.emit('did-fail-load');
    expect(window.visible).toBe(false);
  });
});
