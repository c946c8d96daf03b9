import type { ConsoleBridge } from '../../src-shared/contract/bridge';
import type { ChannelInput, ChannelName, ChannelOutput } from '../../src-shared/contract/channels';
import { ERROR_CODES, type ContractError, type Result } from '../../src-shared/contract/errors';
import { events, type EventName, type EventPayload } from '../../src-shared/contract/events';
import { HOST_EVENTS_PATH, HOST_INVOKE_PATH, HOST_SESSION_HEADER, HOST_TOKEN_HEADER, HOST_TOKEN_PARAM } from '../../src-shared/contract/host-protocol';
import { hostSessionToken, keepOperatorSessionToken, operatorSessionToken, SIGNED_OUT_SESSION } from './host-session';

type AnyListener = (payload: unknown) => void;

function isContractError(value: unknown): value is ContractError {
  if (typeof value !== 'object' || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return typeof message === 'string' && (ERROR_CODES as readonly unknown[]).includes(code);
}

function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  if (record.ok === true) return 'value' in record;
  return record.ok === false && isContractError(record.error);
}

function transportFailure(channel: string, detail: string): Result<never> {
  return { ok: false, error: { code: 'INTERNAL', message: `${channel}: ${detail}` } };
}

/**
 * Host mode: the same contract over same-origin HTTP. Every call carries the tab's access
 * token in a header (see host-session.ts), and the tab's own operator sign-in once it has
 * one; no cookie is involved.
 */
export class HttpTransport implements ConsoleBridge {
  readonly #token = hostSessionToken() ?? '';
  #operatorSession = operatorSessionToken();
  readonly #listeners = new Map<EventName, Set<AnyListener>>();
  readonly #reconnectListeners = new Set<() => void>();
  #source: EventSource | null = null;

  async invoke<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<Result<ChannelOutput<C>>> {
    if (channel === 'session:signOut' && this.#operatorSession === null) {
      // The tab has no sign-in of its own: it acts as the console's operator. Signing out
      // ends that for this tab only (the console, and its other tabs, stay signed in).
      this.#keepOperatorSession(SIGNED_OUT_SESSION);
      return (await this.#send('session:current', {})) as Result<ChannelOutput<C>>;
    }
    const result = await this.#send(channel, input);
    if (channel === 'session:signIn' && result.ok) {
      const { sessionToken } = result.value as ChannelOutput<'session:signIn'>;
      if (sessionToken) this.#keepOperatorSession(sessionToken);
    }
    if (channel === 'session:signOut' && result.ok) this.#keepOperatorSession(SIGNED_OUT_SESSION);
    return result;
  }

  #keepOperatorSession(token: string): void {
    this.#operatorSession = token;
    keepOperatorSessionToken(token);
  }

  async #send<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<Result<ChannelOutput<C>>> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json', [HOST_TOKEN_HEADER]: this.#token };
    if (this.#operatorSession !== null) headers[HOST_SESSION_HEADER] = this.#operatorSession;
    let response: Response;
    try {
      response = await fetch(`${HOST_INVOKE_PATH}/${channel}`, {
        method: 'POST',
        credentials: 'omit',
        headers,
        body: JSON.stringify(input ?? {}),
      });
    } catch {
      return transportFailure(channel, 'the console host is not answering. Is `tenantctl serve` still running?');
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      if (response.status === 401 || response.status === 403) {
        return { ok: false, error: { code: 'FORBIDDEN', message: 'This browser session is not signed in to the console host. Open the URL that `tenantctl serve` printed.' } };
      }
      return transportFailure(channel, `the console host answered HTTP ${response.status} without a result.`);
    }
    if (!isResult(body)) return transportFailure(channel, `the console host answered HTTP ${response.status} with an unexpected body.`);
    return body as Result<ChannelOutput<C>>;
  }

  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
      this.#ensureSource().addEventListener(event, (message) => this.#deliver(event, message));
    } else {
      this.#ensureSource();
    }
    const wrapped = listener as AnyListener;
    set.add(wrapped);
    return () => {
      set.delete(wrapped);
    };
  }

  /**
   * Called when the event stream comes back after a drop: events sent meanwhile are lost,
   * so whoever shows data reloads it.
   */
  onReconnect(listener: () => void): () => void {
    this.#reconnectListeners.add(listener);
    this.#ensureSource();
    return () => {
      this.#reconnectListeners.delete(listener);
    };
  }

  #ensureSource(): EventSource {
    // One stream for every event; EventSource reconnects by itself after a drop.
    if (!this.#source) {
      const source = new EventSource(`${HOST_EVENTS_PATH}?${HOST_TOKEN_PARAM}=${encodeURIComponent(this.#token)}`);
      let dropped = false;
      source.addEventListener('error', () => {
        dropped = true;
      });
      source.addEventListener('open', () => {
        if (!dropped) return;
        dropped = false;
        for (const listener of [...this.#reconnectListeners]) listener();
      });
      this.#source = source;
    }
    return this.#source;
  }

  #deliver(event: EventName, message: Event): void {
    let data: unknown;
    try {
      data = JSON.parse((message as MessageEvent<string>).data);
    } catch {
      return;
    }
    // Checked against the contract: a malformed event is dropped, never half-applied.
    const parsed = events[event].safeParse(data);
    if (!parsed.success) return;
    for (const listener of [...(this.#listeners.get(event) ?? [])]) listener(parsed.data);
  }
}
