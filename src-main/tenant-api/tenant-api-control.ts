import type { ApiServerStatus } from '../../src-shared/contract/api-key-channels';
import { AppError } from '../base/app-error';
import type { CallContext } from '../base/handler-types';
import { isLoopbackHost, parseListenAddress } from './listen-address';
import type { TenantApi, TenantApiCore } from './tenant-api-server';

/**
 * The console's own tenant API server (Settings → Tenant API): at most one, on a loopback
 * address (a server on the network needs TLS: `tenantctl api serve --tls-cert … --tls-key …`),
 * acting as the admin who started it. Stopped with the core.
 */
export class TenantApiControl {
  readonly #core: () => TenantApiCore;
  #running: TenantApi | null = null;
  #starting: Promise<TenantApi> | null = null;

  constructor(core: () => TenantApiCore) {
    this.#core = core;
  }

  status(): ApiServerStatus {
    return { running: this.#running !== null, url: this.#running?.url ?? null, operator: this.#running?.operator ?? null };
  }

  async start(listen: string, context: CallContext): Promise<ApiServerStatus> {
    if (this.#running || this.#starting) throw new AppError('INVALID_STATE', `The tenant API is already running${this.#running ? ` at ${this.#running.url}` : ''}: stop it first.`);
    const address = parseListenAddress(listen);
    if (!isLoopbackHost(address.host)) {
      throw new AppError('VALIDATION', 'From the console the tenant API listens on this computer only (127.0.0.1 or ::1); to serve it on the network with TLS, use `tenantctl api serve --listen … --tls-cert … --tls-key …`.');
    }
    // Fastify loads only when an API server starts.
    const { startTenantApi } = await import('./tenant-api-server');
    this.#starting = startTenantApi(this.#core(), { listen, browserToken: context.browserToken ?? null });
    try {
      this.#running = await this.#starting;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new AppError('CONFLICT', `${listen} is in use by another program: choose another port.`);
      throw error;
    } finally {
      this.#starting = null;
    }
    return this.status();
  }

  async stop(): Promise<ApiServerStatus> {
    const running = this.#running;
    this.#running = null;
    await running?.close();
    return this.status();
  }
}
