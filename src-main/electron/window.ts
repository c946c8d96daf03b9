/**
 * The window, the guards on every WebContents and the session policy. Electron's objects come
 * in as parameters (main.ts wires them) and only electron's types are imported, so the
 * security tests drive all of it with fakes under plain Node.
 */
import type { BrowserWindow, BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../../src-shared/security/content-security-policy';
import { APP_ENTRY_URL, isAppUrl, isPermissionAllowed } from './app-origin';
import { isSafeExternalUrl } from './external-url';

export interface ConsoleWindowOptions {
  readonly preloadPath: string;
  /** Only when unpackaged and NODE_ENV=development (main.ts decides). */
  readonly devTools: boolean;
}

/** electron's BrowserWindow class (or a fake of it). */
export type BrowserWindowClass = new (options: BrowserWindowConstructorOptions) => BrowserWindow;

/** The console window: a sandboxed page with one narrow preload, loaded from app://console. */
export function createConsoleWindow(BrowserWindowClass: BrowserWindowClass, options: ConsoleWindowOptions): BrowserWindow {
  const window = new BrowserWindowClass({
    width: 1360,
    height: 860,
    minWidth: 960,
    minHeight: 600,
    title: 'Tenant Console',
    show: false,
    webPreferences: {
      preload: options.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: options.devTools,
    },
  });
  window.once('ready-to-show', () => window.show());
  // A page that fails to load would otherwise leave an invisible window behind.
  window.webContents.once('did-fail-load', () => {
    if (!window.isDestroyed() && !window.isVisible()) window.show();
  });
  void window.loadURL(APP_ENTRY_URL);
  return window;
}

/** Hands a link to the operator's browser: main.ts passes openExternalSafely (open-external.ts). */
export type OpenInBrowser = (url: string) => Promise<boolean>;

/**
 * Applied to every WebContents the app creates (main.ts hooks `web-contents-created`):
 * the page never navigates away and never opens windows. http(s) links are handed to the
 * operator's browser through the one safe function; everything else is dropped.
 */
export function guardWebContents(contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>, openInBrowser: OpenInBrowser): void {
  const handOffExternal = (url: string): void => {
    if (isSafeExternalUrl(url)) void openInBrowser(url);
    else if (!isAppUrl(url)) console.warn(`[tenant-console] blocked navigation to ${url.slice(0, 200)}`);
  };
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    handOffExternal(event.url);
  });
  contents.on('will-frame-navigate', (event) => {
    // Sub-frames (there should be none: the CSP allows no frames) never navigate anywhere.
    if (!event.isMainFrame) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    handOffExternal(url);
    return { action: 'deny' };
  });
}

/**
 * Session-wide policy: the CSP on every response the network stack sees (app:// responses
 * carry it from the protocol handler, which webRequest does not observe), and no
 * permissions beyond writing to the clipboard from our own page.
 */
export function hardenSession(
  session: Pick<Session, 'webRequest' | 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>,
): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') responseHeaders[name] = value;
    }
    responseHeaders['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders });
  });
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl, details.isMainFrame));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    isPermissionAllowed(permission, details.requestingUrl ?? requestingOrigin, details.isMainFrame),
  );
  session.setDevicePermissionHandler(() => false);
}
