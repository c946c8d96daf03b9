import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../api/api-error';

export interface Loaded<T> {
  readonly value: T | null;
  readonly error: string | null;
  readonly loading: boolean;
  reload(): void;
  /** Puts a value main just returned (after a change) without another round trip. */
  set(value: T): void;
}

/**
 * One read from main for a panel: the latest answer wins, the last good value stays on
 * screen while reloading, and a failure is kept as main's message.
 */
export function useLoaded<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);
  const run = useCallback(load, deps);

  const reload = useCallback(() => {
    const request = ++latest.current;
    setLoading(true);
    run().then(
      (result) => {
        if (request !== latest.current) return;
        setValue(result);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (request !== latest.current) return;
        setError(errorMessage(failure));
        setLoading(false);
      },
    );
  }, [run]);

  useEffect(() => {
    reload();
  }, [reload]);

  const set = useCallback((next: T) => {
    latest.current += 1;
    setValue(next);
    setError(null);
    setLoading(false);
  }, []);

  return { value, error, loading, reload, set };
}
