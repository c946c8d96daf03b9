import type { IpcMainInvokeEvent } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { CHANNEL_NAMES } from '../../src-shared/contract/channels';
import { IPC_INVOKE_PREFIX } from '../../src-shared/contract/bridge';
import type { Result } from '../../src-shared/contract/errors';
import type { Dispatch } from '../../src-main/base/handler-types';
import { registerContractIpc, type IpcMainLike } from '../../src-main/electron/ipc-main';
import { describeSenderFrame, isTrustedIpcSender, isTrustedSenderFrame } from '../../src-main/electron/ipc-sender';

// Security regression tests for the IPC boundary. Electron is faked: the sender check is a
// pure function of the frame, and registerContractIpc takes ipcMain as a parameter.

const APP_PAGE = 'app://console/index.html';

describe('isTrustedSenderFrame', () => {
  it.each([APP_PAGE, 'app://console/', 'app://console/tenants/ACME001', 'app://console/index.html#/tenants?status=active'])(
    'allows the main frame of the app page %s',
    (url) => {
      expect(isTrustedSenderFrame({ url, isMainFrame: true })).toBe(true);
    },
  );

  it.each([APP_PAGE, 'app://console/', 'about:blank', 'https://evil.example/'])('refuses a sub-frame, even at %s', (url) => {
    expect(isTrustedSenderFrame({ url, isMainFrame: false })).toBe(false);
  });

  it.each([
    'https://evil.example/',
    'http://127.0.0.1:5173/',
    'http://localhost/index.html',
    'file:///work/main/out/renderer/index.html',
    'file:///tmp/evil.html',
    'data:text/html,<script>1</script>',
    'about:blank',
    'about:srcdoc',
    'blob:app://console/6c8b2c1e',
    'devtools://devtools/bundled/inspector.html',
    'chrome-error://chromewebdata/',
    'app://evil/index.html',
    'app://console.evil.example/index.html',
    'app://console:8080/index.html',
    'app://user@console/index.html',
    'app:console/index.html',
    'apps://console/index.html',
    'javascript:alert(1)',
    '',
    'not a url',
  ])('refuses another origin in the main frame: %j', (url) => {
    expect(isTrustedSenderFrame({ url, isMainFrame: true })).toBe(false);
  });

  it('refuses a frame that is gone', () => {
    expect(isTrustedSenderFrame(null)).toBe(false);
    expect(isTrustedSenderFrame(undefined)).toBe(false);
  });

  it('refuses a frame whose main-frame flag is not exactly true', () => {
    expect(isTrustedSenderFrame({ url: APP_PAGE, isMainFrame: 'yes' as unknown as boolean })).toBe(false);
  });
});

/** A fake IpcMainInvokeEvent: only senderFrame is read. */
function eventFrom(frame: { url: string; parent: object | null } | null | (() => never)): IpcMainInvokeEvent {
  if (typeof frame === 'function') {
    return Object.defineProperty({}, 'senderFrame', { get: frame }) as IpcMainInvokeEvent;
  }
  return { senderFrame: frame } as unknown as IpcMainInvokeEvent;
}

describe('describeSenderFrame / isTrustedIpcSender on (fake) Electron events', () => {
  it('reads a top-level frame as the main frame', () => {
    expect(describeSenderFrame(eventFrom({ url: APP_PAGE, parent: null }))).toEqual({ url: APP_PAGE, isMainFrame: true });
    expect(isTrustedIpcSender(eventFrom({ url: APP_PAGE, parent: null }))).toBe(true);
  });

  it('reads a frame with a parent as a sub-frame and refuses it', () => {
    const event = eventFrom({ url: APP_PAGE, parent: { url: APP_PAGE } });
    expect(describeSenderFrame(event)).toEqual({ url: APP_PAGE, isMainFrame: false });
    expect(isTrustedIpcSender(event)).toBe(false);
  });

  it('refuses a null senderFrame (navigated or destroyed)', () => {
    expect(isTrustedIpcSender(eventFrom(null))).toBe(false);
  });

  it('refuses a frame that throws when touched (disposed mid-call)', () => {
    const event = eventFrom(() => {
      throw new Error('Render frame was disposed before WebFrameMain could be accessed');
    });
    expect(describeSenderFrame(event)).toBeNull();
    expect(isTrustedIpcSender(event)).toBe(false);
  });

  it('refuses the main frame of another origin', () => {
    expect(isTrustedIpcSender(eventFrom({ url: 'https://evil.example/', parent: null }))).toBe(false);
  });
});

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;

function fakeIpcMain(): IpcMainLike & { handlers: Map<string, Listener> } {
  const handlers = new Map<string, Listener>();
  return {
    handlers,
    handle(channel: string, listener: Listener) {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, listener);
    },
    removeHandler(channel: string) {
      handlers.delete(channel);
    },
  } as IpcMainLike & { handlers: Map<string, Listener> };
}

describe('registerContractIpc', () => {
  const trusted = eventFrom({ url: APP_PAGE, parent: null });
  const subFrame = eventFrom({ url: APP_PAGE, parent: {} });
  const foreign = eventFrom({ url: 'https://evil.example/', parent: null });

  function setUp(answer: Result<unknown> = { ok: true, value: 'answer' }) {
    const ipcMain = fakeIpcMain();
    const dispatch = vi.fn<Dispatch>(async () => answer);
    const onRefused = vi.fn();
    const remove = registerContractIpc(ipcMain, dispatch, { isTrustedSender: isTrustedIpcSender, onRefused });
    return { ipcMain, dispatch, onRefused, remove };
  }

  it('registers exactly one handler per contract channel, under contract:<name>', () => {
    const { ipcMain } = setUp();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(CHANNEL_NAMES.map((name) => IPC_INVOKE_PREFIX + name).sort());
  });

  it('registers nothing that is not in the contract', () => {
    const { ipcMain } = setUp();
    for (const name of ['contract:tenants:drop', 'contract:__proto__', 'tenants:list', 'contract:', 'event:tenant:changed']) {
      expect(ipcMain.handlers.has(name)).toBe(false);
    }
  });

  it('passes a trusted call to dispatch with origin ipc and returns its Result', async () => {
    const { ipcMain, dispatch } = setUp();
    const input = { search: 'acme' };
    await expect(ipcMain.handlers.get('contract:tenants:list')!(trusted, input)).resolves.toEqual({ ok: true, value: 'answer' });
    expect(dispatch).toHaveBeenCalledWith('tenants:list', input, { origin: 'ipc' });
  });

  it.each([
    ['a sub-frame', subFrame],
    ['another origin', foreign],
    ['a destroyed frame', eventFrom(null)],
  ])('answers FORBIDDEN to %s without dispatching', async (_label, event) => {
    const { ipcMain, dispatch, onRefused } = setUp();
    const result = (await ipcMain.handlers.get('contract:tenants:suspend')!(event, { ref: 'ACME001' })) as Result<unknown>;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('FORBIDDEN');
    expect(dispatch).not.toHaveBeenCalled();
    expect(onRefused).toHaveBeenCalledWith('tenants:suspend', event);
  });

  it('turns a throwing dispatch into an INTERNAL Result without a stack', async () => {
    const ipcMain = fakeIpcMain();
    registerContractIpc(ipcMain, async () => { throw new Error('secret stack detail'); }, { isTrustedSender: () => true });
    const result = (await ipcMain.handlers.get('contract:app:info')!(trusted, {})) as Result<unknown>;
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.not.stringContaining('secret stack detail') } });
  });

  it('removes every handler it registered', () => {
    const { ipcMain, remove } = setUp();
    remove();
    expect(ipcMain.handlers.size).toBe(0);
  });
});
