import { userInfo } from 'node:os';
import type { Logger } from 'pino';
import { AppError } from '../base/app-error';
import type { EventBus } from '../base/event-bus';
import type { PlatformContext, TenantServer } from '../platform/platform-context';
import { createPool } from '../postgres/pools';
import type { ServerEndpoint } from '../postgres/server-endpoint';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The platform as seen by a console that started while its (external) server did not
 * answer: real pools to the right server and database, which fail until it answers, and no
 * registered server yet. Every handler works against it unchanged — reads are answered
 * from the snapshot and changes refused by the offline gate until `adoptPlatform` runs.
 */
export function offlinePlatformContext(options: { endpoint: ServerEndpoint; platformDatabase: string; logger: Logger; events: EventBus }): PlatformContext {
  const { endpoint, platformDatabase, logger, events } = options;
  const primary: TenantServer = { id: '', endpoint, adminPool: createPool(endpoint, endpoint.maintenanceDatabase, logger, 2), templateDatabase: '' };
  const pool = createPool(endpoint, platformDatabase, logger, 10);
  return {
    platformDatabase,
    pool,
    ownerPool: pool,
    primary,
    logger,
    events,
    operator: `${endpoint.adminUser} (${userInfo().username})`,
    serverById() {
      throw new AppError('DATABASE_UNAVAILABLE', 'The platform database has not answered since the console started.');
    },
  };
}

/**
 * Turns the stand-in into the real platform once `openPlatform` succeeded. Handlers read the
 * context's fields at each call, so they all see the registered server from now on; the
 * stand-in's platform pool stays (the audit pusher holds it, and it reaches the same database).
 */
export async function adoptPlatform(standIn: PlatformContext, real: PlatformContext): Promise<void> {
  const oldAdminPool = standIn.primary.adminPool;
  Object.assign(standIn as Mutable<PlatformContext>, { primary: real.primary, serverById: real.serverById.bind(real) });
  await real.pool.end().catch(() => undefined);
  await oldAdminPool.end().catch(() => undefined);
}
