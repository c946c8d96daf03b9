/**
 * Runs sandboxed, before the page, in an isolated world. Exposes exactly one object,
 * window.tenantConsole: invoke a contract channel, subscribe to a contract event. The
 * renderer never sees ipcRenderer, an IpcRendererEvent (its `sender` is ipcRenderer) or any
 * channel name outside the contract.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isChannelName } from '../../src-shared/contract/channels';
import { isEventName, type EventName } from '../../src-shared/contract/events';
import { BRIDGE_GLOBAL, IPC_EVENT_PREFIX, IPC_INVOKE_PREFIX, type ConsoleBridge } from '../../src-shared/contract/bridge';
import type { ErrorCode, Result } from '../../src-shared/contract/errors';

function failure(code: ErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

type IpcListener = (event: IpcRendererEvent, payload: unknown) => void;

/**
 * Listener → (event → wrappers), so a subscription is removed with the wrapper that was
 * actually registered. Each unsubscribe function removes its own wrapper exactly once, and
 * the WeakMap never keeps a listener alive after the renderer drops it.
 */
const wrappers = new WeakMap<object, Map<EventName, Set<IpcListener>>>();

function remember(listener: object, event: EventName, wrapper: IpcListener): void {
  let byEvent = wrappers.get(listener);
  if (!byEvent) wrappers.set(listener, (byEvent = new Map()));
  let set = byEvent.get(event);
  if (!set) byEvent.set(event, (set = new Set()));
  set.add(wrapper);
}

function forget(listener: object, event: EventName, wrapper: IpcListener): boolean {
  const set = wrappers.get(listener)?.get(event);
  if (!set?.delete(wrapper)) return false;
  if (set.size === 0) wrappers.get(listener)?.delete(event);
  return true;
}

const bridge = {
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
    remember(listener, event, wrapper);
    return () => {
      if (forget(listener, event, wrapper)) ipcRenderer.removeListener(ipcChannel, wrapper);
    };
  },
} satisfies ConsoleBridge;

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
