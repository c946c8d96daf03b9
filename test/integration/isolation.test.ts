import { beforeAll, describe, expect, it } from 'vitest';
import type { TenantCredentials } from '../../src-shared/contract/models';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { readSetting } from '../../src-main/settings/settings-store';
import { planTemplateSpec } from '../../src-main/platform/plan-templates';
import { TENANT_GROUP_ROLE } from '../../src-main/tenant-schema/privileges';
import { currentPlan } from '../../src-main/tenants/tenant-queries';
import { call, uniqueTenantInput } from '../support/core-calls';
import { adminClient, serverCases, useTestPlatform } from '../support/servers';
import { connectAsTenant, tenantConnectError } from '../support/tenant-clients';

describe.each(await serverCases('isolation'))('isolation matrix on $name', (serverCase) => {
  const { skip } = serverCase;
  const platform = useTestPlatform(serverCase, 'iso');
  const { platformDatabase } = platform;
  let core: ConsoleCore;
  let planTemplate: string;
  const tenants: TenantCredentials[] = [];

  beforeAll(async () => {
    if (skip) return;
    ({ core } = platform);
    // The plan's template is ready first: these tenants are cloned from it, grants to the group role included.
    const plan = await currentPlan(core.platform.pool, 'starter');
    planTemplate = await core.platform.primary.planTemplates!.prepare(planTemplateSpec(plan, await readSetting(core.platform.pool, 'limitWarningPercent')));
    for (const company of ['Isolation Alpha', 'Isolation Beta', 'Isolation Gamma']) {
      tenants.push((await call(core, 'tenants:create', uniqueTenantInput('starter', company))).credentials);
    }
  });

  it.skipIf(skip)('lets every tenant role into its own database only', async () => {
    const outcomes: string[] = [];
    for (const who of tenants) {
      for (const where of tenants) {
        const error = await tenantConnectError(who, where.database);
        if (who === where) {
          expect(error, `${who.user} → own database`).toBeNull();
        } else {
          // 42501: permission denied for database (CONNECT not granted).
          expect(error, `${who.user} → ${where.database}`).toMatchObject({ code: '42501' });
          outcomes.push(`${who.user}→${where.database}: refused`);
        }
      }
      const platform = await tenantConnectError(who, platformDatabase);
      expect(platform, `${who.user} → platform database`).toMatchObject({ code: '42501' });
      const template = await tenantConnectError(who, core.platform.primary.templateDatabase);
      expect(template, `${who.user} → template`).not.toBeNull();
    }
    expect(outcomes).toHaveLength(tenants.length * (tenants.length - 1));
  });

  it.skipIf(skip)('keeps a tenant out of another tenant\'s database although both roles are members of the group role', async () => {
    const admin = await adminClient(platform.url);
    try {
      for (const who of tenants) {
        const { rows } = await admin.query<{ member: boolean; inherits: boolean }>(
          `SELECT pg_has_role($1, $2, 'MEMBER') AS member, pg_has_role($1, $2, 'USAGE') AS inherits`,
          [who.user, TENANT_GROUP_ROLE],
        );
        expect(rows[0], `${who.user} is a member of ${TENANT_GROUP_ROLE}`).toEqual({ member: true, inherits: true });
        for (const where of tenants) {
          const { rows: connect } = await admin.query<{ ok: boolean }>(`SELECT has_database_privilege($1, $2, 'CONNECT') AS ok`, [who.user, where.database]);
          expect(connect[0]!.ok, `${who.user} CONNECT on ${where.database}`).toBe(who === where);
        }
      }
      // The group role itself may connect to no tenant database, template or platform database.
      const databases = [...tenants.map((tenant) => tenant.database), core.platform.primary.templateDatabase, planTemplate, platformDatabase];
      const { rows: groupConnect } = await admin.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname = ANY($2::text[]) AND has_database_privilege($1, datname, 'CONNECT')`,
        [TENANT_GROUP_ROLE, databases],
      );
      expect(groupConnect).toEqual([]);
    } finally {
      await admin.end();
    }

    // Inside its own database a tenant reads through the group's grants; another tenant's rows stay out of reach.
    const [alpha, beta] = tenants as [TenantCredentials, TenantCredentials];
    const own = await connectAsTenant(beta);
    try {
      await own.query("INSERT INTO erp.companies (name) VALUES ('Beta only')");
      expect((await own.query<{ n: number }>('SELECT count(*)::int AS n FROM erp.companies')).rows[0]!.n).toBe(1);
    } finally {
      await own.end();
    }
    expect(await tenantConnectError(alpha, beta.database)).toMatchObject({ code: '42501' });
  });

  it.skipIf(skip)('never lets the group role log in', async () => {
    const admin = await adminClient(platform.url);
    try {
      const { rows } = await admin.query('SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = $1', [TENANT_GROUP_ROLE]);
      expect(rows).toEqual([{ rolcanlogin: false, rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolbypassrls: false }]);
    } finally {
      await admin.end();
    }
    // Whatever the server's authentication: with a tenant's password, or none needed (trust), it is refused.
    const asGroup = { ...tenants[0]!, user: TENANT_GROUP_ROLE };
    for (const database of [tenants[0]!.database, 'postgres']) {
      const error = await tenantConnectError(asGroup, database);
      expect(error, `${TENANT_GROUP_ROLE} → ${database}`).not.toBeNull();
      expect(['28000', '28P01']).toContain(error!.code);
    }
  });

  it.skipIf(skip)('keeps every template closed to tenants', async () => {
    const admin = await adminClient(platform.url);
    try {
      const { rows } = await admin.query<{ datname: string; datistemplate: boolean; datallowconn: boolean; public_connect: boolean }>(
        `SELECT datname, datistemplate, datallowconn, has_database_privilege('public', datname, 'CONNECT') AS public_connect
           FROM pg_database WHERE datname = ANY($1::text[]) ORDER BY datname`,
        [[core.platform.primary.templateDatabase, planTemplate]],
      );
      expect(rows).toEqual(
        [core.platform.primary.templateDatabase, planTemplate].sort().map((datname) => ({ datname, datistemplate: true, datallowconn: false, public_connect: false })),
      );
    } finally {
      await admin.end();
    }
    for (const who of tenants) {
      expect(await tenantConnectError(who, planTemplate), `${who.user} → plan template`).not.toBeNull();
    }
  });
});
