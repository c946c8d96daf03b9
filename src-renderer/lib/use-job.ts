import { useCallback, useRef, useState } from 'react';
import type { EventPayload } from '../../src-shared/contract/events';
import { api } from '../api/client';
import { newRequestId } from './request-id';

type JobProgressEvent = EventPayload<'job:progress'>;

export interface JobHandle {
  /** The running job's request id (null when idle). */
  readonly requestId: string | null;
  /** The job's latest progress event, kept after it ends so the last state stays on screen. */
  readonly progress: JobProgressEvent | null;
  readonly running: boolean;
  readonly cancelling: boolean;
  /** Runs `work` with a fresh request id and follows its job:progress events until it settles. */
  run<T>(work: (requestId: string) => Promise<T>): Promise<T>;
  /** Asks main to stop the job (jobs:cancel); the job's own call then fails with CANCELLED. */
  cancel(): void;
  reset(): void;
}

/**
 * One long job (backup, restore, export, delete, or a status change that backs up first):
 * its progress from the events main sends for its request id only, and its cancellation.
 */
export function useJob(): JobHandle {
  const [requestId, setRequestId] = useState<string | null>(null);
  const [progress, setProgress] = useState<JobProgressEvent | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const current = useRef<string | null>(null);

  const run = useCallback(async <T,>(work: (requestId: string) => Promise<T>): Promise<T> => {
    const id = newRequestId();
    current.current = id;
    setProgress(null);
    setCancelling(false);
    setRequestId(id);
    // Subscribed before the request leaves, so no early event is missed.
    const unsubscribe = api().subscribe('job:progress', (event) => {
      if (event.requestId === id) setProgress(event);
    });
    try {
      return await work(id);
    } finally {
      unsubscribe();
      if (current.current === id) {
        current.current = null;
        setRequestId(null);
        setCancelling(false);
      }
    }
  }, []);

  const cancel = useCallback(() => {
    const id = current.current;
    if (!id) return;
    setCancelling(true);
    void api().invoke('jobs:cancel', { requestId: id });
  }, []);

  const reset = useCallback(() => setProgress(null), []);

  return { requestId, progress, running: requestId !== null, cancelling, run, cancel, reset };
}
