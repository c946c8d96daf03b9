/**
 * The timing every "while the console runs" job shares: a first run after a start-up delay
 * (so opening the console stays quick), then one run per interval, never two at once (a
 * run already going is shared by runOnce), a timer that never keeps the process alive, and
 * stop() that waits for a run in progress rather than cutting it short.
 */
export class PeriodicTask<T> {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<T> | null = null;
  #stopped = true;

  constructor(
    private readonly task: {
      readonly run: () => Promise<T>;
      /** Read before each wait, so a changed setting applies from the next run. */
      readonly intervalMs: () => number | Promise<number>;
      readonly startDelayMs: number;
      /** A run that threw: logged by the owner; the schedule goes on. */
      readonly onError: (error: unknown) => void;
    },
  ) {}

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(this.task.startDelayMs);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => undefined);
  }

  /** One run now (the loop, tests, an operator's button); a run already going is shared, not doubled. */
  async runOnce(): Promise<T> {
    if (this.#running) return this.#running;
    this.#running = this.task.run();
    try {
      return await this.#running;
    } finally {
      this.#running = null;
    }
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.runOnce()
        .catch(this.task.onError)
        .then(() => this.task.intervalMs())
        .then((interval) => this.#schedule(interval));
    }, delayMs);
    this.#timer.unref();
  }
}
