/**
 * The preload's one object, window.tenantConsole: invoke a contract channel, subscribe to a
 * contract event. The renderer never sees ipcRenderer, an IpcRendererEvent (its `sender` is
 * ipcRenderer) or any channel name outside the contract. Electron's contextBridge and
 * ipcRenderer come in as parameters (preload.ts wires them), so the tests use fakes.
 */
import type { ContextBridge, IpcRenderer, IpcRendererEvent } from 'electron';
import { isChannelName } from '../../src-shared/contract/channels';
import { isEventName } from '../../src-shared/contract/events';
import { BRIDGE_GLOBAL, IPC_EVENT_PREFIX, IPC_INVOKE_PREFIX, type ConsoleBridge } from '../../src-shared/contract/bridge';
import type { ErrorCode, Result } from '../../src-shared/contract/errors';

export type IpcRendererLike = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

function failure(code: ErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

type IpcListener = (event: IpcRendererEvent, payload: unknown) => void;

export function createConsoleBridge(ipcRenderer: IpcRendererLike): ConsoleBridge {
  return {
    invoke(channel, input) {
      if (!isChannelName(channel)) {
        return Promise.resolve(failure('UNKNOWN_CHANNEL', `Unknown channel: ${String(channel).slice(0, 80)}`));
      }
      return ipcRenderer
        .invoke(IPC_INVOKE_PREFIX + channel, input)
        .catch(() => failure('INTERNAL', `The console did not answer ${channel}. Restart it if this keeps happening.`));
    },

    subscribe(event, listener) {
      if (!isEventName(event)) throw new TypeError(`Unknown event: ${String(event).slice(0, 80)}`);
      if (typeof listener !== 'function') throw new TypeError('subscribe needs a listener function.');
      const ipcChannel = IPC_EVENT_PREFIX + event;
      // Only the payload crosses: never the IpcRendererEvent.
      const wrapper: IpcListener = (_event, payload) => listener(payload as Parameters<typeof listener>[0]);
      ipcRenderer.on(ipcChannel, wrapper);
      // The unsubscribe function holds the one wrapper it registered, so no listener → wrapper
      // map is needed: subscribing one listener twice gives two subscriptions, each removes
      // exactly its own wrapper, and calling it again removes nothing (the wrapper is gone).
      return () => {
        ipcRenderer.removeListener(ipcChannel, wrapper);
      };
    },
  };
}

/** Exposes the bridge, and nothing else, as window.tenantConsole. */
export function exposeConsoleBridge(contextBridge: Pick<ContextBridge, 'exposeInMainWorld'>, ipcRenderer: IpcRendererLike): void {
  contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, createConsoleBridge(ipcRenderer));
}
