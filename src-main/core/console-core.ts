import { join } from 'node:path';
import { version as packageVersion } from '../../package.json';
import type { AppInfo } from '../../src-shared/contract/models';
import { resolveDataDir, resolveDatabaseUrl, resolvePlatformDatabase } from '../config/environment';
import { createFileLogger, type Logger } from '../logging/logger';
import { closePlatform, openPlatform } from '../platform/bootstrap';
import { EmbeddedCluster } from '../postgres/embedded-cluster';
import { endpointFromUrl, type ServerEndpoint } from '../postgres/server-endpoint';
import { FileSecretStore } from '../secrets/file-secret-store';
import type { SecretStore } from '../secrets/secret-store';
import { TENANT_SCHEMA_VERSION } from '../tenant-schema/template';
import { reconcile } from '../tenants/reconcile';
import { createDispatch, type Dispatch } from './dispatch';
import { EventBus } from './event-bus';
import { createHandlers } from './handlers';
import type { PlatformContext } from '../platform/platform-context';
import { userInfo } from 'node:os';
import { createAuditService, type AuditService } from '../audit/audit-service';
import { cacheFileIn, openCache, type CacheStatus, type LocalCache } from '../cache/open-cache';

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
  const dataDir = resolveDataDir(options.dataDir);
  const logger = options.logger ?? createFileLogger(dataDir, options.mode);
  const secretStore = options.secretStore ?? new FileSecretStore(join(dataDir, 'secrets.json'));
  const databaseUrl = resolveDatabaseUrl(options.databaseUrl);
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
      throw error;
    });
  }

  let platform: PlatformContext;
  try {
    platform = await openPlatform({ endpoint, platformDatabase: options.platformDatabase ?? resolvePlatformDatabase(), logger, events });
  } catch (error) {
    await cluster?.release().catch(() => undefined);
    cache?.close();
    throw error;
  }

  const { rows } = await platform.pool.query<{ server_version: string }>('SHOW server_version');
  const info: AppInfo = {
    version: options.appVersion ?? CONSOLE_VERSION,
    mode: options.mode,
    server: { kind: endpoint.kind, host: endpoint.publicHost, port: endpoint.port, serverVersion: rows[0]?.server_version ?? 'unknown' },
    platformDatabase: platform.platformDatabase,
    tenantSchemaVersion: TENANT_SCHEMA_VERSION,
  };

  if (options.reconcileOnStart ?? true) {
    await reconcile(platform).catch((error) => logger.error({ err: error }, 'start-up reconcile failed'));
  }

  const audit = createAuditService({
    cache,
    cacheStatus: cacheOpening.status,
    pool: platform.pool,
    identity: { operator: endpoint.adminUser, osUser: userInfo().username },
    logger,
  });

  let closed = false;
  return {
    dispatch: createDispatch(createHandlers(platform, info, { audit, dataDir }), logger, audit),
    events,
    info,
    dataDir,
    logger,
    platform,
    cache,
    cacheStatus: cacheOpening.status,
    audit,
    async close() {
      if (closed) return;
      closed = true;
      // A one-off CLI command's events reach the platform now rather than at the next start.
      await audit.close(AUDIT_DRAIN_ON_CLOSE_MS);
      await closePlatform(platform);
      await cluster?.release().catch((error) => logger.error({ err: error }, 'releasing the embedded server failed'));
      cache?.close();
      logger.flush?.();
    },
  };
}
