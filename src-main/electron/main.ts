/**
 * The Electron main process: the thin shell around the plain-Node core. It owns the app
 * lifecycle, the window, the app:// protocol and the IPC bridge; everything the console
 * actually does happens in the core (openConsoleCore), which never imports electron.
 */
import { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, session } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { IPC_EVENT_PREFIX } from '../../src-shared/contract/bridge';
import { resolveDataDir } from '../config/environment';
import { openConsoleCore, type ConsoleCore } from '../app/console-core';
import { registerAppSchemeAsPrivileged, serveRenderer } from './app-protocol';
import { deferredDispatch, sendToAppPages } from './core-relay';
import { registerContractIpc } from './ipc-main';
import { describeSenderFrame, isTrustedIpcSender } from './ipc-sender';
import { openExternalSafely } from './open-external';
import { SafeStorageSecretStore } from './safe-storage-secret-store';
import { createConsoleWindow, guardWebContents, hardenSession } from './window';

/** How long quitting waits for the core (embedded PostgreSQL shutdown) before giving up. */
const CORE_CLOSE_TIMEOUT_MS = 30_000;

// Bundled to out/main/main.cjs: the preload and the renderer sit next to it in out/.
const PRELOAD_PATH = join(__dirname, '..', 'preload', 'preload.cjs');
const RENDERER_DIR = join(__dirname, '..', 'renderer');
// better-sqlite3 built for Electron's ABI by scripts/build-native-electron.mjs (node_modules
// keeps the Node build the tests use, which Electron cannot load). A native library cannot be
// loaded from inside the asar archive, so electron-builder.yml unpacks out/native beside it.
const SQLITE_NATIVE_BINDING = join(__dirname, '..', 'native', 'better_sqlite3.node').replace(/app\.asar(?=[\\/])/, 'app.asar.unpacked');

// NODE_ENV is fixed at build time (scripts/build.mjs); a packaged app never gets DevTools.
const devTools = !app.isPackaged && process.env.NODE_ENV === 'development';

const dataDir = resolveDataDir();

// Everything below must happen before `ready`.
app.enableSandbox();
registerAppSchemeAsPrivileged(protocol);
// Chromium's profile (and with it the single-instance lock) lives in the data folder: one
// console per data folder, and a test with its own TENANT_CONSOLE_DATA_DIR runs beside a
// console the operator has open.
app.setPath('userData', join(dataDir, 'electron-profile'));
app.on('web-contents-created', (_event, contents) => guardWebContents(contents, openExternalSafely));

let corePromise: Promise<ConsoleCore> | null = null;
let stopForwardingEvents: (() => void) | null = null;
let removeIpcHandlers: (() => void) | null = null;
let shutdown: 'running' | 'closing' | 'closed' = 'running';

if (!app.requestSingleInstanceLock()) {
  // Another console already owns this data folder; it is told through 'second-instance'.
  console.log(`[tenant-console] already running for ${dataDir}; focusing that window.`);
  app.quit();
} else {
  app.on('second-instance', () => focusOrCreateWindow());
  app.on('activate', () => focusOrCreateWindow());
  app.on('window-all-closed', () => {
    // macOS keeps the app (and its core) alive without windows, as Mac apps do.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', onBeforeQuit);
  app.whenReady().then(start, (error: unknown) => fail('Tenant Console could not start', error));
}

function start(): void {
  hardenSession(session.defaultSession);
  serveRenderer(session.defaultSession.protocol, RENDERER_DIR);

  const secretStore = new SafeStorageSecretStore(join(dataDir, 'secrets.safe-storage.json'), safeStorage);
  corePromise = openConsoleCore({ mode: 'electron', dataDir, secretStore, appVersion: app.getVersion(), ...sqliteBinding() });

  // The window opens at once; calls made while the core is still starting (the embedded
  // PostgreSQL takes a few seconds) wait for it instead of failing.
  removeIpcHandlers = registerContractIpc(ipcMain, deferredDispatch(() => corePromise), {
    isTrustedSender: isTrustedIpcSender,
    onRefused: (channel, event) => {
      const frame = describeSenderFrame(event);
      console.warn(`[tenant-console] refused ${channel} from ${frame ? `${frame.isMainFrame ? 'main frame' : 'sub-frame'} ${frame.url}` : 'a destroyed frame'}`);
    },
  });
  openWindow();

  corePromise.then(
    (core) => {
      // Core events go to every window showing our page (and nowhere else).
      stopForwardingEvents = core.events.onAny((event, payload) =>
        sendToAppPages(BrowserWindow.getAllWindows(), IPC_EVENT_PREFIX + event, payload),
      );
    },
    (error: unknown) => fail('Tenant Console could not open its database', error),
  );
}

/**
 * The Electron build of better-sqlite3 for the local cache. A packaged app always has it (the
 * beforePack hook refuses to package without it); a development run (`npm start`) may not yet:
 * then the console still starts, the cache is refused with the loader's reason (so audited
 * actions are refused too), and this says how to build it.
 */
function sqliteBinding(): { sqliteNativeBinding?: string } {
  if (existsSync(SQLITE_NATIVE_BINDING)) return { sqliteNativeBinding: SQLITE_NATIVE_BINDING };
  console.warn(
    `[tenant-console] ${SQLITE_NATIVE_BINDING} is missing: the local cache (audit log, offline review) needs better-sqlite3 built for Electron. ` +
      'Run `npm run electron:native` once, then restart.',
  );
  return {};
}

function openWindow(): void {
  createConsoleWindow(BrowserWindow, { preloadPath: PRELOAD_PATH, devTools });
}

function focusOrCreateWindow(): void {
  if (!app.isReady() || shutdown !== 'running') return;
  const [existing] = BrowserWindow.getAllWindows();
  if (!existing) {
    openWindow();
    return;
  }
  if (existing.isMinimized()) existing.restore();
  existing.show();
  existing.focus();
}

/** Quitting waits once for the core to close (stops the embedded PostgreSQL cleanly). */
function onBeforeQuit(event: Electron.Event): void {
  if (shutdown === 'closed') return;
  event.preventDefault();
  if (shutdown === 'closing') return;
  shutdown = 'closing';
  void closeCore().finally(() => {
    shutdown = 'closed';
    app.quit();
  });
}

async function closeCore(): Promise<void> {
  stopForwardingEvents?.();
  removeIpcHandlers?.();
  if (!corePromise) return;
  const core = await corePromise.catch(() => null);
  if (!core) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), CORE_CLOSE_TIMEOUT_MS);
  });
  try {
    const outcome = await Promise.race([core.close().then(() => 'closed' as const), timeout]);
    if (outcome === 'timeout') console.error(`[tenant-console] the core did not close within ${CORE_CLOSE_TIMEOUT_MS / 1000} s; quitting anyway.`);
  } catch (error) {
    console.error(`[tenant-console] closing the core failed: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

/** One clear dialog, then exit: there is nothing useful the window can do without the core. */
function fail(title: string, error: unknown): void {
  const reason = error instanceof Error ? error.message : String(error);
  const detail = `${reason}\n\nData folder: ${dataDir}\nLog: ${join(dataDir, 'logs', 'console.log')}`;
  console.error(`[tenant-console] ${title}: ${detail}`);
  if (shutdown === 'running') {
    shutdown = 'closed';
    dialog.showErrorBox(title, detail);
  }
  app.exit(1);
}
