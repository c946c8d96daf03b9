import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectivityMonitor, type ConnectivityState } from '../../src-main/offline/connectivity';

describe('connectivity monitor', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function monitorWith() {
    const changes: ConnectivityState[] = [];
    const probeTimes: number[] = [];
    let answering = true;
    const monitor = new ConnectivityMonitor({
      probe: async () => {
        probeTimes.push(Date.now());
        if (!answering) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5999'), { code: 'ECONNREFUSED' });
      },
      onChange: (state) => changes.push(state),
      intervalMs: 1_000,
      maxIntervalMs: 4_000,
      timeoutMs: 500,
    });
    return { monitor, changes, probeTimes, setAnswering: (value: boolean) => (answering = value) };
  }

  it('probes every interval while online, backs off (doubling, capped) while offline, and recovers', async () => {
    vi.useFakeTimers({ now: 0 });
    const { monitor, changes, probeTimes, setAnswering } = monitorWith();
    monitor.start();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(probeTimes).toEqual([1_000, 2_000, 3_000]);
    expect(changes).toEqual([]);

    setAnswering(false);
    await vi.advanceTimersByTimeAsync(1_000); // t = 4 s: the first failing probe flips to offline
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ online: false });
    expect(changes[0]!.reason).toMatch(/not answering.*ECONNREFUSED/);
    await vi.advanceTimersByTimeAsync(20_000);
    const gaps = probeTimes.slice(3).map((time, i, all) => (i === 0 ? time - 3_000 : time - all[i - 1]!));
    // 1 s to notice, then 1 s, 2 s, 4 s, 4 s … while the server stays away.
    expect(gaps.slice(0, 5)).toEqual([1_000, 1_000, 2_000, 4_000, 4_000]);

    setAnswering(true);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(changes.at(-1)).toMatchObject({ online: true, reason: null });
    expect(monitor.online).toBe(true);
    monitor.stop();
  });

  it('counts a probe that never answers as offline after the timeout', async () => {
    vi.useFakeTimers({ now: 0 });
    const changes: ConnectivityState[] = [];
    const monitor = new ConnectivityMonitor({ probe: () => new Promise(() => undefined), onChange: (s) => changes.push(s), intervalMs: 1_000, timeoutMs: 300 });
    const checking = monitor.check();
    await vi.advanceTimersByTimeAsync(300);
    expect(await checking).toMatchObject({ online: false });
    expect(changes[0]!.reason).toMatch(/timed out after 300 ms/);
    monitor.stop();
  });

  it('joins concurrent checks into one probe, and a check flips state at once', async () => {
    let probes = 0;
    const changes: ConnectivityState[] = [];
    const monitor = new ConnectivityMonitor({
      probe: async () => {
        probes += 1;
        throw Object.assign(new Error('Connection terminated unexpectedly'), {});
      },
      onChange: (s) => changes.push(s),
      intervalMs: 60_000,
    });
    const [a, b] = await Promise.all([monitor.check(), monitor.check()]);
    expect(probes).toBe(1);
    expect(a).toBe(b);
    expect(a.online).toBe(false);
    expect(changes).toHaveLength(1);
    monitor.stop();
  });
});
