import { userInfo } from 'node:os';
import type { Logger } from 'pino';
import type { EventBus } from '../base/event-bus';
import { quoteIdent } from '../postgres/identifiers';
import { createPool } from '../postgres/pools';
import type { ServerEndpoint } from '../postgres/server-endpoint';
import { ensureTemplate } from '../tenant-schema/template';
import { closeInitdbDatabasesToPublic } from './embedded-hardening';
import { ENSURE_TENANT_GROUP_ROLE_SQL } from '../tenant-schema/privileges';
import { ENSURE_OPERATOR_GROUP_ROLES_SQL } from './operator-group-roles';
import { existingPlanTemplates, PlanTemplates } from './plan-templates';
import { SparePool } from './spare-pool';
import { applyMigrations } from '../base/migration-runner';
import { LOCK_NAMESPACE, LOCK_PLATFORM_BOOTSTRAP } from '../base/advisory-locks';
import { PLATFORM_MIGRATIONS } from './migrations';
import type { PlatformContext, TenantServer } from './platform-context';
import { Interruption } from '../base/interruption';

/**
 * Opens the platform on a server — embedded or external, one code path: creates the
 * platform database if missing (closed to PUBLIC), closes initdb's databases to PUBLIC on
 * the embedded server, applies its migrations, registers the server, and prepares the
 * tenant template.
 */
export async function openPlatform(options: {
  endpoint: ServerEndpoint;
  platformDatabase: string;
  logger: Logger;
  events: EventBus;
}): Promise<PlatformContext> {
  const { endpoint, platformDatabase, logger, events } = options;
  const adminPool = createPool(endpoint, endpoint.maintenanceDatabase, logger, 6);
  let pool: ReturnType<typeof createPool> | null = null;
  try {
    const admin = await adminPool.connect();
    let templateDatabase: string;
    let planTemplates: string[];
    try {
      // Serialised across consoles: concurrent CREATE DATABASE / GRANT on one catalog row
      // fail with "tuple concurrently updated" instead of waiting.
      await admin.query('SELECT pg_advisory_lock($1, $2)', [LOCK_NAMESPACE, LOCK_PLATFORM_BOOTSTRAP]);
      try {
        const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [platformDatabase]);
        if (exists.rowCount === 0) {
          await admin.query(`CREATE DATABASE ${quoteIdent(platformDatabase, 'platform database name')} ENCODING 'UTF8' TEMPLATE template0`);
          // Tenant roles must never reach the platform database.
          await admin.query(`REVOKE ALL ON DATABASE ${quoteIdent(platformDatabase)} FROM PUBLIC`);
        }
        if (endpoint.kind === 'embedded') {
          const closed = await closeInitdbDatabasesToPublic(admin);
          if (closed.length > 0) logger.info({ databases: closed }, 'embedded server: CONNECT and TEMPORARY revoked from PUBLIC');
        }
        templateDatabase = await ensureTemplate(endpoint, admin);
        // The group role the tenant roles are members of (privileges.ts), before any tenant needs it.
        await admin.query(ENSURE_TENANT_GROUP_ROLE_SQL);
        // The operators' group roles too (cluster-wide): created once, under this lock, before
        // any platform database's migration grants to them.
        await admin.query(ENSURE_OPERATOR_GROUP_ROLES_SQL);
        planTemplates = await existingPlanTemplates(admin, templateDatabase);
      } finally {
        await admin.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, LOCK_PLATFORM_BOOTSTRAP]).catch(() => undefined);
      }
    } finally {
      admin.release();
    }

    pool = createPool(endpoint, platformDatabase, logger, 10);
    const migrator = await pool.connect();
    try {
      const applied = await applyMigrations(migrator, PLATFORM_MIGRATIONS);
      if (applied.length > 0) logger.info({ applied }, 'platform migrations applied');
    } finally {
      migrator.release();
    }

    // Two consoles opening a new platform together: the upsert's arbiter is the one-primary
    // index, but the unique server name can collide first, so the registration is serialised.
    const registrar = await pool.connect();
    let serverId: string;
    try {
      await registrar.query('BEGIN');
      await registrar.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, LOCK_PLATFORM_BOOTSTRAP]);
      const { rows } = await registrar.query<{ id: string }>(
        `INSERT INTO servers (name, kind, host, port, admin_user, is_primary)
         VALUES ($1, $2, $3, $4, $5, true)
         ON CONFLICT (is_primary) WHERE is_primary
         DO UPDATE SET host = EXCLUDED.host, port = EXCLUDED.port, admin_user = EXCLUDED.admin_user,
                       kind = EXCLUDED.kind, name = EXCLUDED.name, updated_at = now()
         RETURNING id`,
        [endpoint.name, endpoint.kind, endpoint.publicHost, endpoint.port, endpoint.adminUser],
      );
      await registrar.query('COMMIT');
      serverId = rows[0]!.id;
    } catch (error) {
      await registrar.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      registrar.release();
    }
    const server = { endpoint, adminPool, templateDatabase };
    const templates = new PlanTemplates(server, logger, planTemplates);
    const spares = new SparePool({ adminPool, planTemplates: templates }, platformDatabase, logger);
    const primary: TenantServer = { id: serverId, ...server, planTemplates: templates, spares };
    const platformPool = pool;
    return {
      platformDatabase,
      pool: platformPool,
      ownerPool: platformPool,
      primary,
      logger,
      events,
      operator: `${endpoint.adminUser} (${userInfo().username})`,
      interruption: new Interruption(),
      serverById(id) {
        if (id === primary.id) return primary;
        throw new Error(`Server ${id} is not connected to this console.`);
      },
    };
  } catch (error) {
    await pool?.end().catch(() => undefined);
    await adminPool.end().catch(() => undefined);
    throw error;
  }
}

export async function closePlatform(context: PlatformContext): Promise<void> {
  // A spare or a plan template being built in the background finishes before its pool
  // closes (the spares first: a refill may be waiting for a plan template).
  await context.primary.spares?.close();
  await context.primary.planTemplates?.close();
  await context.pool.end().catch(() => undefined);
  await context.primary.adminPool.end().catch(() => undefined);
}
