/**
 * Between Electron and the core while it starts: calls wait for the core instead of failing,
 * and the core's events go only to windows showing our page. No electron import (its types
 * only), so the tests drive both with fakes.
 */
import type { BrowserWindow } from 'electron';
import type { ConsoleCore } from '../app/console-core';
import type { Dispatch } from '../base/handler-types';
import { isAppUrl } from './app-origin';

/** A dispatch that waits for the core `getCore` returns (null until start() has begun). */
export function deferredDispatch(getCore: () => Promise<Pick<ConsoleCore, 'dispatch'>> | null): Dispatch {
  return async (channel, input, context) => {
    const corePromise = getCore();
    if (!corePromise) return { ok: false, error: { code: 'INTERNAL', message: 'The console is not started yet.' } };
    let core: Pick<ConsoleCore, 'dispatch'>;
    try {
      core = await corePromise;
    } catch {
      return { ok: false, error: { code: 'DATABASE_UNAVAILABLE', message: 'The console core failed to start; see the error dialog.' } };
    }
    return core.dispatch(channel, input, context);
  };
}

/** Sends to every window whose page is on the app's origin (and to nothing else). */
export function sendToAppPages(windows: readonly Pick<BrowserWindow, 'webContents'>[], ipcChannel: string, payload: unknown): void {
  for (const window of windows) {
    const contents = window.webContents;
    if (contents.isDestroyed() || !isAppUrl(contents.getURL())) continue;
    contents.send(ipcChannel, payload);
  }
}
