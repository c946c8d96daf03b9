import { useCallback, useEffect, useRef, useState } from 'react';
import { latestRequest } from './latest-request';
import { watchQuery, type QueryKey } from './query-keys';

export interface Query<T> {
  /** Not enabled: nothing asked. */
  readonly idle: boolean;
  readonly value: T | null;
  readonly error: string | null;
  readonly loading: boolean;
  reload(): void;
  /** Puts a value main just returned (after a change) without another round trip. */
  set(value: T): void;
}

export interface QueryOptions {
  /** False: nothing is asked (the dialog is closed, the input not checkable yet). */
  readonly enabled?: boolean;
  /** Reloaded when the invalidation table names this key (see store/invalidation.ts). */
  readonly key?: QueryKey;
}

/**
 * One component-local read from main: loads when `deps` change, the latest answer wins, the
 * last good value stays on screen while reloading, and a failure is kept as main's message.
 */
export function useQuery<T>(load: () => Promise<T>, deps: readonly unknown[], options: QueryOptions = {}): Query<T> {
  const { enabled = true, key } = options;
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(enabled);
  const latest = useRef(latestRequest()).current;
  // The caller names what the request depends on, as with useEffect.
  const run = useCallback(load, deps);

  const reload = useCallback(() => {
    if (!enabled) return;
    setLoading(true);
    void latest.run(run).then((outcome) => {
      if (outcome.stale) return;
      if (outcome.ok) {
        setValue(outcome.value);
        setError(null);
      } else {
        setError(outcome.message);
      }
      setLoading(false);
    });
  }, [run, enabled, latest]);

  useEffect(() => {
    if (enabled) {
      reload();
    } else {
      latest.drop();
      setLoading(false);
    }
  }, [reload, enabled, latest]);

  useEffect(() => (key ? watchQuery(key, reload) : undefined), [key, reload]);

  const set = useCallback(
    (next: T) => {
      latest.drop();
      setValue(next);
      setError(null);
      setLoading(false);
    },
    [latest],
  );

  return { idle: !enabled, value, error, loading, reload, set };
}

/** A query as one state, for views that show a loader, an error or the value (never two at once). */
export type QueryState<T> = { readonly status: 'idle' | 'loading' } | { readonly status: 'ready'; readonly value: T } | { readonly status: 'error'; readonly message: string };

export function queryState<T>(query: Query<T>): QueryState<T> {
  if (query.idle) return { status: 'idle' };
  if (query.loading) return { status: 'loading' };
  if (query.error !== null) return { status: 'error', message: query.error };
  return query.value === null ? { status: 'loading' } : { status: 'ready', value: query.value };
}
