import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coalesce, createLoader, latestRequest, type LoadFields } from '../../src-renderer/lib/latest-request';

/** A request whose answer the test releases by hand, in any order. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

describe('latestRequest', () => {
  it('drops the answer of an earlier run that answers last', async () => {
    const latest = latestRequest();
    const first = deferred<string>();
    const second = deferred<string>();
    const a = latest.run(() => first.promise);
    const b = latest.run(() => second.promise);
    second.resolve('new');
    first.resolve('old');
    expect(await b).toEqual({ stale: false, ok: true, value: 'new' });
    expect(await a).toEqual({ stale: true });
  });

  it('keeps a failure of the latest run with its message, and drops a stale failure', async () => {
    const latest = latestRequest();
    const stale = latest.run(() => Promise.reject(new Error('too late')));
    const current = latest.run(() => Promise.reject(new Error('Tenant not found')));
    expect(await stale).toEqual({ stale: true });
    expect(await current).toMatchObject({ stale: false, ok: false, message: 'Tenant not found' });
  });

  it('join: a follow-up is dropped once a new run starts, applied otherwise', async () => {
    const latest = latestRequest();
    await latest.run(() => Promise.resolve('page 1'));
    expect(await latest.join(() => Promise.resolve('page 2'))).toEqual({ stale: false, ok: true, value: 'page 2' });
    const next = deferred<string>();
    const joined = latest.join(() => next.promise);
    void latest.run(() => Promise.resolve('new filter'));
    next.resolve('page 2 of the old filter');
    expect(await joined).toEqual({ stale: true });
  });

  it('drop makes the answer in flight stale', async () => {
    const latest = latestRequest();
    const answer = deferred<number>();
    const run = latest.run(() => answer.promise);
    latest.drop();
    answer.resolve(1);
    expect(await run).toEqual({ stale: true });
  });
});

describe('coalesce', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('turns a burst of 20 calls into one run, and a later burst into one more', () => {
    const action = vi.fn();
    const soon = coalesce(action, 250);
    for (let i = 0; i < 20; i++) soon.soon();
    expect(action).not.toHaveBeenCalled();
    vi.advanceTimersByTime(250);
    expect(action).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 20; i++) soon.soon();
    vi.advanceTimersByTime(250);
    expect(action).toHaveBeenCalledTimes(2);
  });

  it('cancel forgets a pending run', () => {
    const action = vi.fn();
    const soon = coalesce(action, 250);
    soon.soon();
    soon.cancel();
    vi.advanceTimersByTime(1000);
    expect(action).not.toHaveBeenCalled();
  });
});

interface ListState extends LoadFields {
  readonly rows: readonly string[];
}

/** A loader over a plain object standing in for a zustand store, with its requests held by the test. */
function listLoader() {
  let state: ListState = { rows: [], status: 'idle', error: null };
  const requests: ReturnType<typeof deferred<string[]>>[] = [];
  const loader = createLoader({
    fetch: () => {
      const request = deferred<string[]>();
      requests.push(request);
      return request.promise;
    },
    ready: (rows: string[]) => ({ rows }),
    failed: () => ({ rows: [] }),
    set: (patch) => {
      state = { ...state, ...patch };
    },
  });
  return { loader, requests, state: () => state };
}

describe('createLoader', () => {
  it('tracks the status and applies only the latest answer when two loads overlap', async () => {
    const { loader, requests, state } = listLoader();
    const first = loader.load();
    expect(state().status).toBe('loading');
    const second = loader.load();
    requests[1]!.resolve(['new']);
    await second;
    requests[0]!.resolve(['old']);
    await first;
    expect(state()).toEqual({ rows: ['new'], status: 'ready', error: null });
  });

  it('keeps main’s message on failure and resets the fields the store asks for', async () => {
    const { loader, requests, state } = listLoader();
    const load = loader.load();
    requests[0]!.reject(new Error('The platform database is not answering.'));
    await load;
    expect(state()).toEqual({ rows: [], status: 'error', error: 'The platform database is not answering.' });
  });

  it('a quiet load keeps the status while it runs', async () => {
    const { loader, requests, state } = listLoader();
    const load = loader.load();
    requests[0]!.resolve(['a']);
    await load;
    const quiet = loader.load({ quiet: true });
    expect(state().status).toBe('ready');
    requests[1]!.resolve(['a', 'b']);
    await quiet;
    expect(state().rows).toEqual(['a', 'b']);
  });

  it('cancel drops the answer in flight', async () => {
    const { loader, requests, state } = listLoader();
    const load = loader.load();
    loader.cancel();
    requests[0]!.resolve(['late']);
    await load;
    expect(state().rows).toEqual([]);
  });

  describe('refreshSoon', () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());

    it('a burst of 20 calls makes one load', () => {
      const { loader, requests } = listLoader();
      for (let i = 0; i < 20; i++) loader.refreshSoon();
      expect(requests).toHaveLength(0);
      vi.advanceTimersByTime(250);
      expect(requests).toHaveLength(1);
    });

    it('a burst spread over the delay makes two loads at most', () => {
      const { loader, requests } = listLoader();
      for (let i = 0; i < 20; i++) {
        loader.refreshSoon();
        vi.advanceTimersByTime(20);
      }
      vi.advanceTimersByTime(250);
      expect(requests.length).toBeGreaterThanOrEqual(1);
      expect(requests.length).toBeLessThanOrEqual(2);
    });
  });
});
