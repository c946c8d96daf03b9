import { afterEach, describe, expect, it, vi } from 'vitest';
import { PeriodicTask } from '../../src-main/jobs/periodic-task';

describe('PeriodicTask (the timing shared by housekeeping and the billing lifecycle)', () => {
  afterEach(() => vi.useRealTimers());

  it('waits the start-up delay, then runs once per interval until stopped', async () => {
    vi.useFakeTimers();
    let runs = 0;
    const task = new PeriodicTask({ run: async () => (runs += 1), intervalMs: () => 1_000, startDelayMs: 5_000, onError: () => undefined });
    task.start();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(runs).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(runs).toBe(4);
    await task.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runs).toBe(4);
  });

  it('shares a run in progress instead of starting a second, and stop waits for it', async () => {
    let release: () => void = () => undefined;
    let started = 0;
    let finished = false;
    const task = new PeriodicTask({
      run: () => {
        started += 1;
        return new Promise<string>((resolve) => {
          release = () => {
            finished = true;
            resolve('done');
          };
        });
      },
      intervalMs: () => 60_000,
      startDelayMs: 60_000,
      onError: () => undefined,
    });
    const first = task.runOnce();
    const second = task.runOnce();
    expect(started).toBe(1);
    const stopping = task.stop();
    release();
    await stopping;
    expect(finished).toBe(true);
    expect(await first).toBe('done');
    expect(await second).toBe('done');
  });

  it('reports a failed run and keeps the schedule going', async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    let runs = 0;
    const task = new PeriodicTask({
      run: async () => {
        runs += 1;
        if (runs === 1) throw new Error('first run fails');
        return runs;
      },
      intervalMs: async () => 1_000,
      startDelayMs: 0,
      onError: (error) => errors.push(error),
    });
    task.start();
    await vi.advanceTimersByTimeAsync(1_500);
    expect(runs).toBe(2);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('first run fails');
    await task.stop();
  });
});
