import type { ConsoleBridge } from '../../src-shared/contract/bridge';
import type { ChannelInput, ChannelName, ChannelOutput } from '../../src-shared/contract/channels';
import type { EventName, EventPayload } from '../../src-shared/contract/events';
import type { Result } from '../../src-shared/contract/errors';
import { unwrap } from './api-error';
import { findPreloadBridge } from './bridge-transport';
import { HttpTransport } from './http-transport';

/**
 * The renderer's one way to reach main: typed from the contract, whichever transport carries it
 * (the Electron preload bridge, or host-mode HTTP in a browser).
 */
interface ApiClient {
  readonly transport: 'preload' | 'http';
  /** The raw Result, for callers that treat a failure as data. */
  invoke<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<Result<ChannelOutput<C>>>;
  /** The value, or throws an ApiError carrying main's code and message. */
  call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** After the event stream dropped and came back (host mode); IPC never drops. */
  onReconnect(listener: () => void): () => void;
  /**
   * A call was answered UNAUTHENTICATED (the session ended, idle or signed out elsewhere, or a
   * new password is due): the session store asks who is signed in now. Not for session:*
   * calls themselves, whose failures (a wrong password) their forms show.
   */
  onUnauthenticated(listener: (message: string) => void): () => void;
}

function createApiClient(bridge: ConsoleBridge & Partial<Pick<HttpTransport, 'onReconnect'>>, transport: ApiClient['transport']): ApiClient {
  const unauthenticated = new Set<(message: string) => void>();
  const invoke: ApiClient['invoke'] = async (channel, input) => {
    const result = await bridge.invoke(channel, input);
    if (!result.ok && result.error.code === 'UNAUTHENTICATED' && !channel.startsWith('session:')) {
      for (const listener of [...unauthenticated]) listener(result.error.message);
    }
    return result;
  };
  return {
    transport,
    invoke,
    call: async (channel, input) => unwrap(await invoke(channel, input)),
    subscribe: (event, listener) => bridge.subscribe(event, listener),
    onReconnect: (listener) => bridge.onReconnect?.(listener) ?? (() => undefined),
    onUnauthenticated(listener) {
      unauthenticated.add(listener);
      return () => {
        unauthenticated.delete(listener);
      };
    },
  };
}

let current: ApiClient | null = null;

export function api(): ApiClient {
  if (!current) {
    const preload = findPreloadBridge();
    current = preload ? createApiClient(preload, 'preload') : createApiClient(new HttpTransport(), 'http');
  }
  return current;
}
