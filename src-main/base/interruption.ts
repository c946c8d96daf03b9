import { AppError } from './app-error';

/** One piece of work an interruption may have stopped, and how it ended. */
export interface InterruptibleWork {
  readonly what: string;
  outcome: 'running' | 'finished' | 'rolled back' | 'failed' | 'left for reconcile';
}

/**
 * A process being told to stop (Ctrl-C, SIGTERM from `timeout` or a cron wrapper): work
 * checks it at its next step and stops there — rolled back, or left for reconcile —
 * instead of going on and applying its change after the caller gave up on it. It also
 * remembers what ran, so the process can say what was left.
 */
export class Interruption {
  readonly #controller = new AbortController();
  #reason: string | null = null;
  readonly #work = new Set<InterruptibleWork>();

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get interrupted(): boolean {
    return this.#reason !== null;
  }

  interrupt(reason: string): void {
    this.#reason ??= reason;
    this.#controller.abort();
  }

  /** Throws CANCELLED once interrupted: `what` stops before its next step. */
  throwIfInterrupted(what: string): void {
    if (this.#reason !== null) throw new AppError('CANCELLED', `${what} was stopped (${this.#reason}).`);
  }

  begin(what: string): InterruptibleWork {
    const work: InterruptibleWork = { what, outcome: 'running' };
    this.#work.add(work);
    return work;
  }

  /** What ran in this process; after an interruption, what it left and how. */
  work(): readonly InterruptibleWork[] {
    return [...this.#work];
  }
}
