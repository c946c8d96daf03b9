import { describe, expect, it } from 'vitest';
import { TENANT_MIGRATIONS } from '../../src-main/tenant-schema/migrations';
import { ensureTemplate, templateDatabaseName, TENANT_SCHEMA_VERSION } from '../../src-main/tenant-schema/template';
import { endpointFromUrl } from '../../src-main/postgres/server-endpoint';
import { adminClient, embeddedTarget } from '../support/servers';

describe('the tenant template', () => {
  it('is named by schema version and content, so any change to a migration makes a new one', () => {
    const current = templateDatabaseName();
    expect(current).toMatch(new RegExp(`^tc_template_v${TENANT_SCHEMA_VERSION}_[0-9a-f]{10}$`));
    expect(templateDatabaseName()).toBe(current);
    const edited = TENANT_MIGRATIONS.map((migration, index) =>
      index === 0 ? { ...migration, sql: `${migration.sql}\n-- edited` } : migration,
    );
    expect(templateDatabaseName(edited)).not.toBe(current);
  });

  it('is built once per schema, with every migration applied, and refuses connections', async () => {
    const url = embeddedTarget().url;
    const admin = await adminClient(url);
    const next = [
      ...TENANT_MIGRATIONS,
      { version: TENANT_SCHEMA_VERSION + 1, name: 'test-extra', sql: 'CREATE TABLE erp.test_extra (id int PRIMARY KEY);' },
    ];
    const name = templateDatabaseName(next);
    try {
      const [first, second] = await Promise.all([
        ensureTemplate(endpointFromUrl(url), admin, next),
        adminClient(url).then(async (other) => {
          try {
            return await ensureTemplate(endpointFromUrl(url), other, next);
          } finally {
            await other.end();
          }
        }),
      ]);
      expect(first).toBe(name);
      expect(second).toBe(name);
      const { rows } = await admin.query<{ datistemplate: boolean; datallowconn: boolean }>(
        'SELECT datistemplate, datallowconn FROM pg_database WHERE datname = $1',
        [name],
      );
      expect(rows).toEqual([{ datistemplate: true, datallowconn: false }]);
      // Clone it to look inside: every migration is there, recorded once.
      await admin.query(`CREATE DATABASE tc_test_template_probe TEMPLATE ${name}`);
      const probe = await adminClient(url, 'tc_test_template_probe');
      try {
        const versions = await probe.query<{ version: number }>('SELECT version FROM platform.schema_migrations ORDER BY version');
        expect(versions.rows.map((row) => row.version)).toEqual(next.map((migration) => migration.version));
        expect((await probe.query("SELECT to_regclass('erp.test_extra') IS NOT NULL AS present")).rows[0]).toEqual({ present: true });
      } finally {
        await probe.end();
      }
    } finally {
      await admin.query('DROP DATABASE IF EXISTS tc_test_template_probe');
      await admin.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE false`).catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
    }
  });
});
