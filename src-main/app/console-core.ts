import { join } from 'node:path';
import { version as packageVersion } from '../../package.json';
import type { AppInfo } from '../../src-shared/contract/models';
import { resolveDataDir, resolveDatabaseUrl, resolvePlatformDatabase } from '../config/environment';
import { openFileLog, type Logger } from '../logging/logger';
import { closePlatform, openPlatform } from '../platform/bootstrap';
import { EmbeddedCluster } from '../postgres/embedded-cluster';
import { endpointFromUrl, type ServerEndpoint } from '../postgres/server-endpoint';
import { FileSecretStore } from '../secrets/file-secret-store';
import type { SecretStore } from '../secrets/secret-store';
import { TENANT_SCHEMA_VERSION } from '../tenant-schema/template';
import { reconcile } from '../operations/reconcile';
import { RECONCILERS } from './reconcilers';
import { spareWants } from '../tenants/spare-wants';
import { createDispatch } from './dispatch';
import type { Dispatch } from '../base/handler-types';
import { EventBus } from '../base/event-bus';
import { createHandlers } from './handlers';
import type { PlatformContext } from '../platform/platform-context';
import { userInfo } from 'node:os';
import { createAuditService, type AuditService } from '../audit/audit-service';
import { cacheFileIn, openCache, type CacheStatus, type LocalCache } from '../cache/open-cache';
import { UsageScheduler } from '../usage/usage-scheduler';
import { UsageService } from '../usage/usage-service';
import { createOfflineReview, type OfflineReview, type OfflineReviewOptions } from '../offline/offline-review';
import { adoptPlatform, offlinePlatformContext } from '../offline/offline-platform';
import { isConnectionFailure } from '../postgres/errors';
import type { BackupContext } from '../backup/backup-context';
import { runScheduledDeletions } from '../backup/delete-tenant';
import { pruneBackups } from '../backup/prune-backups';
import type { InterruptibleWork } from '../base/interruption';
import { JobRegistry } from '../jobs/job-registry';
import { MaintenanceScheduler } from '../jobs/maintenance-scheduler';
import { stripeEndpointFromEnvironment, type BillingContext } from '../billing/billing-context';
import { clockFromEnvironment, type Clock } from '../billing/clock';
import { BillingScheduler } from '../billing/lifecycle/billing-scheduler';
import { OnboardingScheduler } from '../signups/onboarding-scheduler';
import { recordOnboardingFromUsage } from '../signups/onboarding-from-usage';
import { OperatorSessions } from '../operators/operator-sessions';
import type { OperatorSession } from '../operators/operator-session';
import { operatorContext, ownerContextFor } from '../operators/operator-context';
import { PRIVILEGED_CHANNELS } from '../operators/privileged-channels';
import { decideCall } from '../operators/authorize';
import { createOperatorHandlers, createSessionHandlers } from '../operators/operator-handlers';
import { readSetting } from '../settings/settings-store';
import type { Handlers } from '../base/handler-types';
import { TenantApiControl } from '../tenant-api/tenant-api-control';
import { closeCheckLimitPools } from '../plans/check-limit';
import type { ApiRoute } from '../tenant-api/api-route';
import { signupRoutes } from './signup-routes';

export interface ConsoleCoreOptions {
  readonly mode: AppInfo['mode'];
  /** Defaults to TENANT_CONSOLE_DATA_DIR, then the OS app-data folder. */
  readonly dataDir?: string;
  /** An external server's admin URL; defaults to TENANT_CONSOLE_DATABASE_URL; unset = embedded. */
  readonly databaseUrl?: string | null;
  /** Defaults to TENANT_CONSOLE_PLATFORM_DATABASE, then tenant_platform. */
  readonly platformDatabase?: string;
  /** Defaults to a mode-0600 file in the data folder; the desktop app passes safeStorage. */
  readonly secretStore?: SecretStore;
  readonly appVersion?: string;
  readonly logger?: Logger;
  /** Reconcile unfinished operations at start-up (default true). */
  readonly reconcileOnStart?: boolean;
  /** The local SQLite cache; defaults to cache.sqlite in the data folder (one per installation). */
  readonly cacheFile?: string;
  /** Electron's build of better-sqlite3; unset under plain Node. */
  readonly sqliteNativeBinding?: string;
  /** Collect usage on a schedule while the console runs (default: not for the CLI, which cron drives). */
  readonly usageSchedule?: boolean;
  /** Scheduled deletions and backup pruning while the console runs (default: not for the CLI). */
  readonly maintenanceSchedule?: boolean;
  /** Probe and snapshot timings; the probe period also reads TENANT_CONSOLE_PROBE_INTERVAL_MS, its offline back-off cap TENANT_CONSOLE_PROBE_MAX_INTERVAL_MS. */
  readonly offline?: Pick<OfflineReviewOptions, 'probeIntervalMs' | 'probeMaxIntervalMs' | 'probeTimeoutMs' | 'snapshotMinIntervalMs'>;
  /**
   * An external server that does not answer at start: open on the local cache (offline
   * review) and connect when it answers (default true). Embedded servers start or fail.
   */
  readonly startOffline?: boolean;
  /**
   * Where the TENANT_CONSOLE_* settings are read (default process.env): an in-process CLI
   * run passes its own, so two runs in one process never share configuration.
   */
  readonly env?: NodeJS.ProcessEnv;
  /** Billing's clock: tests and drills move time (default TENANT_CONSOLE_NOW, then the system clock). */
  readonly clock?: Clock;
  /** Run the billing lifecycle jobs on a schedule while the console runs (default: not for the CLI, which cron drives). */
  readonly billingSchedule?: boolean;
  /**
   * Keep spare tenant databases ready while the console runs, so provisioning renames one
   * instead of cloning (default: not for the CLI, whose one-off commands still take spares a
   * running console keeps). How many: the spare_databases_per_plan setting.
   */
  readonly spareDatabases?: boolean;
}

export interface ConsoleCore {
  readonly dispatch: Dispatch;
  readonly events: EventBus;
  readonly info: AppInfo;
  readonly dataDir: string;
  readonly logger: Logger;
  /** For tests and benchmarks that need the platform's pools directly. */
  readonly platform: PlatformContext;
  /** The local cache (null when refused: see cacheStatus). */
  readonly cache: LocalCache | null;
  readonly cacheStatus: CacheStatus;
  /** The audit log: `audit.record({...})` audits work that is not a contract call. */
  readonly audit: AuditService;
  /** Usage collection; `usage.onCollected` is the in-process hook for snapshots of every row. */
  readonly usage: UsageService;
  /** Connectivity and snapshots: `offline.saveUsageSnapshot(rows)` keeps collected usage for offline review. */
  readonly offline: OfflineReview;
  /** Billing: the clock, secrets and services the lifecycle job and invoicing use. */
  readonly billing: BillingContext;
  /** Who is signed in: the current operator (desktop, CLI) and host mode's browser sessions. */
  readonly sessions: OperatorSessions;
  /** Other modules' tenant API routes (the sign-up module's): every tenant API server of this core serves them. */
  readonly apiRoutes: readonly ApiRoute[];
  /**
   * The process was told to stop: running jobs are cancelled and journaled operations stop
   * at their next step (undone, or left for reconcile). Returns what ran and how it ended
   * once the caller has let the work settle (see the CLI session).
   */
  interrupt(reason: string): void;
  /** What ran in this core and how it ended (for "what was left" after an interruption). */
  interruptedWork(): readonly InterruptibleWork[];
  close(): Promise<void>;
}

export const CONSOLE_VERSION: string = packageVersion;

const AUDIT_DRAIN_ON_CLOSE_MS = 3_000;

/**
 * Opens the console's core: the server (embedded, or the configured external one — the
 * same code path afterwards), the platform database and its migrations, the handler
 * registry. Used unchanged by the desktop app, host mode, the CLI and the tests.
 */
export async function openConsoleCore(options: ConsoleCoreOptions): Promise<ConsoleCore> {
  const env = options.env ?? process.env;
  const dataDir = resolveDataDir(options.dataDir, env);
  // A log file this core opened is closed with it (one process may open many cores: tests, in-process CLI runs).
  const ownLog = options.logger ? null : openFileLog(dataDir, options.mode, env);
  const logger = options.logger ?? ownLog!.logger;
  const secretStore = options.secretStore ?? new FileSecretStore(join(dataDir, 'secrets.json'));
  const databaseUrl = resolveDatabaseUrl(options.databaseUrl, env);
  const events = new EventBus();
  // The cache opens first and whatever the server does: it is what works offline.
  const cacheOpening = openCache({
    file: options.cacheFile ?? cacheFileIn(dataDir),
    logger,
    ...(options.sqliteNativeBinding ? { nativeBinding: options.sqliteNativeBinding } : {}),
  });
  const cache = cacheOpening.cache;

  let cluster: EmbeddedCluster | null = null;
  let endpoint: ServerEndpoint;
  if (databaseUrl) {
    endpoint = endpointFromUrl(databaseUrl);
  } else {
    cluster = new EmbeddedCluster({ dataDir, secretStore, logger });
    endpoint = await cluster.acquire().catch((error: unknown) => {
      cache?.close();
      ownLog?.close();
      throw error;
    });
  }

  const platformOptions = { endpoint, platformDatabase: options.platformDatabase ?? resolvePlatformDatabase(env), logger, events };
  let platform: PlatformContext;
  // Set when an external server did not answer at start: the console opens on its cache.
  let startedOffline: string | null = null;
  try {
    platform = await openPlatform(platformOptions);
  } catch (error) {
    if (!cluster && cache && isConnectionFailure(error) && options.startOffline !== false) {
      startedOffline = `The platform database is not answering (${(error as Error).message.split('\n')[0]}).`;
      logger.warn({ err: error }, 'platform database not answering at start; opening offline on the local cache');
      platform = offlinePlatformContext(platformOptions);
    } else {
      await cluster?.release().catch(() => undefined);
      cache?.close();
      ownLog?.close();
      throw error;
    }
  }

  const serverVersion = async () =>
    (await platform.pool.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? 'unknown';
  const info: AppInfo = {
    version: options.appVersion ?? CONSOLE_VERSION,
    mode: options.mode,
    server: { kind: endpoint.kind, host: endpoint.publicHost, port: endpoint.port, serverVersion: startedOffline ? 'unknown (offline)' : await serverVersion() },
    platformDatabase: platform.platformDatabase,
    tenantSchemaVersion: TENANT_SCHEMA_VERSION,
  };

  const reconcileOnStart = options.reconcileOnStart ?? true;
  if (reconcileOnStart && !startedOffline) {
    await reconcile(platform, RECONCILERS).catch((error) => logger.error({ err: error }, 'start-up reconcile failed'));
  }
  // The platform pool stays the same when a console that started offline adopts the real platform.
  const keepSpares = () => {
    if (options.spareDatabases ?? options.mode !== 'cli') platform.primary.spares?.keep({ pool: platform.pool, wants: () => spareWants(platform.pool) });
  };
  if (!startedOffline) keepSpares();

  const audit = createAuditService({
    cache,
    cacheStatus: cacheOpening.status,
    pool: platform.pool,
    identity: { operator: endpoint.adminUser, osUser: userInfo().username },
    logger,
  });

  // Who acts: the operator signed in at start (first run's local admin, TENANT_CONSOLE_OPERATOR,
  // a remembered sign-in), or nobody yet — the sign-in screen or `tenantctl login` is next.
  // False while an offline start has not reached the server: nobody can sign in, the cache answers reads.
  let signInPossible = !startedOffline;
  const sessions = new OperatorSessions({
    platform,
    secrets: secretStore,
    env,
    idleMinutes: () => readSetting(platform.pool, 'sessionIdleMinutes'),
  });
  if (!startedOffline) {
    try {
      await sessions.startCurrent();
    } catch (error) {
      await sessions.close();
      await closePlatform(platform);
      await cluster?.release().catch(() => undefined);
      cache?.close();
      ownLog?.close();
      throw error;
    }
  }

  const usage = new UsageService(platform);
  const scheduler = (options.usageSchedule ?? options.mode !== 'cli') ? new UsageScheduler(platform, usage) : null;
  scheduler?.start();

  const probeFromEnv = Number(env.TENANT_CONSOLE_PROBE_INTERVAL_MS);
  const probeMaxFromEnv = Number(env.TENANT_CONSOLE_PROBE_MAX_INTERVAL_MS);
  const offline = createOfflineReview({
    platform,
    cache,
    events,
    logger,
    // The outbox drains as soon as the database answers again, not at the pusher's next retry.
    onOnline: () => audit.pusher?.retryNow(),
    // Started offline: the first time the server answers, finish what the start skipped.
    ...(startedOffline
      ? {
          startedOffline,
          bootstrap: async () => {
            await adoptPlatform(platform, await openPlatform(platformOptions));
            (info.server as { serverVersion: string }).serverVersion = await serverVersion();
            if (!sessions.current) await sessions.startCurrent().catch((error) => logger.warn({ err: error }, 'signing in after reconnecting failed'));
            signInPossible = true;
            if (reconcileOnStart) await reconcile(platform, RECONCILERS).catch((error) => logger.error({ err: error }, 'reconcile after reconnecting failed'));
            keepSpares();
          },
        }
      : {}),
    ...(Number.isFinite(probeFromEnv) && probeFromEnv > 0 ? { probeIntervalMs: probeFromEnv } : {}),
    ...(Number.isFinite(probeMaxFromEnv) && probeMaxFromEnv > 0 ? { probeMaxIntervalMs: probeMaxFromEnv } : {}),
    ...options.offline,
  });

  // Every collected figure is kept in the local cache too, for offline review; a scheduled
  // run is audited here (runs asked for through the contract are audited by dispatch).
  usage.onCollected(async (collection) => {
    await offline.refreshUsage(collection.summary.usageDate);
    if (collection.summary.trigger === 'schedule') {
      await audit.record({ action: 'usage:collect', details: collection.summary, outcome: 'ok' });
    }
  });
  // The onboarding checklist's sign-in, company and transaction milestones, from the same read.
  usage.onCollected((collection) => recordOnboardingFromUsage(platform.pool, collection));

  const backups: BackupContext = { ctx: platform, dataDir, jobs: new JobRegistry(), secrets: secretStore };
  const maintenance =
    (options.maintenanceSchedule ?? options.mode !== 'cli')
      ? new MaintenanceScheduler(platform, audit, [
          { name: 'scheduled-deletions', run: () => runScheduledDeletions(backups) },
          { name: 'prune-backups', run: () => pruneBackups(backups) },
        ])
      : null;
  maintenance?.start();

  const billing: BillingContext = {
    ctx: platform,
    secrets: secretStore,
    clock: options.clock ?? clockFromEnvironment(env),
    audit,
    backups,
    dataDir,
    stripeEndpoint: stripeEndpointFromEnvironment(env),
  };
  // Interval from the billing_job_interval_minutes setting; the platform lock keeps runs single.
  const billingScheduler = (options.billingSchedule ?? options.mode !== 'cli') ? new BillingScheduler(billing) : null;
  billingScheduler?.start();
  // Stalled-trial nudges, welcome retries and interrupted sign-ups: with billing's schedule (cron runs `jobs run` for the CLI).
  const onboardingScheduler = (options.billingSchedule ?? options.mode !== 'cli') ? new OnboardingScheduler(billing) : null;
  onboardingScheduler?.start();

  // The console's own tenant API server; it needs the finished core (its dispatch), made below.
  let self: ConsoleCore | null = null;
  const tenantApi = new TenantApiControl(() => self!);

  // One dispatch per caller: the handlers run on that operator's own connection.
  const canRemember = secretStore.kind === 'electron-safe-storage';
  const dispatchFor = (session: OperatorSession | null): Dispatch => {
    const access = { ...createSessionHandlers(sessions, session, { canRemember }), ...createOperatorHandlers(platform, sessions, session?.operator ?? null) };
    const handlersOn = (ctx: PlatformContext): Handlers => {
      const sessionBackups: BackupContext = { ...backups, ctx };
      const sessionBilling: BillingContext = { ...billing, ctx, backups: sessionBackups };
      return createHandlers(ctx, info, { usage, audit, backups: sessionBackups, offline, billing: sessionBilling, tenantApi }, access);
    };
    const asOperator = handlersOn(session ? operatorContext(platform, session) : platform);
    const asOwner = session ? handlersOn(ownerContextFor(platform, session)) : asOperator;
    const privileged = Object.fromEntries(Object.keys(PRIVILEGED_CHANNELS).map((channel) => [channel, asOwner[channel as keyof Handlers]]));
    const handlers: Handlers = offline.wrap({ ...asOperator, ...privileged } as Handlers);
    return createDispatch(handlers, logger, audit, (channel, context) =>
      decideCall(channel, context, session, { offlineWithoutSession: !signInPossible, offline: !offline.connectivity.online, mustChangePassword: session ? sessions.mustChangePassword(session) : false }),
    );
  };
  const dispatchers = new WeakMap<OperatorSession, Dispatch>();
  const anonymousDispatch = dispatchFor(null);
  const dispatch: Dispatch = async (channel, rawInput, context) => {
    const session = await sessions.resolve(context.browserToken);
    if (!session) return anonymousDispatch(channel, rawInput, context);
    let forSession = dispatchers.get(session);
    if (!forSession) dispatchers.set(session, (forSession = dispatchFor(session)));
    return forSession(channel, rawInput, context);
  };

  let closed = false;
  self = {
    dispatch,
    events,
    info,
    dataDir,
    logger,
    platform,
    cache,
    cacheStatus: cacheOpening.status,
    audit,
    usage,
    offline,
    billing,
    sessions,
    apiRoutes: signupRoutes(billing),
    interrupt(reason) {
      platform.interruption?.interrupt(reason);
      backups.jobs.cancelAll();
    },
    interruptedWork: () => platform.interruption?.work() ?? [],
    async close() {
      if (closed) return;
      closed = true;
      await tenantApi.stop();
      await closeCheckLimitPools();
      await scheduler?.stop();
      await maintenance?.stop();
      await billingScheduler?.stop();
      await onboardingScheduler?.stop();
      await offline.close();
      await sessions.close();
      // A one-off CLI command's events reach the platform now rather than at the next start.
      await audit.close(AUDIT_DRAIN_ON_CLOSE_MS);
      await closePlatform(platform);
      await cluster?.release().catch((error) => logger.error({ err: error }, 'releasing the embedded server failed'));
      cache?.close();
      logger.flush?.();
      ownLog?.close();
    },
  };
  return self;
}
