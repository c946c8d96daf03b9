import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../src-main/app/console-core';
import type { TenantCredentials, TenantDetail } from '../../src-shared/contract/models';
import { OPERATOR_GROUP_ROLES, type OperatorRole } from '../../src-shared/contract/operator-roles';
import { call, uniqueTenantInput } from '../support/core-calls';
import { openCapturingCore, operatorClient, ownerClient, platformFingerprint, signedInOperators, type SignedInOperator } from '../support/operator-world';
import { SQL_CLIENT, sqlAs, type Login } from '../support/psql';
import { dropTestPlatform, serverCases, uniquePlatformDatabase } from '../support/servers';

/**
 * Issue 12's promise at the SQL level: with an operator's own credentials and the real psql
 * (no console in between), PostgreSQL's grants decide. A viewer changes nothing, support
 * suspends through the SECURITY DEFINER functions but cannot touch payments, billing the
 * reverse; the functions refuse anything but this platform's own tenant role and database
 * pairs (the console's role, other operators, another platform's tenants, crafted names);
 * an operator of platform A cannot even connect to platform B on the same server, cannot
 * grant itself a role and can change only its own password.
 */

const DENIED = /permission denied/;

const cases = await serverCases('operators at the SQL level');
console.log(`[operators-psql] SQL client: ${SQL_CLIENT}`);

interface Platform {
  readonly database: string;
  readonly core: ConsoleCore;
  readonly admin: pg.Client;
  readonly operators: Record<OperatorRole, SignedInOperator>;
}

describe.each(cases)('operators with psql — $name', (serverCase) => {
  let url = '';
  let a: Platform;
  let b: Platform;
  /** Platform A's tenants: one support suspends, one stays untouched, and one with an open session. */
  let suspendMe: TenantDetail;
  let untouched: TenantDetail;
  let untouchedCredentials: TenantCredentials;
  /** Platform B's tenant, on the same server. */
  let foreign: TenantDetail;
  let foreignCredentials: TenantCredentials;
  let consoleRole = '';

  const login = (platform: Platform, role: OperatorRole, database = platform.database): Login => ({
    url,
    database,
    user: platform.operators[role].dbRole,
    password: platform.operators[role].password,
  });
  const as = (role: OperatorRole, sql: string) => sqlAs(login(a, role), sql);
  const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

  async function canLogin(admin: pg.Client, role: string): Promise<boolean | null> {
    const { rows } = await admin.query<{ rolcanlogin: boolean }>('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [role]);
    return rows[0]?.rolcanlogin ?? null;
  }

  async function openPlatform(label: string, prefix: string): Promise<Platform> {
    const database = uniquePlatformDatabase(label);
    const { core } = await openCapturingCore(url, database);
    return { database, core, admin: await ownerClient(url, database), operators: await signedInOperators(core, prefix) };
  }

  beforeAll(async () => {
    if (serverCase.skip) return;
    url = serverCase.target().url;
    a = await openPlatform('psqla', 'pa');
    b = await openPlatform('psqlb', 'pb');
    suspendMe = (await call(a.core, 'tenants:create', uniqueTenantInput('starter', 'Psql Suspend'))).tenant;
    ({ tenant: untouched, credentials: untouchedCredentials } = await call(a.core, 'tenants:create', uniqueTenantInput('starter', 'Psql Untouched')));
    ({ tenant: foreign, credentials: foreignCredentials } = await call(b.core, 'tenants:create', uniqueTenantInput('starter', 'Psql Foreign')));
    consoleRole = (await a.admin.query<{ role: string }>('SELECT current_user AS role')).rows[0]!.role;
  }, 120_000);

  afterAll(async () => {
    if (serverCase.skip) return;
    for (const platform of [a, b]) {
      if (!platform) continue;
      await platform.admin.end();
      await platform.core.close();
      await dropTestPlatform(url, platform.database);
    }
  });

  const names = (tenant: TenantDetail) => ({ database: `tenant_${tenant.tenantCode.toLowerCase()}`, role: `tenant_${tenant.tenantCode.toLowerCase()}_app` });

  async function openInvoiceId(): Promise<string> {
    const draft = await call(a.core, 'invoices:create', { ref: untouched.tenantCode, lines: [{ description: 'Psql test', quantity: 1, unitCents: 1_000 }] });
    return (await call(a.core, 'invoices:finalize', { id: draft.id })).id;
  }

  it.skipIf(serverCase.skip)('the tenant names the tests use are the registry’s', async () => {
    const { rows } = await a.admin.query<{ database_name: string; db_role: string }>('SELECT database_name, db_role FROM tenants WHERE id = $1', [suspendMe.id]);
    expect(rows[0]).toEqual({ database_name: names(suspendMe).database, db_role: names(suspendMe).role });
  });

  it.skipIf(serverCase.skip)('a viewer reads, and changes nothing: tenants, suspension, payments, secrets and operators are denied', async () => {
    const before = await platformFingerprint(a.admin);
    const { database, role } = names(untouched);
    expect(await as('viewer', 'SELECT count(*) FROM tenants')).toMatchObject({ ok: true, output: '2' });
    const attempts = {
      'UPDATE tenants': `UPDATE tenants SET status = 'suspended' WHERE id = '${untouched.id}'`,
      'tc_set_tenant_access': `SELECT tc_set_tenant_access(${literal(database)}, ${literal(role)}, false)`,
      'tc_end_tenant_sessions': `SELECT tc_end_tenant_sessions(${literal(role)})`,
      'INSERT invoice_payments': `INSERT INTO invoice_payments (invoice_id, amount_cents, method, received_at, recorded_by) VALUES (gen_random_uuid(), 100, 'cash', now(), 'psql')`,
      'SELECT tenant_role_fingerprints': 'SELECT * FROM tenant_role_fingerprints',
      'SELECT operators': 'SELECT * FROM operators',
      'INSERT operators': `INSERT INTO operators (name, db_role) VALUES ('intruder', 'postgres')`,
      'DELETE audit_events': 'DELETE FROM audit_events',
      'UPDATE settings': `UPDATE settings SET value = '1' WHERE key = 'cancellation_retention_days'`,
      'CREATE TABLE': 'CREATE TABLE intruder (id int)',
    };
    for (const [what, sql] of Object.entries(attempts)) {
      const outcome = await as('viewer', sql);
      expect(outcome.ok, `${what} as viewer`).toBe(false);
      expect(outcome.error, `${what} as viewer`).toMatch(DENIED);
    }
    expect(await canLogin(a.admin, role)).toBe(true);
    expect(await platformFingerprint(a.admin)).toEqual(before);
  });

  it.skipIf(serverCase.skip)('support suspends through tc_set_tenant_access (the tenant role really becomes NOLOGIN) and cannot record a payment', async () => {
    const { database, role } = names(suspendMe);
    expect(await as('support', `SELECT tc_set_tenant_access(${literal(database)}, ${literal(role)}, false)`)).toMatchObject({ ok: true });
    expect(await canLogin(a.admin, role)).toBe(false);
    const connect = await a.admin.query<{ allowed: boolean }>("SELECT has_database_privilege($1, $2, 'CONNECT') AS allowed", [role, database]);
    expect(connect.rows[0]!.allowed).toBe(false);
    expect(await as('support', `SELECT tc_end_tenant_sessions(${literal(role)})`)).toMatchObject({ ok: true, output: '0' });
    expect(await as('support', `SELECT tc_set_tenant_access(${literal(database)}, ${literal(role)}, true)`)).toMatchObject({ ok: true });
    expect(await canLogin(a.admin, role)).toBe(true);

    // The status columns of tenants only: not the plan, not the role it names.
    expect((await as('support', `UPDATE tenants SET plan_code = 'enterprise' WHERE id = '${suspendMe.id}'`)).error).toMatch(DENIED);
    expect((await as('support', `UPDATE tenants SET db_role = 'postgres' WHERE id = '${suspendMe.id}'`)).error).toMatch(DENIED);

    const invoiceId = await openInvoiceId();
    const payment = await as('support', `INSERT INTO invoice_payments (invoice_id, amount_cents, method, received_at, recorded_by) VALUES ('${invoiceId}', 1000, 'cash', now(), 'psql')`);
    expect(payment.ok).toBe(false);
    expect(payment.error).toMatch(DENIED);
    expect((await a.admin.query('SELECT 1 FROM invoice_payments WHERE invoice_id = $1', [invoiceId])).rowCount).toBe(0);
  });

  it.skipIf(serverCase.skip)('billing records a payment and cannot suspend', async () => {
    const invoiceId = await openInvoiceId();
    expect(await as('billing', `INSERT INTO invoice_payments (invoice_id, amount_cents, method, received_at, recorded_by) VALUES ('${invoiceId}', 400, 'cash', now(), 'psql')`)).toMatchObject({ ok: true });
    expect((await a.admin.query('SELECT 1 FROM invoice_payments WHERE invoice_id = $1', [invoiceId])).rowCount).toBe(1);
    const { database, role } = names(untouched);
    for (const sql of [
      `SELECT tc_set_tenant_access(${literal(database)}, ${literal(role)}, false)`,
      `SELECT tc_end_tenant_sessions(${literal(role)})`,
      `SELECT tc_tenant_sessions(${literal(role)})`,
    ]) {
      const outcome = await as('billing', sql);
      expect(outcome.ok, sql).toBe(false);
      expect(outcome.error, sql).toMatch(DENIED);
    }
    expect(await canLogin(a.admin, role)).toBe(true);
    // Billing's rows of the settings table only (row-level policy): 0 rows updated elsewhere.
    expect(await as('billing', `UPDATE settings SET value = '"999"' WHERE key = 'cancellation_retention_days' RETURNING key`)).toMatchObject({ ok: true, output: '' });
  });

  it.skipIf(serverCase.skip)('support cannot aim the functions at anything but this platform’s tenants (console role, operators, another platform, crafted names)', async () => {
    const tenantSession = await operatorClient(url, names(untouched).database, untouchedCredentials.user, untouchedCredentials.password);
    const foreignSession = await operatorClient(url, names(foreign).database, foreignCredentials.user, foreignCredentials.password);
    tenantSession.on('error', () => undefined);
    foreignSession.on('error', () => undefined);
    try {
      const beforeA = await platformFingerprint(a.admin);
      const beforeB = await platformFingerprint(b.admin);
      const targets: [string, string][] = [
        [a.database, consoleRole],
        [names(untouched).database, consoleRole],
        [a.database, a.operators.admin.dbRole],
        [a.database, a.operators.support.dbRole],
        [names(foreign).database, names(foreign).role],
        [b.database, b.operators.admin.dbRole],
        // A real tenant's database with another tenant's role: not a pair the registry names.
        [names(untouched).database, names(suspendMe).role],
        [names(untouched).database, `${names(untouched).role}"; ALTER ROLE ${consoleRole} NOLOGIN; --`],
        [`${names(untouched).database}' OR '1'='1`, names(untouched).role],
        [names(untouched).database, `"${names(untouched).role}"`],
        [names(untouched).database, names(untouched).role.toUpperCase()],
        ['template1', 'postgres'],
        [OPERATOR_GROUP_ROLES.admin, OPERATOR_GROUP_ROLES.admin],
      ];
      for (const [database, role] of targets) {
        for (const allow of [false, true]) {
          const outcome = await as('support', `SELECT tc_set_tenant_access(${literal(database)}, ${literal(role)}, ${allow})`);
          expect(outcome.ok, `tc_set_tenant_access(${database}, ${role}, ${allow})`).toBe(false);
          expect(outcome.error).toMatch(/no tenant of this platform|permission denied/);
        }
      }
      for (const role of [consoleRole, a.operators.admin.dbRole, b.operators.support.dbRole, names(foreign).role, `${names(untouched).role}' OR usename <> '`, 'postgres']) {
        for (const fn of ['tc_end_tenant_sessions', 'tc_tenant_sessions']) {
          const outcome = await as('support', `SELECT ${fn}(${literal(role)})`);
          if (fn === 'tc_tenant_sessions') {
            // A read: counts only this platform's tenants' sessions, 0 for anyone else.
            expect(outcome, `${fn}(${role})`).toMatchObject({ ok: true, output: '0' });
          } else {
            expect(outcome.ok, `${fn}(${role})`).toBe(false);
            expect(outcome.error).toMatch(/no tenant of this platform|permission denied/);
          }
        }
      }
      expect(await platformFingerprint(a.admin)).toEqual(beforeA);
      expect(await platformFingerprint(b.admin)).toEqual(beforeB);
      expect(await canLogin(a.admin, consoleRole)).toBe(true);
      expect(await canLogin(a.admin, a.operators.admin.dbRole)).toBe(true);
      expect(await canLogin(a.admin, names(foreign).role)).toBe(true);
      // The sessions nobody may end are still there.
      expect((await tenantSession.query('SELECT 1 AS alive')).rows).toEqual([{ alive: 1 }]);
      expect((await foreignSession.query('SELECT 1 AS alive')).rows).toEqual([{ alive: 1 }]);
    } finally {
      await tenantSession.end().catch(() => undefined);
      await foreignSession.end().catch(() => undefined);
    }
  });

  it.skipIf(serverCase.skip)('support and billing cannot forge journal entries for reconcile to carry out with the console’s rights', async () => {
    const { database, role } = names(untouched);
    const serverId = (await a.admin.query<{ id: string }>('SELECT server_id AS id FROM tenants WHERE id = $1', [untouched.id])).rows[0]!.id;
    const forged = (kind: string, payload: Record<string, unknown>, tenantCode = untouched.tenantCode) =>
      `INSERT INTO operations (kind, tenant_id, tenant_code, state, step, payload, started_by)
       VALUES (${literal(kind)}, '${untouched.id}', ${literal(tenantCode)}, 'running', 'registered', ${literal(JSON.stringify(payload))}::jsonb, 'forger')`;
    const status = { action: 'suspend', target: 'suspended', previous: 'active', reason: 'x', serverId, database, role, retentionDays: 30 };
    const before = await platformFingerprint(a.admin);
    for (const [who, sql] of [
      ['support', forged('suspend', { ...status, role: consoleRole })],
      ['support', forged('suspend', { ...status, database: 'postgres' })],
      ['support', forged('suspend', { ...status, role: b.operators.admin.dbRole })],
      ['support', forged('suspend', { ...status, serverId: '00000000-0000-0000-0000-000000000000' })],
      ['support', forged('suspend', status, suspendMe.tenantCode)],
      ['support', forged('delete', { serverId, database: 'postgres', role: consoleRole, finalBackupId: null, forced: true })],
      ['support', forged('provision', { serverId, database, role })],
      ['billing', forged('restore', { serverId, database, role })],
      ['billing', forged('plan_change', { serverId, database: b.database, from: { code: 'starter', version: 1 }, to: { code: 'starter', version: 1 }, forced: true, reason: null })],
      ['admin', forged('delete', { serverId, database, role, finalBackupId: null, forced: true })],
      // Reconcile removes a dead backup's files: not the console's secrets, not any file.
      ['support', forged('backup', { backupId: '00000000-0000-0000-0000-000000000000', tempPath: '/data/secrets.json', finalPath: '/data/backups/x.tcbackup', backupKind: 'manual' })],
      ['support', forged('backup', { backupId: '00000000-0000-0000-0000-000000000000', tempPath: '/data/.secrets.json.ab12.partial', finalPath: '/data/secrets.json', backupKind: 'manual' })],
      ['support', forged('backup', { backupId: '00000000-0000-0000-0000-000000000000', tempPath: `/b/.${untouched.tenantCode}-1.tcbackup.x/../../etc.partial`, finalPath: `/b/${untouched.tenantCode}-1.tcbackup`, backupKind: 'manual' })],
      ['support', forged('export', { tempPath: '/home/console/.ssh/authorized_keys', finalPath: '/tmp/export.zip' })],
    ] as const) {
      const outcome = await as(who, sql);
      expect(outcome.ok, `${who}: ${sql}`).toBe(false);
      expect(outcome.error, sql).toMatch(DENIED);
    }
    // Nor by rewriting a real entry afterwards.
    const rewrite = await as('support', `UPDATE operations SET payload = jsonb_set(payload, '{role}', to_jsonb(${literal(consoleRole)}::text)) WHERE tenant_id = '${untouched.id}'`);
    expect(rewrite.error === '' ? 'no row to rewrite' : rewrite.error).toMatch(/permission denied|no row to rewrite/);
    expect(await platformFingerprint(a.admin)).toEqual(before);
    // The honest entry (its own tenant's names) is accepted: what support's own suspend writes.
    expect(await as('support', `BEGIN; ${forged('suspend', status)}; ROLLBACK;`)).toMatchObject({ ok: true });
    const backup = { backupId: '00000000-0000-0000-0000-000000000000', tempPath: `/b/.${untouched.tenantCode}-20270101-ab12cd34.tcbackup.ab12cd34.partial`, finalPath: `/b/${untouched.tenantCode}-20270101-ab12cd34.tcbackup`, backupKind: 'manual' };
    expect(await as('support', `BEGIN; ${forged('backup', backup)}; ROLLBACK;`)).toMatchObject({ ok: true });
    expect(await as('support', `BEGIN; ${forged('export', { tempPath: '/tmp/.export.zip.k9x.partial', finalPath: '/tmp/export.zip' })}; ROLLBACK;`)).toMatchObject({ ok: true });
    // Windows paths too (the desktop app): C:\Backups\.<file>.<tag>.partial beside C:\Backups\<file>.
    const windows = { ...backup, tempPath: `C:\\Backups\\.${untouched.tenantCode}-1.tcbackup.ab12.partial`, finalPath: `C:\\Backups\\${untouched.tenantCode}-1.tcbackup` };
    expect(await as('support', `BEGIN; ${forged('backup', windows)}; ROLLBACK;`)).toMatchObject({ ok: true });
    expect((await as('support', forged('backup', { ...windows, tempPath: 'C:\\Windows\\win.ini' }))).error).toMatch(DENIED);
  });

  it.skipIf(serverCase.skip)('support cannot catalogue a "backup" that is any other file, for pruning to delete', async () => {
    const code = untouched.tenantCode;
    const row = (location: string, tenantCode = code) =>
      `INSERT INTO backups (id, tenant_id, tenant_code, kind, format, location, size_bytes, sha256, tenant_schema_version, server_version, table_count, row_count, made_by, made_at)
       VALUES (gen_random_uuid(), '${untouched.id}', ${literal(tenantCode)}, 'manual', 'tc-archive', ${literal(location)}, 1, repeat('0', 64), 1, '15', 1, 1, 'forger', now() - interval '10 years')`;
    const before = await platformFingerprint(a.admin);
    for (const location of ['/data/secrets.json', '/data/cache.sqlite', `/data/${code}-x.tcbackup/../secrets.json`, `/data/OTHER1-x.tcbackup`, `relative/${code}-x.tcbackup`, 'C:\\Users\\op\\secrets.json']) {
      const outcome = await as('support', row(location));
      expect(outcome.ok, location).toBe(false);
      expect(outcome.error, location).toMatch(DENIED);
    }
    expect((await as('support', row(`/data/${suspendMe.tenantCode}-x.tcbackup`, suspendMe.tenantCode))).error).toMatch(DENIED);
    const rewrite = await as('support', `UPDATE backups SET location = '/data/secrets.json' WHERE tenant_id = '${untouched.id}' RETURNING id`);
    expect(rewrite.ok && rewrite.output === '' ? 'no row to rewrite' : rewrite.error).toMatch(/permission denied|no row to rewrite/);
    expect(await platformFingerprint(a.admin)).toEqual(before);
    // What support's own backups write is accepted.
    expect(await as('support', `BEGIN; ${row(`/data/backups/${code}-20270101T000000Z-ab12cd34.tcbackup`)}; ROLLBACK;`)).toMatchObject({ ok: true });
  });

  it.skipIf(serverCase.skip)('an admin cannot rewrite the names the console acts on (tenant database, role, server, code)', async () => {
    const before = await platformFingerprint(a.admin);
    for (const sql of [
      `UPDATE tenants SET db_role = ${literal(consoleRole)} WHERE id = '${untouched.id}'`,
      `UPDATE tenants SET database_name = 'postgres' WHERE id = '${untouched.id}'`,
      `UPDATE tenants SET server_id = gen_random_uuid() WHERE id = '${untouched.id}'`,
      `UPDATE tenants SET tenant_code = 'ZZ999' WHERE id = '${untouched.id}'`,
      `INSERT INTO tenants SELECT * FROM tenants WHERE id = '${untouched.id}'`,
      `DELETE FROM tenants WHERE id = '${untouched.id}'`,
      `INSERT INTO operators (name, db_role) VALUES ('forged', ${literal(consoleRole)})`,
      `UPDATE operators SET db_role = ${literal(consoleRole)}`,
      `DELETE FROM audit_events`,
      `UPDATE servers SET host = 'evil.example.com'`,
      `DELETE FROM schema_migrations`,
      `SELECT * FROM tenant_role_fingerprints`,
      `TRUNCATE invoices CASCADE`,
    ]) {
      const outcome = await as('admin', sql);
      expect(outcome.ok, sql).toBe(false);
      expect(outcome.error, sql).toMatch(DENIED);
    }
    expect(await platformFingerprint(a.admin)).toEqual(before);
  });

  it.skipIf(serverCase.skip)('and if the registry named a privileged role anyway (written outside every grant), the functions still refuse it', async () => {
    const { database } = names(untouched);
    const registered = names(untouched).role;
    // Stand-ins that are harmless if the guard ever failed: a tenant-group member with an
    // attribute, one that is also an operator, and real operators' roles.
    const probe = `tc_probe_${Date.now().toString(36)}`;
    await a.admin.query(`CREATE ROLE ${probe}_attr LOGIN CREATEDB IN ROLE tc_tenant_app`);
    await a.admin.query(`CREATE ROLE ${probe}_op LOGIN IN ROLE tc_tenant_app, ${OPERATOR_GROUP_ROLES.viewer}`);
    try {
      for (const target of [`${probe}_attr`, `${probe}_op`, a.operators.support.dbRole, b.operators.admin.dbRole]) {
        await a.admin.query('UPDATE tenants SET db_role = $1 WHERE id = $2', [target, untouched.id]);
        try {
          const access = await as('support', `SELECT tc_set_tenant_access(${literal(database)}, ${literal(target)}, false)`);
          expect(access.ok, target).toBe(false);
          expect(access.error).toMatch(/no tenant of this platform/);
          const ending = await as('support', `SELECT tc_end_tenant_sessions(${literal(target)})`);
          expect(ending.ok, target).toBe(false);
          expect(ending.error).toMatch(/no tenant of this platform/);
        } finally {
          await a.admin.query('UPDATE tenants SET db_role = $1 WHERE id = $2', [registered, untouched.id]);
        }
        expect(await canLogin(a.admin, target), target).toBe(true);
      }
    } finally {
      await a.admin.query(`DROP ROLE IF EXISTS ${probe}_attr`);
      await a.admin.query(`DROP ROLE IF EXISTS ${probe}_op`);
    }
  });

  it.skipIf(serverCase.skip)('an operator of platform A cannot connect to platform B’s database, nor to a tenant’s', async () => {
    for (const role of ['admin', 'viewer'] as const) {
      const intoB = await sqlAs(login(a, role, b.database), 'SELECT count(*) FROM tenants');
      expect(intoB.ok, `${role} of A into B`).toBe(false);
      expect(intoB.error).toMatch(/permission denied for database|does not have CONNECT privilege/);
      const intoTenant = await sqlAs(login(a, role, names(untouched).database), 'SELECT 1');
      expect(intoTenant.ok, `${role} of A into a tenant database`).toBe(false);
      expect(intoTenant.error).toMatch(/permission denied for database|does not have CONNECT privilege/);
    }
    // And B's own operator can (the grant is per operator, per platform database).
    expect(await sqlAs(login(b, 'viewer'), 'SELECT count(*) FROM tenants')).toMatchObject({ ok: true, output: '1' });
  });

  it.skipIf(serverCase.skip)('a viewer cannot grant itself a group role, become one, or change another operator’s password; it can change its own', async () => {
    const viewer = a.operators.viewer;
    const before = await platformFingerprint(a.admin);
    for (const sql of [
      `GRANT ${OPERATOR_GROUP_ROLES.admin} TO ${viewer.dbRole}`,
      `GRANT ${OPERATOR_GROUP_ROLES.support} TO CURRENT_USER`,
      `SET ROLE ${OPERATOR_GROUP_ROLES.admin}`,
      `ALTER ROLE ${a.operators.admin.dbRole} PASSWORD 'taken-over-123'`,
      `ALTER ROLE ${viewer.dbRole} SUPERUSER`,
      `ALTER ROLE CURRENT_USER CREATEROLE`,
      `ALTER ROLE ${names(untouched).role} NOLOGIN`,
      `ALTER ROLE ${consoleRole} PASSWORD 'taken-over-123'`,
    ]) {
      const outcome = await as('viewer', sql);
      expect(outcome.ok, sql).toBe(false);
      expect(outcome.error, sql).toMatch(/permission denied|must be superuser|must have admin option|only roles with/i);
    }
    expect(await platformFingerprint(a.admin)).toEqual(before);
    const held = await a.admin.query<{ admin: boolean }>("SELECT pg_has_role($1, $2, 'MEMBER') AS admin", [viewer.dbRole, OPERATOR_GROUP_ROLES.admin]);
    expect(held.rows[0]!.admin).toBe(false);

    // Its own password: allowed (PostgreSQL lets every role do that); the new one works, the old one no longer.
    const fresh = 'Viewer-own-new-password-1';
    expect(await as('viewer', `ALTER ROLE CURRENT_USER PASSWORD ${literal(fresh)}`)).toMatchObject({ ok: true });
    expect(await sqlAs({ ...login(a, 'viewer'), password: fresh }, 'SELECT current_user')).toMatchObject({ ok: true, output: viewer.dbRole });
    if (serverCase.name.startsWith('embedded')) {
      // (The external server trusts local TCP logins: there only the console's SCRAM check refuses an old password.)
      expect((await as('viewer', 'SELECT 1')).ok).toBe(false);
    }
    await sqlAs({ ...login(a, 'viewer'), password: fresh }, `ALTER ROLE CURRENT_USER PASSWORD ${literal(viewer.password)}`);
  });
});
