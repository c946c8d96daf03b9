import type { ChannelInput, ChannelName, ChannelOutput } from './channels';
import type { Result } from './errors';
import type { EventName, EventPayload } from './events';

/**
 * The one object the preload exposes to the renderer (window.tenantConsole), and the shape
 * the host-mode HTTP transport implements too.
 */
export interface ConsoleBridge {
  invoke<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<Result<ChannelOutput<C>>>;
  /** Returns the function that unsubscribes. */
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export const BRIDGE_GLOBAL = 'tenantConsole';
export const IPC_INVOKE_PREFIX = 'contract:';
export const IPC_EVENT_PREFIX = 'event:';
