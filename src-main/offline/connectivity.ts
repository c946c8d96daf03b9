import { isConnectionFailure } from '../postgres/errors';

export interface ConnectivityState {
  readonly online: boolean;
  readonly since: string;
  readonly lastCheckedAt: string | null;
  readonly reason: string | null;
}

export interface ConnectivityOptions {
  /** One round trip to the platform database; rejects when it does not answer. */
  readonly probe: () => Promise<void>;
  /** Called on every change of state (online ↔ offline). */
  readonly onChange: (state: ConnectivityState) => void;
  /** Probe period while online (default 5 s). */
  readonly intervalMs?: number;
  /** Longest wait between probes while offline: the wait doubles up to this (default 15 s). */
  readonly maxIntervalMs?: number;
  /** A probe that has not answered after this long counts as a failure (default 3 s). */
  readonly timeoutMs?: number;
  /** The state before the first probe (default: online — the core reached the database to open). */
  readonly initial?: { readonly online: boolean; readonly reason: string | null };
}

const DEFAULT_PROBE_INTERVAL_MS = 5_000;
const DEFAULT_MAX_INTERVAL_MS = 15_000;
const DEFAULT_TIMEOUT_MS = 3_000;

function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const short = message.split('\n')[0]!.slice(0, 200);
  return isConnectionFailure(error) || /timed out/i.test(short) ? `The platform database is not answering (${short}).` : `The platform database failed a health check (${short}).`;
}

/**
 * Tracks whether the platform database answers: a probe every `intervalMs` while online,
 * backing off (doubling up to `maxIntervalMs`) while offline, so a dead server is not
 * hammered and a returning one is noticed within seconds. A call that fails with a
 * connection error asks for a probe at once (`check()`), so the console flips to offline
 * without waiting for the next tick — and a failing tenant server alone does not flip it.
 */
export class ConnectivityMonitor {
  readonly #options: ConnectivityOptions;
  readonly #intervalMs: number;
  readonly #maxIntervalMs: number;
  readonly #timeoutMs: number;
  #state: ConnectivityState;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #waitMs: number;
  #inFlight: Promise<ConnectivityState> | null = null;
  #stopped = false;

  constructor(options: ConnectivityOptions) {
    this.#options = options;
    this.#intervalMs = options.intervalMs ?? DEFAULT_PROBE_INTERVAL_MS;
    this.#maxIntervalMs = Math.max(this.#intervalMs, options.maxIntervalMs ?? DEFAULT_MAX_INTERVAL_MS);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#waitMs = this.#intervalMs;
    this.#state = { online: options.initial?.online ?? true, since: new Date().toISOString(), lastCheckedAt: null, reason: options.initial?.reason ?? null };
  }

  get state(): ConnectivityState {
    return this.#state;
  }

  get online(): boolean {
    return this.#state.online;
  }

  start(): void {
    this.#stopped = false;
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Probes now (joining a probe already running) and returns the resulting state. */
  check(): Promise<ConnectivityState> {
    this.#inFlight ??= this.#probeOnce().finally(() => {
      this.#inFlight = null;
      this.#schedule();
    });
    return this.#inFlight;
  }

  async #probeOnce(): Promise<ConnectivityState> {
    let failure: string | null = null;
    let timeout: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        this.#options.probe(),
        new Promise<never>((_, reject) => {
          timeout = setTimeout(() => reject(new Error(`timed out after ${this.#timeoutMs} ms`)), this.#timeoutMs);
        }),
      ]);
    } catch (error) {
      failure = describeFailure(error);
    } finally {
      clearTimeout(timeout);
    }
    this.#record(failure);
    return this.#state;
  }

  #record(failure: string | null): void {
    const now = new Date().toISOString();
    const online = failure === null;
    const changed = online !== this.#state.online;
    this.#state = { online, since: changed ? now : this.#state.since, lastCheckedAt: now, reason: failure };
    this.#waitMs = online ? this.#intervalMs : changed ? this.#intervalMs : Math.min(this.#maxIntervalMs, this.#waitMs * 2);
    if (changed) this.#options.onChange(this.#state);
  }

  #schedule(): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.check(), this.#waitMs);
    // A one-off CLI command must be able to exit with the monitor still armed.
    this.#timer.unref?.();
  }
}
