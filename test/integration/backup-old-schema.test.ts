import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointFromUrl } from '../../src-main/postgres/server-endpoint';
import { TENANT_MIGRATIONS } from '../../src-main/tenant-schema/migrations';
import { LIMIT_SQLSTATE } from '../../src-main/tenant-schema/migrations/003-limits';
import { ensureTemplate, TENANT_SCHEMA_VERSION } from '../../src-main/tenant-schema/template';
import { call, uniqueTenantInput } from '../support/core-calls';
import { withAdminClient, embeddedTarget, useTestPlatform } from '../support/servers';
import { connectAsTenant } from '../support/tenant-clients';

/**
 * An archive made by an older console: the tenant database is at tenant schema v2 (before
 * limits existed). Restoring it must start from a template at v2, load the data, migrate it
 * forward and only then apply today's limits.
 */
describe('restoring an archive made at an older tenant schema', () => {
  const platform = useTestPlatform({ name: 'embedded PostgreSQL', target: embeddedTarget, skip: false }, 'oldschema');
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tc-old-schema-'));
    await call(platform.core, 'backups:updateSettings', { directory: folder });
  });
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('restores a v2 archive as a new tenant at the current schema, data equal and limits enforced', async () => {
    const { tenant, credentials } = await call(platform.core, 'tenants:create', uniqueTenantInput('professional', 'Old Schema'));
    const { database, user } = credentials;

    // Replace the tenant's database by one cloned from a v2 template, with ERP data in it.
    const v2Template = await withAdminClient(platform.url, 'postgres', (admin) => ensureTemplate(endpointFromUrl(platform.url), admin, TENANT_MIGRATIONS.slice(0, 2)));
    await withAdminClient(platform.url, 'postgres', async (admin) => {
      await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${database} TEMPLATE ${v2Template}`);
      await admin.query(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC; GRANT CONNECT ON DATABASE ${database} TO ${user}`);
    });
    await withAdminClient(platform.url, database, async (db) => {
      await db.query(`GRANT USAGE ON SCHEMA erp TO ${user}; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA erp TO ${user};
                      GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA erp TO ${user}`);
      const { rows } = await db.query<{ id: number }>(`INSERT INTO erp.companies (name) VALUES ('Sales'), ('Ops') RETURNING id`);
      await db.query(`INSERT INTO erp.users (company_id, email) VALUES ($1, 'a@example.com'), ($1, 'b@example.com')`, [rows[0]!.id]);
      await db.query(`INSERT INTO erp.transactions (company_id, amount) SELECT $1, g FROM generate_series(1, 25) AS g`, [rows[0]!.id]);
    });
    await platform.core.platform.pool.query('UPDATE tenants SET schema_version = 2 WHERE tenant_code = $1', [tenant.tenantCode]);

    const backup = await call(platform.core, 'backups:create', { ref: tenant.tenantCode });
    expect(backup.tenantSchemaVersion).toBe(2);
    expect((await call(platform.core, 'backups:verify', { backupId: backup.id })).ok).toBe(true);

    const restored = await call(platform.core, 'backups:restore', { file: backup.location, mode: 'as-new', subdomain: `${tenant.subdomain}-v2copy` });
    expect(restored).toMatchObject({ mode: 'as-new', rows: backup.rowCount });

    await withAdminClient(platform.url, restored.databaseName, async (db) => {
      const { rows: versions } = await db.query<{ version: number }>('SELECT max(version)::int AS version FROM platform.schema_migrations');
      expect(versions[0]!.version).toBe(TENANT_SCHEMA_VERSION);
      const { rows: counts } = await db.query<{ companies: number; users: number; transactions: number; total: string }>(
        `SELECT (SELECT count(*)::int FROM erp.companies) AS companies, (SELECT count(*)::int FROM erp.users) AS users,
                (SELECT count(*)::int FROM erp.transactions) AS transactions, (SELECT sum(amount)::text FROM erp.transactions) AS total`,
      );
      expect(counts[0]).toEqual({ companies: 2, users: 2, transactions: 25, total: '325.00' });
    });

    // Today's limits apply to the copy: professional allows 3 companies, it has 2.
    const copy = await connectAsTenant(restored.credentials!);
    try {
      await copy.query(`INSERT INTO erp.companies (name) VALUES ('Third')`);
      await expect(copy.query(`INSERT INTO erp.companies (name) VALUES ('Fourth')`)).rejects.toMatchObject({ code: LIMIT_SQLSTATE });
    } finally {
      await copy.end();
    }
  });
});
