import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { TenantCredentials } from '../../src-shared/contract/models';
import { LOCK_LIMIT_SLOTS } from '../../src-main/base/advisory-locks';
import { LIMIT_SQLSTATE } from '../../src-main/tenant-schema/migrations/003-limits';
import { call, callError, uniqueTenantInput } from '../support/core-calls';
import { adminClient, serverCases, useTestPlatform, type TestPlatform } from '../support/servers';
import { connectAsTenant } from '../support/tenant-clients';

interface Tenant {
  readonly code: string;
  readonly credentials: TenantCredentials;
}

async function createTenant(platform: TestPlatform, plan: string, company = 'Limits Test'): Promise<Tenant> {
  const { tenant, credentials } = await call(platform.core, 'tenants:create', uniqueTenantInput(plan, company));
  return { code: tenant.tenantCode, credentials };
}

/** Runs `work` on a tenant-role connection (the ERP's own), closed afterwards. */
async function asTenant<T>(tenant: Tenant, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connectAsTenant(tenant.credentials);
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function asAdmin<T>(platform: TestPlatform, tenant: Tenant, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await adminClient(platform.url, tenant.credentials.database);
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The error a statement fails with (code + message), or null if it succeeded. */
async function failure(client: pg.ClientBase, sql: string, params: unknown[] = []): Promise<{ code: string | undefined; message: string } | null> {
  try {
    await client.query(sql, params);
    return null;
  } catch (error) {
    return { code: (error as { code?: string }).code, message: (error as Error).message };
  }
}

const count = async (client: pg.ClientBase, table: string, where = 'true') =>
  (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM erp.${table} WHERE ${where}`)).rows[0]!.n;

for (const serverCase of await serverCases('limit enforcement')) {
  describe.skipIf(serverCase.skip)(`limits enforced in the tenant database — ${serverCase.name}`, () => {
    const platform = useTestPlatform(serverCase, 'limits');

    it('refuses the insert that goes over the limit exactly at N, with TC001 and a message the ERP can show', async () => {
      const tenant = await createTenant(platform, 'trial'); // 1 company, 3 users, 100 transactions
      await asTenant(tenant, async (erp) => {
        const { rows } = await erp.query<{ id: number }>(`INSERT INTO companies (name) VALUES ('Sales') RETURNING id`);
        const companyId = rows[0]!.id;
        expect(await failure(erp, `INSERT INTO companies (name) VALUES ('Second')`)).toEqual({
          code: LIMIT_SQLSTATE,
          message: 'Company limit reached (1 of 1). Please upgrade.',
        });
        expect(await count(erp, 'companies')).toBe(1);

        await erp.query(`INSERT INTO users (company_id, email) VALUES ($1, 'a@x'), ($1, 'b@x')`, [companyId]);
        // A multi-row insert that would cross the limit fails whole: nothing becomes visible.
        expect(await failure(erp, `INSERT INTO users (company_id, email) VALUES ($1, 'c@x'), ($1, 'd@x')`, [companyId])).toMatchObject({
          code: LIMIT_SQLSTATE,
          message: 'User limit for company Sales would be exceeded (2 of 3, this adds 2). Please upgrade.',
        });
        await erp.query(`INSERT INTO users (company_id, email) VALUES ($1, 'c@x')`, [companyId]);
        expect(await failure(erp, `INSERT INTO users (company_id, email) VALUES ($1, 'd@x')`, [companyId])).toEqual({
          code: LIMIT_SQLSTATE,
          message: 'User limit for company Sales reached (3 of 3). Please upgrade.',
        });
        expect(await count(erp, 'users')).toBe(3);

        await erp.query(`INSERT INTO transactions (company_id, amount) SELECT $1, 1 FROM generate_series(1, 99)`, [companyId]);
        expect(await failure(erp, `INSERT INTO transactions (company_id, amount) SELECT $1, 1 FROM generate_series(1, 2)`, [companyId])).toMatchObject({ code: LIMIT_SQLSTATE });
        await erp.query(`INSERT INTO transactions (company_id, amount) VALUES ($1, 1)`, [companyId]);
        expect(await failure(erp, `INSERT INTO transactions (company_id, amount) VALUES ($1, 1)`, [companyId])).toEqual({
          code: LIMIT_SQLSTATE,
          message: 'Monthly transaction limit reached (100 of 100). Please upgrade.',
        });
        expect(await count(erp, 'transactions')).toBe(100);

        // check_limit, called with the tenant's own role.
        const check = await erp.query(`SELECT * FROM platform.check_limit('companies')`);
        expect(check.rows[0]).toEqual({ can_create: false, current: 1, limit: 1, message: 'Company limit reached (1 of 1). Please upgrade.' });
        const users = await erp.query(`SELECT * FROM platform.check_limit('users', $1)`, [companyId]);
        expect(users.rows[0]).toMatchObject({ can_create: false, current: 3, limit: 3 });
        expect(await failure(erp, `SELECT * FROM platform.check_limit('users')`)).toMatchObject({ code: '22023' });
      });
      const limits = await call(platform.core, 'tenants:limits', { ref: tenant.code });
      expect(limits.resources).toEqual([
        expect.objectContaining({ resource: 'companies', current: 1, limit: 1, percent: 100, warning: true, blocked: true }),
        expect.objectContaining({ resource: 'users', current: 3, limit: 3, blocked: true, company: expect.objectContaining({ name: 'Sales' }) }),
        expect.objectContaining({ resource: 'transactions', current: 100, limit: 100, blocked: true }),
      ]);
    });

    it('never overshoots with 8 concurrent writers (companies, users per company, transactions)', async () => {
      const tenant = await createTenant(platform, 'professional');
      const limitsFor = { companies: 7, users: 11, transactions: 403 };
      for (const [resource, value] of Object.entries(limitsFor)) {
        await call(platform.core, 'tenants:setOverride', { ref: tenant.code, resource: resource as 'companies', kind: 'limit', value, reason: 'Concurrency test' });
      }
      const writers = await Promise.all(Array.from({ length: 8 }, () => connectAsTenant(tenant.credentials)));
      try {
        const race = async (statement: (writer: pg.Client, i: number, attempt: number) => Promise<unknown>, attempts: number) => {
          let ok = 0;
          let refused = 0;
          await Promise.all(
            writers.map(async (writer, i) => {
              for (let attempt = 0; attempt < attempts; attempt += 1) {
                try {
                  await statement(writer, i, attempt);
                  ok += 1;
                } catch (error) {
                  if ((error as { code?: string }).code !== LIMIT_SQLSTATE) throw error;
                  refused += 1;
                }
              }
            }),
          );
          return { ok, refused };
        };
        const companies = await race((w, i, a) => w.query(`INSERT INTO companies (name) VALUES ($1)`, [`C${i}-${a}`]), 3);
        expect(companies.ok).toBe(7);
        expect(await count(writers[0]!, 'companies')).toBe(7);

        const { rows } = await writers[0]!.query<{ id: number }>('SELECT id FROM companies ORDER BY id LIMIT 1');
        const companyId = rows[0]!.id;
        const users = await race((w, i, a) => w.query(`INSERT INTO users (company_id, email) VALUES ($1, $2)`, [companyId, `u${i}-${a}@x`]), 4);
        expect(users.ok).toBe(11);
        expect(await count(writers[0]!, 'users', `company_id = ${companyId}`)).toBe(11);

        // Single-row and multi-row inserts mixed, far more than the limit in total.
        const transactions = await race(
          (w, i, a) => w.query(`INSERT INTO transactions (company_id, amount) SELECT $1, 1 FROM generate_series(1, $2::int)`, [companyId, (i + a) % 3 === 0 ? 5 : 1]),
          60,
        );
        const inserted = await count(writers[0]!, 'transactions');
        expect(inserted).toBeLessThanOrEqual(403);
        expect(transactions.refused).toBeGreaterThan(0);
        // Single-row inserts keep coming until the very end: the limit is reached, not just approached.
        await race((w) => w.query(`INSERT INTO transactions (company_id, amount) VALUES ($1, 1)`, [companyId]), 10);
        expect(await count(writers[0]!, 'transactions')).toBe(403);
        const check = await writers[0]!.query(`SELECT current FROM platform.check_limit('transactions')`);
        expect(check.rows[0].current).toBe(403);
      } finally {
        await Promise.all(writers.map((writer) => writer.end()));
      }
    });

    it('gives each writer a counter slot of its own and stays exact with more writers than slots', async () => {
      const tenant = await createTenant(platform, 'professional');
      const limit = 997;
      await call(platform.core, 'tenants:setOverride', { ref: tenant.code, resource: 'transactions', kind: 'limit', value: limit, reason: 'Many writers' });
      const writers = await Promise.all(Array.from({ length: 20 }, () => connectAsTenant(tenant.credentials))); // 16 transaction slots
      try {
        const { rows } = await writers[0]!.query<{ id: number }>(`INSERT INTO companies (name) VALUES ('Busy') RETURNING id`);
        const companyId = rows[0]!.id;
        let refused = 0;
        const race = (attempts: number, rowsFor: (i: number, attempt: number) => number) =>
          Promise.all(
            writers.map(async (writer, i) => {
              for (let attempt = 0; attempt < attempts; attempt += 1) {
                try {
                  await writer.query(`INSERT INTO transactions (company_id, amount) SELECT $1, 1 FROM generate_series(1, $2::int)`, [companyId, rowsFor(i, attempt)]);
                } catch (error) {
                  if ((error as { code?: string }).code !== LIMIT_SQLSTATE) throw error;
                  refused += 1; // the refused statement's transaction rolled back, with the session's remembered slot
                }
              }
            }),
          );
        await race(25, (i, attempt) => ((i + attempt) % 4 === 0 ? 7 : 1)); // about 1,400 rows asked for
        expect(refused).toBeGreaterThan(0);
        await race(5, () => 1); // single rows until the very end: the limit is reached, not just approached
        expect(await count(writers[0]!, 'transactions')).toBe(limit);
        expect((await writers[0]!.query(`SELECT current FROM platform.check_limit('transactions')`)).rows[0]).toEqual({ current: limit });

        await asAdmin(platform, tenant, async (admin) => {
          // Every slot claimed once; no session holds two, even after its rolled-back statements.
          const slots = await admin.query<{ pid: number; slot: number }>(
            `SELECT pid, objid::text::int AS slot FROM pg_locks
              WHERE locktype = 'advisory' AND classid = $1 AND objsubid = 2
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
            [LOCK_LIMIT_SLOTS],
          );
          expect(new Set(slots.rows.map((row) => row.slot)).size).toBe(16);
          expect(new Set(slots.rows.map((row) => row.pid)).size).toBe(slots.rows.length);
          const used = await admin.query<{ n: number }>(`SELECT sum(used)::int AS n FROM platform.counters WHERE resource = 'transactions' AND period = platform.current_period()`);
          expect(used.rows[0]!.n).toBe(limit);
        });
      } finally {
        await Promise.all(writers.map((writer) => writer.end()));
      }
    });

    it('keeps the counters equal to count(*) through concurrent deletes and re-inserts, never above the limit', async () => {
      const tenant = await createTenant(platform, 'professional'); // 3 companies, 20 users per company
      await call(platform.core, 'tenants:setOverride', { ref: tenant.code, resource: 'users', kind: 'limit', value: 5, reason: 'Churn test' });
      const writers = await Promise.all(Array.from({ length: 8 }, () => connectAsTenant(tenant.credentials)));
      const monitor = await connectAsTenant(tenant.credentials);
      try {
        const { rows } = await writers[0]!.query<{ id: number }>(`INSERT INTO companies (name) VALUES ('North'), ('South') RETURNING id`);
        const companyIds = rows.map((row) => row.id);
        let done = false;
        let highest = 0;
        const watching = (async () => {
          while (!done) {
            const seen = await monitor.query<{ n: number }>('SELECT max(n)::int AS n FROM (SELECT count(*) AS n FROM users GROUP BY company_id) per_company');
            highest = Math.max(highest, seen.rows[0]!.n ?? 0);
          }
        })();
        let refused = 0;
        await Promise.all(
          writers.map(async (writer, i) => {
            for (let attempt = 0; attempt < 12; attempt += 1) {
              const companyId = companyIds[(i + attempt) % 2]!;
              try {
                await writer.query(`INSERT INTO users (company_id, email) VALUES ($1, $2)`, [companyId, `w${i}-${attempt}@x`]);
              } catch (error) {
                if ((error as { code?: string }).code !== LIMIT_SQLSTATE) throw error;
                refused += 1;
              }
              if (attempt % 3 === 2) await writer.query(`DELETE FROM users WHERE email LIKE $1 AND company_id = $2`, [`w${i}-%`, companyId]);
            }
          }),
        );
        done = true;
        await watching;
        expect(refused).toBeGreaterThan(0);
        expect(highest).toBeLessThanOrEqual(5);
        for (const companyId of companyIds) {
          const current = (await monitor.query(`SELECT current FROM platform.check_limit('users', $1)`, [companyId])).rows[0].current;
          expect(current).toBe(await count(monitor, 'users', `company_id = ${companyId}`));
          expect(current).toBeLessThanOrEqual(5);
        }
        // Companies: delete one (its users go with it), then the freed place is taken again.
        await writers[0]!.query('DELETE FROM companies WHERE id = $1', [companyIds[0]]);
        await Promise.all([writers[1]!.query(`INSERT INTO companies (name) VALUES ('East')`), writers[2]!.query(`INSERT INTO companies (name) VALUES ('West')`)]);
        expect(await failure(writers[3]!, `INSERT INTO companies (name) VALUES ('Fourth')`)).toMatchObject({ code: LIMIT_SQLSTATE }); // 3 of 3
        expect((await monitor.query(`SELECT current FROM platform.check_limit('companies')`)).rows[0].current).toBe(await count(monitor, 'companies'));
        await asAdmin(platform, tenant, async (admin) => {
          const drift = await admin.query(
            `SELECT c.resource, c.scope, sum(c.used)::int AS counted,
                    CASE c.resource WHEN 'companies' THEN (SELECT count(*) FROM erp.companies)::int
                                    ELSE (SELECT count(*) FROM erp.users u WHERE u.company_id = c.scope)::int END AS actual
               FROM platform.counters c WHERE c.resource IN ('companies', 'users') GROUP BY c.resource, c.scope`,
          );
          expect(drift.rows.length).toBeGreaterThan(0);
          for (const row of drift.rows) expect(row.counted, `${row.resource} ${row.scope}`).toBe(row.actual);
        });
      } finally {
        await Promise.all([...writers, monitor].map((client) => client.end()));
      }
    });

    it('rolls over to a new month without a job: last month full, this month empty', async () => {
      const tenant = await createTenant(platform, 'trial');
      await asAdmin(platform, tenant, async (admin) => {
        // Last month used the whole allowance (counters are keyed by month).
        await admin.query(
          `INSERT INTO platform.counters (resource, period, slot, used, cap)
           VALUES ('transactions', (platform.current_period() - interval '1 month')::date, 0, 100, 100)`,
        );
      });
      await asTenant(tenant, async (erp) => {
        const { rows } = await erp.query<{ id: number }>(`INSERT INTO companies (name) VALUES ('Main') RETURNING id`);
        await erp.query(`INSERT INTO transactions (company_id, amount) SELECT $1, 1 FROM generate_series(1, 100)`, [rows[0]!.id]);
        expect(await failure(erp, `INSERT INTO transactions (company_id, amount) VALUES ($1, 1)`, [rows[0]!.id])).toMatchObject({ code: LIMIT_SQLSTATE });
        const months = await erp.query<{ month: string; used: number }>(
          `SELECT to_char(period, 'YYYY-MM') AS month, sum(used)::int AS used FROM platform.counters WHERE resource = 'transactions' GROUP BY period ORDER BY period`,
        );
        expect(months.rows.map((row) => row.used)).toEqual([100, 100]);
      });
    });

    it('warns at the soft threshold (80% by default) before blocking', async () => {
      const tenant = await createTenant(platform, 'starter'); // 1 / 5 / 1000
      await asTenant(tenant, async (erp) => {
        const { rows } = await erp.query<{ id: number }>(`INSERT INTO companies (name) VALUES ('Ops') RETURNING id`);
        await erp.query(`INSERT INTO users (company_id, email) SELECT $1, 'u' || g || '@x' FROM generate_series(1, 3) g`, [rows[0]!.id]);
        expect((await erp.query(`SELECT * FROM platform.check_limit('users', $1)`, [rows[0]!.id])).rows[0]).toEqual({ can_create: true, current: 3, limit: 5, message: null });
        await erp.query(`INSERT INTO users (company_id, email) VALUES ($1, 'u4@x')`, [rows[0]!.id]);
        expect((await erp.query(`SELECT * FROM platform.check_limit('users', $1)`, [rows[0]!.id])).rows[0]).toEqual({
          can_create: true,
          current: 4,
          limit: 5,
          message: 'User limit for company Ops nearly reached (4 of 5).',
        });
      });
      const limits = await call(platform.core, 'tenants:limits', { ref: tenant.code });
      expect(limits.warningPercent).toBe(80);
      expect(limits.resources.find((r) => r.resource === 'users')).toMatchObject({ current: 4, limit: 5, percent: 80, warning: true, blocked: false });
    });

    it('applies an allowance above the limit until it expires, with no job', async () => {
      const tenant = await createTenant(platform, 'trial');
      const expiresAt = new Date(Date.now() + 4000).toISOString();
      const override = await call(platform.core, 'tenants:setOverride', { ref: tenant.code, resource: 'companies', kind: 'allowance', value: 2, reason: 'Good customer', expiresAt });
      expect(override).toMatchObject({ kind: 'allowance', value: 2, active: true });
      await asTenant(tenant, async (erp) => {
        await erp.query(`INSERT INTO companies (name) SELECT 'C' || g FROM generate_series(1, 3) g`);
        expect(await failure(erp, `INSERT INTO companies (name) VALUES ('C4')`)).toMatchObject({ message: 'Company limit reached (3 of 3). Please upgrade.' });
        await erp.query(`DELETE FROM companies WHERE name IN ('C2', 'C3')`);
        await erp.query(`INSERT INTO companies (name) VALUES ('C5')`); // 2 of 3: still within the allowance
        await erp.query('SELECT pg_sleep(greatest(0, extract(epoch FROM $1::timestamptz - clock_timestamp())) + 0.2)', [expiresAt]);
        // Expired: the plan's limit of 1 again; 2 existing companies stay.
        expect(await failure(erp, `INSERT INTO companies (name) VALUES ('C6')`)).toMatchObject({ message: 'Company limit reached (2 of 1). Please upgrade.' });
      });
      const limits = await call(platform.core, 'tenants:limits', { ref: tenant.code });
      expect(limits.overrides).toEqual([expect.objectContaining({ id: override.id, active: false })]);
      expect(limits.resources[0]).toMatchObject({ resource: 'companies', current: 2, limit: 1, blocked: true });

      // A custom limit (unlimited), then revoked.
      const custom = await call(platform.core, 'tenants:setOverride', { ref: tenant.code, resource: 'companies', kind: 'limit', value: null, reason: 'Enterprise deal' });
      await asTenant(tenant, (erp) => erp.query(`INSERT INTO companies (name) SELECT 'D' || g FROM generate_series(1, 5) g`));
      await call(platform.core, 'tenants:revokeOverride', { ref: tenant.code, id: custom.id });
      await asTenant(tenant, async (erp) => {
        expect(await failure(erp, `INSERT INTO companies (name) VALUES ('E')`)).toMatchObject({ code: LIMIT_SQLSTATE, message: 'Company limit reached (7 of 1). Please upgrade.' });
      });
      expect(await callError(platform.core, 'tenants:setOverride', { ref: tenant.code, resource: 'companies', kind: 'allowance', value: null, reason: 'x' })).toMatchObject({ code: 'VALIDATION' });
    });

    it('refuses a downgrade below usage with the exact numbers, applies it when forced, and an upgrade lifts the block', async () => {
      const tenant = await createTenant(platform, 'professional'); // 3 / 20 / 10000
      await asTenant(tenant, async (erp) => {
        const { rows } = await erp.query<{ id: number }>(`INSERT INTO companies (name) VALUES ('Sales'), ('Ops') RETURNING id`);
        await erp.query(`INSERT INTO users (company_id, email) SELECT $1, 'u' || g || '@x' FROM generate_series(1, 7) g`, [rows[0]!.id]);
      });
      const before = await call(platform.core, 'tenants:get', { ref: tenant.code });
      const preview = await call(platform.core, 'tenants:previewPlanChange', { ref: tenant.code, plan: 'starter' });
      expect(preview.violations.map((v) => v.message)).toEqual(['companies: 2, new limit 1', 'users in company Sales: 7, new limit 5']);

      const refused = await callError(platform.core, 'tenants:changePlan', { ref: tenant.code, plan: 'starter', expectedVersion: before.version });
      expect(refused.code).toBe('INVALID_STATE');
      expect(refused.message).toContain('companies: 2, new limit 1; users in company Sales: 7, new limit 5');
      expect(await call(platform.core, 'tenants:get', { ref: tenant.code })).toMatchObject({ plan: 'professional', version: before.version });
      await asTenant(tenant, (erp) => erp.query(`INSERT INTO companies (name) VALUES ('Still allowed')`)); // 3 of 3 under professional

      const forced = await call(platform.core, 'tenants:changePlan', { ref: tenant.code, plan: 'starter', force: true, expectedVersion: before.version, reason: 'Customer asked' });
      expect(forced).toMatchObject({ plan: 'starter', version: before.version + 1, limits: { companies: 1, usersPerCompany: 5 } });
      await asTenant(tenant, async (erp) => {
        expect(await count(erp, 'users')).toBe(7); // existing data stays
        const { rows } = await erp.query<{ id: number }>(`SELECT id FROM companies WHERE name = 'Sales'`);
        expect(await failure(erp, `INSERT INTO users (company_id, email) VALUES ($1, 'new@x')`, [rows[0]!.id])).toMatchObject({
          code: LIMIT_SQLSTATE,
          message: 'User limit for company Sales reached (7 of 5). Please upgrade.',
        });
      });
      const history = await call(platform.core, 'tenants:planHistory', { ref: tenant.code });
      expect(history).toEqual([expect.objectContaining({ from: { code: 'professional', version: 1 }, to: { code: 'starter', version: 1 }, forced: true, reason: 'Customer asked' })]);

      // Stale version refused; upgrade lifts the block at once.
      expect((await callError(platform.core, 'tenants:changePlan', { ref: tenant.code, plan: 'enterprise', expectedVersion: before.version })).code).toBe('CONFLICT');
      await call(platform.core, 'tenants:changePlan', { ref: tenant.code, plan: 'enterprise', expectedVersion: forced.version });
      await asTenant(tenant, async (erp) => {
        const { rows } = await erp.query<{ id: number }>(`SELECT id FROM companies WHERE name = 'Sales'`);
        await erp.query(`INSERT INTO users (company_id, email) SELECT $1, 'more' || g || '@x' FROM generate_series(1, 50) g`, [rows[0]!.id]);
        expect(await count(erp, 'users')).toBe(57);
      });
    });

    it('keeps every tamper attempt by the tenant role out', async () => {
      const tenant = await createTenant(platform, 'trial');
      await asTenant(tenant, async (erp) => {
        const { rows } = await erp.query<{ id: number }>(`INSERT INTO companies (name) VALUES ('Only') RETURNING id`);
        const companyId = rows[0]!.id;
        // It may read its limits and usage.
        expect((await erp.query('SELECT resource, plan_limit FROM platform.limits ORDER BY resource')).rows).toEqual([
          { resource: 'companies', plan_limit: 1 },
          { resource: 'transactions', plan_limit: 100 },
          { resource: 'users', plan_limit: 3 },
        ]);
        const denied = [
          'UPDATE platform.limits SET plan_limit = NULL',
          'UPDATE platform.counters SET used = 0',
          'DELETE FROM platform.counters',
          `INSERT INTO platform.limit_overrides (id, resource, kind, value, reason) VALUES (gen_random_uuid(), 'companies', 'limit', NULL, 'me')`,
          'ALTER TABLE erp.companies DISABLE TRIGGER ALL',
          'ALTER TABLE erp.companies DISABLE TRIGGER companies_limit',
          'DROP TRIGGER companies_limit ON erp.companies',
          'DROP TRIGGER transactions_limit ON erp.transactions',
          'TRUNCATE erp.transactions',
          'TRUNCATE erp.users',
          'TRUNCATE erp.companies CASCADE',
          'TRUNCATE platform.counters',
          `SELECT platform.release('companies', 0, 5)`,
          `SELECT platform.consume('companies', 0, '-infinity', -5)`,
          'SELECT platform.backend_slot(16)',
          `SELECT platform.on_truncate()`,
          'CREATE TABLE platform.counters_shadow (x int)',
          'CREATE FUNCTION platform.check_limit(text) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
          'CREATE TEMP TABLE counters (x int)',
          'ALTER FUNCTION platform.consume(text, bigint, date, bigint) SECURITY INVOKER',
          'SET session_replication_role = replica',
        ];
        for (const statement of denied) {
          const error = await failure(erp, statement);
          expect(error, statement).not.toBeNull();
          expect(['42501', '42883'], `${statement}: ${error?.message}`).toContain(error!.code);
        }
        expect(await failure(erp, `INSERT INTO companies (name) VALUES ('Second')`)).toMatchObject({ code: LIMIT_SQLSTATE });

        // DELETE then INSERT: a deleted company frees its place (and its users' counts).
        await erp.query(`INSERT INTO users (company_id, email) SELECT $1, 'u' || g || '@x' FROM generate_series(1, 3) g`, [companyId]);
        await erp.query('DELETE FROM companies WHERE id = $1', [companyId]);
        const { rows: fresh } = await erp.query<{ id: number }>(`INSERT INTO companies (name) VALUES ('Second') RETURNING id`);
        await erp.query(`INSERT INTO users (company_id, email) SELECT $1, 'v' || g || '@x' FROM generate_series(1, 3) g`, [fresh[0]!.id]);
        expect(await failure(erp, `INSERT INTO users (company_id, email) VALUES ($1, 'w@x')`, [fresh[0]!.id])).toMatchObject({ code: LIMIT_SQLSTATE });
        // A user deleted frees a place; deleting transactions never frees a monthly one.
        await erp.query(`DELETE FROM users WHERE email = 'v1@x'`);
        await erp.query(`INSERT INTO users (company_id, email) VALUES ($1, 'w@x')`, [fresh[0]!.id]);
        await erp.query(`INSERT INTO transactions (company_id, amount) SELECT $1, 1 FROM generate_series(1, 100)`, [fresh[0]!.id]);
        await erp.query('DELETE FROM transactions');
        expect(await failure(erp, `INSERT INTO transactions (company_id, amount) VALUES ($1, 1)`, [fresh[0]!.id])).toMatchObject({ code: LIMIT_SQLSTATE });
        expect((await erp.query(`SELECT current FROM platform.check_limit('transactions')`)).rows[0]).toEqual({ current: 100 });
      });

      // Moving users between companies with UPDATE is enforced in the target company.
      await call(platform.core, 'tenants:setOverride', { ref: tenant.code, resource: 'companies', kind: 'limit', value: 2, reason: 'Two companies' });
      await asTenant(tenant, async (erp) => {
        const { rows } = await erp.query<{ id: number }>(`INSERT INTO companies (name) VALUES ('Target') RETURNING id`);
        const target = rows[0]!.id;
        await erp.query(`INSERT INTO users (company_id, email) VALUES ($1, 't1@x'), ($1, 't2@x')`, [target]);
        expect(await failure(erp, `UPDATE users SET company_id = $1 WHERE company_id <> $1`, [target])).toMatchObject({
          code: LIMIT_SQLSTATE,
          message: 'User limit for company Target reached (3 of 3). Please upgrade.',
        });
        await erp.query(`UPDATE users SET company_id = $1 WHERE email = 'w@x'`, [target]); // one move fits
        const counts = await erp.query<{ name: string; n: number }>(
          `SELECT c.name, (SELECT current FROM platform.check_limit('users', c.id))::int AS n FROM companies c ORDER BY c.name`,
        );
        expect(counts.rows).toEqual([{ name: 'Second', n: 2 }, { name: 'Target', n: 3 }]);
      });
    });
  });
}
