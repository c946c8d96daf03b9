import { EventEmitter } from 'node:events';
import type { ContextBridge, IpcRendererEvent } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { BRIDGE_GLOBAL, IPC_EVENT_PREFIX, IPC_INVOKE_PREFIX, type ConsoleBridge } from '../../src-shared/contract/bridge';
import type { EventName, EventPayload } from '../../src-shared/contract/events';
import { createConsoleBridge, exposeConsoleBridge, type IpcRendererLike } from '../../src-main/electron/preload-bridge';

// Security regression tests for the preload bridge (src-main/electron/preload-bridge.ts).
// Electron is faked: ipcRenderer is an EventEmitter with invoke (as Electron's is), and
// contextBridge records what is exposed. preload.ts only wires the real ones in.

class FakeIpcRenderer extends EventEmitter {
  readonly invoke = vi.fn<(channel: string, ...args: unknown[]) => Promise<unknown>>(async () => ({ ok: true, value: 'answer' }));
  /** Delivers a message from main: Electron passes the IpcRendererEvent (whose sender is ipcRenderer) first. */
  deliver(channel: string, payload: unknown): void {
    this.emit(channel, { sender: this, senderFrame: null } as unknown as IpcRendererEvent, payload);
  }
}

function setUp() {
  const ipcRenderer = new FakeIpcRenderer();
  const bridge = createConsoleBridge(ipcRenderer as unknown as IpcRendererLike);
  return { ipcRenderer, bridge };
}

const CHANGED = 'tenant:changed' satisfies EventName;
const CHANGED_CHANNEL = IPC_EVENT_PREFIX + CHANGED;
const payload: EventPayload<typeof CHANGED> = { tenantCode: 'ACME001', status: 'active', version: 3 };

describe('exposeConsoleBridge', () => {
  it('exposes exactly one object, window.tenantConsole, with invoke and subscribe and nothing else', () => {
    const exposed: [string, unknown][] = [];
    const contextBridge = { exposeInMainWorld: (key: string, api: unknown) => void exposed.push([key, api]) };
    const ipcRenderer = new FakeIpcRenderer();
    exposeConsoleBridge(contextBridge as Pick<ContextBridge, 'exposeInMainWorld'>, ipcRenderer as unknown as IpcRendererLike);

    expect(exposed).toHaveLength(1);
    const [key, api] = exposed[0]!;
    expect(key).toBe(BRIDGE_GLOBAL);
    expect(Object.keys(api as object).sort()).toEqual(['invoke', 'subscribe']);
    for (const value of Object.values(api as object)) expect(value).toBeTypeOf('function');
    expect(Object.values(api as object)).not.toContain(ipcRenderer);
  });
});

describe('invoke', () => {
  it('sends a contract channel as contract:<name> and returns main’s Result', async () => {
    const { ipcRenderer, bridge } = setUp();
    await expect(bridge.invoke('tenants:list', {} as never)).resolves.toEqual({ ok: true, value: 'answer' });
    expect(ipcRenderer.invoke).toHaveBeenCalledExactlyOnceWith(IPC_INVOKE_PREFIX + 'tenants:list', {});
  });

  it.each(['tenants:drop', '__proto__', 'constructor', 'contract:tenants:list', '', 42, null])(
    'answers UNKNOWN_CHANNEL for %j without touching IPC',
    async (channel) => {
      const { ipcRenderer, bridge } = setUp();
      const result = await (bridge.invoke as (channel: unknown, input: unknown) => ReturnType<ConsoleBridge['invoke']>)(channel, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
      expect(ipcRenderer.invoke).not.toHaveBeenCalled();
    },
  );

  it('turns a failed IPC call into an INTERNAL Result without the error’s detail', async () => {
    const { ipcRenderer, bridge } = setUp();
    ipcRenderer.invoke.mockRejectedValueOnce(new Error("Error invoking remote method: secret detail"));
    const result = await bridge.invoke('app:info', {} as never);
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.not.stringContaining('secret detail') } });
  });
});

describe('subscribe / unsubscribe', () => {
  it('passes only the payload to the listener, never the IpcRendererEvent', () => {
    const { ipcRenderer, bridge } = setUp();
    const listener = vi.fn();
    bridge.subscribe(CHANGED, listener);
    ipcRenderer.deliver(CHANGED_CHANNEL, payload);
    expect(listener).toHaveBeenCalledExactlyOnceWith(payload);
  });

  it.each(['tenants:list', 'job:progres', '__proto__', 'event:tenant:changed', '', undefined])('refuses an unknown event %j', (event) => {
    const { ipcRenderer, bridge } = setUp();
    expect(() => (bridge.subscribe as (event: unknown, listener: () => void) => () => void)(event, () => {})).toThrow(TypeError);
    expect(ipcRenderer.eventNames()).toEqual([]);
  });

  it('refuses a listener that is not a function', () => {
    const { ipcRenderer, bridge } = setUp();
    expect(() => bridge.subscribe(CHANGED, 'alert(1)' as never)).toThrow(TypeError);
    expect(ipcRenderer.listenerCount(CHANGED_CHANNEL)).toBe(0);
  });

  it('subscribing one listener twice gives two subscriptions; each unsubscribe removes only its own', () => {
    const { ipcRenderer, bridge } = setUp();
    const listener = vi.fn();
    const first = bridge.subscribe(CHANGED, listener);
    const second = bridge.subscribe(CHANGED, listener);
    expect(ipcRenderer.listenerCount(CHANGED_CHANNEL)).toBe(2);
    ipcRenderer.deliver(CHANGED_CHANNEL, payload);
    expect(listener).toHaveBeenCalledTimes(2);

    first();
    expect(ipcRenderer.listenerCount(CHANGED_CHANNEL)).toBe(1);
    listener.mockClear();
    ipcRenderer.deliver(CHANGED_CHANNEL, payload);
    expect(listener).toHaveBeenCalledOnce();

    second();
    expect(ipcRenderer.listenerCount(CHANGED_CHANNEL)).toBe(0);
  });

  it('an unsubscribe called again removes nothing more (not another subscription’s wrapper)', () => {
    const { ipcRenderer, bridge } = setUp();
    const listener = vi.fn();
    const first = bridge.subscribe(CHANGED, listener);
    bridge.subscribe(CHANGED, listener);
    first();
    first();
    first();
    expect(ipcRenderer.listenerCount(CHANGED_CHANNEL)).toBe(1);
    ipcRenderer.deliver(CHANGED_CHANNEL, payload);
    expect(listener).toHaveBeenCalledOnce();
  });

  it('keeps one listener’s subscriptions to different events apart', () => {
    const { ipcRenderer, bridge } = setUp();
    const listener = vi.fn();
    const offChanged = bridge.subscribe(CHANGED, listener);
    bridge.subscribe('job:progress', listener);
    offChanged();
    expect(ipcRenderer.listenerCount(CHANGED_CHANNEL)).toBe(0);
    expect(ipcRenderer.listenerCount(IPC_EVENT_PREFIX + 'job:progress')).toBe(1);
  });

  it('leaves no ipcRenderer listener behind after many subscribe/unsubscribe cycles', () => {
    const { ipcRenderer, bridge } = setUp();
    const shared = vi.fn();
    for (let cycle = 0; cycle < 1_000; cycle += 1) {
      const offs = [
        bridge.subscribe(CHANGED, shared),
        bridge.subscribe(CHANGED, shared),
        bridge.subscribe('job:progress', shared),
        bridge.subscribe('console:connectivity', () => {}),
      ];
      // Unsubscribe in an order other than subscription order, some twice.
      for (const index of [2, 0, 3, 1, 0, 2]) offs[index]!();
    }
    expect(ipcRenderer.eventNames()).toEqual([]);
  });
});
