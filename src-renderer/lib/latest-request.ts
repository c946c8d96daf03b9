import { errorMessage } from '../api/api-error';

/** Where a load stands, as every store and panel shows it. */
export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

/** How a request ended: stale (a later one was started, or it was dropped), or its value, or its failure. */
export type Outcome<T> =
  | { readonly stale: true }
  | { readonly stale: false; readonly ok: true; readonly value: T }
  | { readonly stale: false; readonly ok: false; readonly error: unknown; readonly message: string };

/**
 * "Latest request wins": each `run` makes every answer still in flight stale, so typing fast,
 * switching tenants or a burst of events never shows an older answer over a newer one.
 */
export interface LatestRequest {
  run<T>(request: () => Promise<T>): Promise<Outcome<T>>;
  /** A follow-up of the current run (its next page): stale if a new run starts before it answers. */
  join<T>(request: () => Promise<T>): Promise<Outcome<T>>;
  /** Every answer in flight becomes stale (the view closed, or a value was put by hand). */
  drop(): void;
}

export function latestRequest(): LatestRequest {
  let generation = 0;
  async function settle<T>(ticket: number, request: () => Promise<T>): Promise<Outcome<T>> {
    try {
      const value = await request();
      return ticket === generation ? { stale: false, ok: true, value } : { stale: true };
    } catch (error) {
      return ticket === generation ? { stale: false, ok: false, error, message: errorMessage(error) } : { stale: true };
    }
  }
  return {
    run: (request) => settle(++generation, request),
    join: (request) => settle(generation, request),
    drop: () => {
      generation++;
    },
  };
}

/** The delay that turns a burst of refresh requests (many tenant:changed events) into one load. */
const REFRESH_SOON_MS = 250;

export interface Coalesced {
  /** Runs the action once, `delayMs` after the first call of a burst; later calls join it. */
  soon(): void;
  cancel(): void;
}

export function coalesce(action: () => void, delayMs = REFRESH_SOON_MS): Coalesced {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    soon() {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        action();
      }, delayMs);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

/** The two fields a loader keeps up to date in its store. */
export interface LoadFields {
  readonly status: LoadStatus;
  readonly error: string | null;
}

export interface LoaderSpec<T, P> {
  /** The request; it reads what to ask for (query, tenant, days) from the store when it starts. */
  fetch(): Promise<T>;
  /** The store fields a fresh answer fills (status 'ready' and no error are added). */
  ready(value: T): P;
  /** Fields to reset when the load fails (status 'error' and main's message are added). */
  failed?(message: string): Partial<P>;
  /** Writes into the store: zustand's `set`, or a function mapping the fields onto nested state. */
  set(patch: LoadFields | (Partial<P> & LoadFields)): void;
  delayMs?: number;
}

export interface Loader {
  /** Loads now; `quiet` keeps the status as it is while loading (the screen does not flicker). */
  load(options?: { readonly quiet?: boolean }): Promise<void>;
  /** Loads once shortly, however many times it is asked meanwhile. */
  refreshSoon(): void;
  /** Drops the answer in flight and a pending refreshSoon. */
  cancel(): void;
  /** A follow-up request of the current load (see LatestRequest.join). */
  join<T>(request: () => Promise<T>): Promise<Outcome<T>>;
}

/** A store's load: latest answer wins, its status and error tracked in the store, bursts coalesced. */
export function createLoader<T, P>(spec: LoaderSpec<T, P>): Loader {
  const latest = latestRequest();
  const load = async (options?: { readonly quiet?: boolean }): Promise<void> => {
    if (!options?.quiet) spec.set({ status: 'loading', error: null });
    const outcome = await latest.run(spec.fetch);
    if (outcome.stale) return;
    if (outcome.ok) spec.set({ ...spec.ready(outcome.value), status: 'ready', error: null });
    else spec.set({ ...spec.failed?.(outcome.message), status: 'error', error: outcome.message });
  };
  const soon = coalesce(() => void load(), spec.delayMs);
  return {
    load,
    refreshSoon: soon.soon,
    cancel() {
      soon.cancel();
      latest.drop();
    },
    join: latest.join,
  };
}
