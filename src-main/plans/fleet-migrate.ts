import pLimit from 'p-limit';
import type { FleetMigrateReport, FleetStatus } from '../../src-shared/contract/plan-models';
import { applyMigrations } from '../base/migration-runner';
import { LONG_TENANT_WORK, withClient } from '../postgres/pools';
import type { PlatformContext } from '../platform/platform-context';
import type { Migration } from '../base/migration-runner';
import { TENANT_MIGRATIONS } from '../tenant-schema/migrations';
import { grantTenantPrivileges } from '../tenant-schema/privileges';
import { markSchemaMigrated } from '../tenants/tenant-writes';
import { limitsSpecFor } from '../limits/limits-spec';
import { pushLimits } from '../limits/push-limits';
import { syncConnectionLimits } from './connection-limit-sync';

export const FLEET_MIGRATE_CONCURRENCY = 4;

export interface FleetMigrateOptions {
  readonly concurrency?: number;
  /** For tests: the migrations to apply (default: TENANT_MIGRATIONS). */
  readonly migrations?: readonly Migration[];
  readonly onProgress?: (done: number, total: number, tenantCode: string, failed: boolean) => void;
}

interface Candidate {
  id: string;
  tenant_code: string;
  plan_code: string;
  plan_version: number;
  server_id: string;
  database_name: string;
  db_role: string;
  schema_version: number | null;
}

/** Tenants whose database is not recorded at `version`: what a (re)run still has to do. */
export async function outOfDateTenants(ctx: PlatformContext, version: number): Promise<Candidate[]> {
  const { rows } = await ctx.pool.query<Candidate>(
    `SELECT id, tenant_code, plan_code, plan_version, server_id, database_name, db_role, schema_version FROM tenants
      WHERE status NOT IN ('deleted', 'provisioning') AND schema_version IS DISTINCT FROM $1 ORDER BY tenant_code`,
    [version],
  );
  return rows;
}

const STATUS_LIST_LIMIT = 200;

/** What a fleet migration would do now: how many tenant databases are behind `version`, and which. */
export async function fleetStatus(ctx: PlatformContext, version = Math.max(...TENANT_MIGRATIONS.map((m) => m.version))): Promise<FleetStatus> {
  const { rows: countRows } = await ctx.pool.query<{ total: number; behind: number }>(
    `SELECT count(*)::int AS total, (count(*) FILTER (WHERE schema_version IS DISTINCT FROM $1))::int AS behind
       FROM tenants WHERE status NOT IN ('deleted', 'provisioning')`,
    [version],
  );
  const { rows } = await ctx.pool.query<{ tenant_code: string; schema_version: number | null }>(
    `SELECT tenant_code, schema_version FROM tenants
      WHERE status NOT IN ('deleted', 'provisioning') AND schema_version IS DISTINCT FROM $1 ORDER BY tenant_code LIMIT $2`,
    [version, STATUS_LIST_LIMIT],
  );
  return {
    schemaVersion: version,
    total: countRows[0]?.total ?? 0,
    behind: countRows[0]?.behind ?? 0,
    behindTenants: rows.map((row) => ({ tenantCode: row.tenant_code, schemaVersion: row.schema_version })),
  };
}

/**
 * Brings every tenant database to the newest tenant schema: pending migrations (each in its
 * own transaction, recorded in platform.schema_migrations), privileges re-granted, limits
 * pushed, then the version recorded in the registry; and every tenant role's connection
 * limit to its plan's. Bounded concurrency; a failing tenant
 * is reported and never stops the others. Resumable: a rerun picks up only the tenants not
 * yet recorded at the newest version, and inside a tenant only the migrations not yet applied.
 */
export async function migrateFleet(ctx: PlatformContext, options: FleetMigrateOptions = {}): Promise<FleetMigrateReport> {
  const migrations = options.migrations ?? TENANT_MIGRATIONS;
  const schemaVersion = Math.max(...migrations.map((m) => m.version));
  const { rows: countRows } = await ctx.pool.query<{ n: number }>(`SELECT count(*) AS n FROM tenants WHERE status NOT IN ('deleted', 'provisioning')`);
  const candidates = await outOfDateTenants(ctx, schemaVersion);
  const report: FleetMigrateReport = { schemaVersion, examined: candidates.length, migrated: [], failed: [], upToDate: (countRows[0]?.n ?? 0) - candidates.length };
  const limit = pLimit(options.concurrency ?? FLEET_MIGRATE_CONCURRENCY);
  let done = 0;
  await Promise.all(
    candidates.map((tenant) =>
      limit(async () => {
        let failed = false;
        try {
          const applied = await withClient(ctx.serverById(tenant.server_id).endpoint, tenant.database_name, async (client) => {
            await client.query('CREATE SCHEMA IF NOT EXISTS platform');
            const applied = await applyMigrations(client, migrations, 'platform.schema_migrations');
            await grantTenantPrivileges(client, tenant.db_role);
            await pushLimits(client, await limitsSpecFor(ctx.pool, tenant.id, { code: tenant.plan_code, version: tenant.plan_version }));
            return applied;
          }, { timeouts: LONG_TENANT_WORK });
          await markSchemaMigrated(ctx.pool, tenant.id, schemaVersion);
          report.migrated.push({ tenantCode: tenant.tenant_code, fromVersion: tenant.schema_version, applied });
        } catch (error) {
          failed = true;
          ctx.logger.warn({ err: error, tenant: tenant.tenant_code }, 'tenant-schema migration failed');
          report.failed.push({ tenantCode: tenant.tenant_code, message: (error as Error).message.slice(0, 500) });
        } finally {
          done += 1;
          options.onProgress?.(done, candidates.length, tenant.tenant_code, failed);
        }
      }),
    ),
  );
  // Tenants already at the newest schema still get their plan's connection limit (the
  // migrated ones got it with their limits); a failure is that tenant's, like any other.
  const connections = await syncConnectionLimits(ctx);
  const reported = new Set(report.failed.map((entry) => entry.tenantCode));
  report.failed.push(...connections.failed.filter((entry) => !reported.has(entry.tenantCode)));
  report.migrated.sort((a, b) => a.tenantCode.localeCompare(b.tenantCode));
  report.failed.sort((a, b) => a.tenantCode.localeCompare(b.tenantCode));
  return report;
}
