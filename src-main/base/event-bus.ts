import { EventEmitter } from 'node:events';
import { events, type EventName, type EventPayload } from '../../src-shared/contract/events';

/** Typed fan-out of contract events to whoever listens (IPC windows, SSE clients, the CLI). */
export class EventBus {
  readonly #emitter = new EventEmitter();

  constructor() {
    this.#emitter.setMaxListeners(100);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.#emitter.emit(event, payload);
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    this.#emitter.on(event, listener);
    return () => this.#emitter.off(event, listener);
  }

  /** Every event, with its name: what the IPC and SSE bridges forward. */
  onAny(listener: (event: EventName, payload: unknown) => void): () => void {
    const names = Object.keys(events) as EventName[];
    const offs = names.map((name) => this.on(name, (payload) => listener(name, payload)));
    return () => offs.forEach((off) => off());
  }
}
