import { EventEmitter } from 'node:events';
import type { BrowserWindow } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import type { Dispatch } from '../../src-main/base/handler-types';
import { deferredDispatch, sendToAppPages } from '../../src-main/electron/core-relay';

// main.ts's relay between Electron and the core, with fakes for the core and the windows.

describe('deferredDispatch', () => {
  it('answers INTERNAL while the core has not been started', async () => {
    const dispatch = deferredDispatch(() => null);
    await expect(dispatch('tenants:list', {}, { origin: 'ipc' })).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('waits for a starting core, then forwards the call unchanged', async () => {
    let open!: (core: { dispatch: Dispatch }) => void;
    const starting = new Promise<{ dispatch: Dispatch }>((resolve) => (open = resolve));
    const coreDispatch = vi.fn<Dispatch>(async () => ({ ok: true, value: 'listed' }));
    const dispatch = deferredDispatch(() => starting);

    const answer = dispatch('tenants:list', { search: 'acme' }, { origin: 'ipc' });
    expect(coreDispatch).not.toHaveBeenCalled();
    open({ dispatch: coreDispatch });
    await expect(answer).resolves.toEqual({ ok: true, value: 'listed' });
    expect(coreDispatch).toHaveBeenCalledExactlyOnceWith('tenants:list', { search: 'acme' }, { origin: 'ipc' });
  });

  it('answers DATABASE_UNAVAILABLE, without the reason, when the core failed to start', async () => {
    const failed = Promise.reject(new Error('password authentication failed for user "secret"'));
    failed.catch(() => {});
    const result = await deferredDispatch(() => failed)('tenants:list', {}, { origin: 'ipc' });
    expect(result).toEqual({ ok: false, error: { code: 'DATABASE_UNAVAILABLE', message: expect.not.stringContaining('secret') } });
  });

  it('asks for the core on every call, so a core started later is used', async () => {
    let core: Promise<{ dispatch: Dispatch }> | null = null;
    const dispatch = deferredDispatch(() => core);
    await expect(dispatch('app:info', {}, { origin: 'ipc' })).resolves.toMatchObject({ ok: false });
    core = Promise.resolve({ dispatch: async () => ({ ok: true, value: 'info' }) });
    await expect(dispatch('app:info', {}, { origin: 'ipc' })).resolves.toEqual({ ok: true, value: 'info' });
  });
});

class FakeContents extends EventEmitter {
  readonly sent: [string, unknown][] = [];
  constructor(private readonly url: string, private readonly destroyed = false) {
    super();
  }
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, payload: unknown): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push([channel, payload]);
  }
}

describe('sendToAppPages', () => {
  it('sends only to live windows showing the app origin', () => {
    const app = new FakeContents('app://console/index.html');
    const appRoute = new FakeContents('app://console/tenants/ACME001');
    const foreign = new FakeContents('https://evil.example/');
    const lookalike = new FakeContents('app://console.evil.example/index.html');
    const blank = new FakeContents('about:blank');
    const destroyed = new FakeContents('app://console/index.html', true);
    const windows = [app, appRoute, foreign, lookalike, blank, destroyed].map((webContents) => ({ webContents }));

    sendToAppPages(windows as unknown as BrowserWindow[], 'event:tenant:changed', { tenantCode: 'ACME001' });

    expect(app.sent).toEqual([['event:tenant:changed', { tenantCode: 'ACME001' }]]);
    expect(appRoute.sent).toEqual([['event:tenant:changed', { tenantCode: 'ACME001' }]]);
    for (const contents of [foreign, lookalike, blank, destroyed]) expect(contents.sent).toEqual([]);
  });
});
