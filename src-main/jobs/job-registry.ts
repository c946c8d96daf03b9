import { AppError } from '../base/app-error';

export interface JobHandle {
  readonly signal: AbortSignal;
  /** Throws CANCELLED when jobs:cancel stopped this job. */
  throwIfCancelled(): void;
  finish(): void;
}

/**
 * Running jobs by the requestId their caller chose, so jobs:cancel can stop one. A job
 * without a requestId still gets a signal (never aborted): the work code has one path.
 */
export class JobRegistry {
  readonly #running = new Map<string, AbortController>();
  readonly #all = new Set<AbortController>();

  start(requestId: string | undefined, what: string): JobHandle {
    const controller = new AbortController();
    this.#all.add(controller);
    if (requestId) {
      if (this.#running.has(requestId)) throw new AppError('CONFLICT', `A job with request id ${requestId} is already running.`);
      this.#running.set(requestId, controller);
    }
    return {
      signal: controller.signal,
      throwIfCancelled: () => {
        if (controller.signal.aborted) throw cancelledError(what);
      },
      finish: () => {
        this.#all.delete(controller);
        if (requestId && this.#running.get(requestId) === controller) this.#running.delete(requestId);
      },
    };
  }

  /** Stops every running job (the process is being interrupted). */
  cancelAll(): void {
    for (const controller of this.#all) controller.abort();
  }

  cancel(requestId: string): boolean {
    const controller = this.#running.get(requestId);
    if (!controller) return false;
    controller.abort();
    return true;
  }
}

export function cancelledError(what: string): AppError {
  return new AppError('CANCELLED', `${what} was cancelled; nothing was left behind.`);
}
