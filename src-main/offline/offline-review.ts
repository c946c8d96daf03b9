import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { channels, type ChannelName } from '../../src-shared/contract/channels';
import type { ChannelDefinition } from '../../src-shared/contract/channel-definition';
import type { ConsoleStatus, UsageSnapshotRow } from '../../src-shared/contract/offline-models';
import type { LocalCache } from '../cache/open-cache';
import { AppError, isAppError } from '../base/app-error';
import type { Handler, Handlers } from '../base/handler-types';
import type { EventBus } from '../base/event-bus';
import type { PlatformContext } from '../platform/platform-context';
import { isConnectionFailure } from '../postgres/errors';
import { createPool } from '../postgres/pools';
import { listAllTenantDetails } from '../tenants/tenant-queries';
import { getTenant } from '../tenants/tenant-queries';
import { ConnectivityMonitor } from './connectivity';
import { usageFleet } from '../usage/fleet-queries';
import { fleetKey, SNAPSHOT_READERS, SNAPSHOT_WRITERS, type SnapshotSaver } from './snapshot-channels';
import { readUsageSnapshot } from './usage-snapshot-rows';
import { SnapshotStore, type SnapshotSetName } from './snapshot-store';

/** The fleet dashboard's two windows (the usage:fleet input): both kept after every collection. */
const USAGE_FLEET_DAYS = [30, 90] as const;

export const OFFLINE_REFUSAL = 'Offline — the platform database is not answering; this action needs it.';

export interface OfflineReviewOptions {
  readonly platform: PlatformContext;
  readonly cache: LocalCache | null;
  readonly events: EventBus;
  readonly logger: Logger;
  /** What else wakes up when the database answers again (the audit outbox). */
  readonly onOnline?: () => void;
  readonly probeIntervalMs?: number;
  readonly probeMaxIntervalMs?: number;
  readonly probeTimeoutMs?: number;
  /** A full tenants snapshot at most this often (default 30 s); single tenants are saved as read. */
  readonly snapshotMinIntervalMs?: number;
  /** The console opened without reaching the database (why): it starts offline. */
  readonly startedOffline?: string;
  /** Run once, when the database first answers after an offline start; the console is online only after it succeeded. */
  readonly bootstrap?: () => Promise<void>;
}

/** Connectivity plus the snapshots: how the console keeps working without its database. */
export interface OfflineReview {
  readonly connectivity: ConnectivityMonitor;
  /** Null when the local cache is refused: nothing can be served offline then. */
  readonly store: SnapshotStore | null;
  status(): ConsoleStatus;
  /** Keeps usage rows for offline review (as given). */
  saveUsageSnapshot(rows: readonly UsageSnapshotRow[]): void;
  /**
   * The usage collector's hook: reads the day's rows and every tenant's limits back as the
   * dashboards read them, and keeps the fleet dashboard (30 and 90 days) as answered now.
   */
  refreshUsage(usageDate: string): Promise<void>;
  /** Saves every tenant now (or joins a save in progress). */
  refreshTenants(): Promise<void>;
  /** Gates every handler: refusals while offline or under review, snapshot answers, snapshot refreshes. */
  wrap(handlers: Handlers): Handlers;
  handlers(): Pick<Handlers, 'console:status' | 'snapshot:export' | 'snapshot:import' | 'snapshot:closeReview'>;
  close(): Promise<void>;
}

const isUnavailable = (error: unknown) => isConnectionFailure(error) || (isAppError(error) && error.code === 'DATABASE_UNAVAILABLE');

export function createOfflineReview(options: OfflineReviewOptions): OfflineReview {
  const { platform, cache, events, logger } = options;
  const store = cache ? new SnapshotStore(cache.db, { consoleId: cache.consoleId, consoleLabel: hostname() }) : null;
  const minInterval = options.snapshotMinIntervalMs ?? 30_000;
  let lastFullSave = 0;
  let saving: Promise<void> | null = null;

  const status = (): ConsoleStatus => ({
    ...connectivity.state,
    snapshotAt: store?.liveTenantsAt() ?? null,
    review: store?.review() ?? null,
  });
  const announce = () => events.emit('console:connectivity', status());

  const refreshTenants = (): Promise<void> => {
    if (!store) return Promise.resolve();
    saving ??= (async () => {
      const takenAt = new Date().toISOString();
      store.saveTenants(await listAllTenantDetails(platform.pool), takenAt);
      lastFullSave = Date.now();
    })()
      .catch((error: unknown) => logger.warn({ err: error }, 'saving the tenants snapshot failed'))
      .finally(() => {
        saving = null;
      });
    return saving;
  };

  // Its own one-connection pool: a platform pool busy with long work must not look like an outage.
  const probePool = createPool(platform.primary.endpoint, platform.platformDatabase, logger, 1);
  let bootstrap = options.bootstrap ?? null;
  // One bootstrap at a time: a slow one (building the tenant template) outlives a probe's timeout.
  let bootstrapping: Promise<void> | null = null;
  const connectivity = new ConnectivityMonitor({
    probe: async () => {
      await probePool.query('SELECT 1');
      if (bootstrap) {
        const run = bootstrap;
        bootstrapping ??= run()
          .then(() => {
            bootstrap = null;
          })
          .finally(() => {
            bootstrapping = null;
          });
        await bootstrapping;
      }
    },
    ...(options.startedOffline ? { initial: { online: false, reason: options.startedOffline } } : {}),
    onChange: (state) => {
      logger.info({ online: state.online, reason: state.reason }, state.online ? 'platform database answers again' : 'platform database not answering; offline');
      if (state.online) {
        options.onOnline?.();
        void refreshTenants();
      }
      announce();
    },
    ...(options.probeIntervalMs !== undefined ? { intervalMs: options.probeIntervalMs } : {}),
    ...(options.probeMaxIntervalMs !== undefined ? { maxIntervalMs: options.probeMaxIntervalMs } : {}),
    ...(options.probeTimeoutMs !== undefined ? { timeoutMs: options.probeTimeoutMs } : {}),
  });
  connectivity.start();

  const saver: SnapshotSaver | null = store
    ? {
        store,
        refreshTenantsSoon: () => {
          if (Date.now() - lastFullSave >= minInterval) void refreshTenants();
        },
      }
    : null;

  // A tenant changed by this console: keep its row in the snapshot current without a full save.
  const offChanged = events.on('tenant:changed', ({ tenantCode }) => {
    if (!store || !store.liveTenantsAt() || !connectivity.online) return;
    getTenant(platform.pool, tenantCode)
      .then((tenant) => store.upsertTenant(tenant, new Date().toISOString()))
      .catch((error: unknown) => logger.warn({ err: error, tenantCode }, 'saving a changed tenant to the snapshot failed'));
  });

  const readFromSnapshot = <C extends ChannelName>(channel: C, set: SnapshotSetName, input: unknown) => {
    const reader = SNAPSHOT_READERS[channel] as ((s: SnapshotStore, set: SnapshotSetName, input: unknown) => unknown) | undefined;
    if (!store) throw new AppError('DATABASE_UNAVAILABLE', `${OFFLINE_REFUSAL} The local cache is not open, so nothing saved can be shown.`);
    return reader!(store, set, input);
  };

  const gate = <C extends ChannelName>(channel: C, handler: Handler<C>): Handler<C> => {
    const definition: ChannelDefinition = channels[channel];
    const hasReader = channel in SNAPSHOT_READERS;
    const writer = SNAPSHOT_WRITERS[channel] as ((s: SnapshotSaver, input: unknown, output: unknown) => void) | undefined;
    return async (input, context) => {
      const review = store?.review() ?? null;
      if (definition.mutates && !definition.localOnly) {
        if (review) {
          throw new AppError('INVALID_STATE', `Reviewing snapshot from ${review.consoleLabel} as of ${review.takenAt} — read-only. Close the review to make changes.`);
        }
        if (!connectivity.online) throw new AppError('DATABASE_UNAVAILABLE', OFFLINE_REFUSAL);
      }
      if (hasReader && review) return readFromSnapshot(channel, 'imported', input) as Awaited<ReturnType<Handler<C>>>;
      if (hasReader && !connectivity.online) return readFromSnapshot(channel, 'live', input) as Awaited<ReturnType<Handler<C>>>;
      try {
        const output = await handler(input, context);
        if (writer && saver) {
          try {
            writer(saver, input, output);
          } catch (error) {
            logger.warn({ err: error, channel }, 'saving to the snapshot failed');
          }
        }
        return output;
      } catch (error) {
        if (!isUnavailable(error) || definition.localOnly) throw error;
        // Is it the platform database (offline), or only one tenant server? The probe says.
        const state = await connectivity.check();
        if (!state.online && hasReader) return readFromSnapshot(channel, 'live', input) as Awaited<ReturnType<Handler<C>>>;
        if (!state.online && definition.mutates) throw new AppError('DATABASE_UNAVAILABLE', OFFLINE_REFUSAL);
        throw error;
      }
    };
  };

  return {
    connectivity,
    store,
    status,
    saveUsageSnapshot: (rows) => store?.saveUsageSnapshot(rows),
    async refreshUsage(usageDate) {
      if (!store) return;
      const [{ rows, limits }, ...fleets] = await Promise.all([
        readUsageSnapshot(platform.pool, usageDate),
        ...USAGE_FLEET_DAYS.map((days) => usageFleet(platform.pool, days)),
      ]);
      const savedAt = new Date().toISOString();
      store.saveUsageSnapshot(rows, savedAt);
      store.saveLimits(limits, savedAt);
      fleets.forEach((fleet, i) => store.saveResponse('usage:fleet', fleetKey(USAGE_FLEET_DAYS[i]!), fleet, savedAt));
    },
    refreshTenants,
    wrap(handlers) {
      const wrapped: Record<string, unknown> = {};
      for (const [channel, handler] of Object.entries(handlers)) wrapped[channel] = gate(channel as ChannelName, handler as Handler<ChannelName>);
      return wrapped as unknown as Handlers;
    },
    handlers() {
      const needStore = () => {
        if (!store) throw new AppError('INVALID_STATE', 'The local cache is not open, so there are no snapshots.');
        return store;
      };
      return {
        'console:status': async () => status(),
        'snapshot:export': async () => {
          const snapshots = needStore();
          // Online: export what the registry holds now, not the last throttled save.
          if (connectivity.online) await refreshTenants();
          const { file, fileName } = snapshots.exportLive();
          return { fileName, content: JSON.stringify(file), takenAt: file.tenantsAt, tenantCount: file.tenants.length, usageRowCount: file.usage.length };
        },
        'snapshot:import': async ({ content, fileName }) => {
          const result = needStore().importFile(content, fileName ?? null);
          announce();
          return result;
        },
        'snapshot:closeReview': async () => {
          needStore().closeReview();
          announce();
          return status();
        },
      };
    },
    async close() {
      connectivity.stop();
      offChanged();
      await probePool.end().catch(() => undefined);
    },
  };
}
