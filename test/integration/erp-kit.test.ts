import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMIT_SQLSTATE as CONSOLE_LIMIT_SQLSTATE } from '../../src-main/tenant-schema/migrations/003-limits';
import { MAX_ACCOUNT_ADMINS } from '../../src-main/tenant-schema/migrations/007-invitations';
import { inviteAccountAdmin, newInvitation, type Invitation } from '../../src-main/signups/invitation';
import { LIMIT_SQLSTATE, TenantKitError, acceptInvitation, limitDetails, type ErpKit, type TenantHandle } from '../../erp-kit/src/index';
import { startErpKitWorld, type ErpKitWorld, type KitTenant } from '../support/erp-kit-world';
import { adminClient, serverCases, useTestPlatform, withAdminClient } from '../support/servers';

// The ERP kit against real tenant databases provisioned by the console: the refusals the
// databases raise (TC001, NOLOGIN, CONNECT revoked, terminated sessions) become the answers
// the ERP's users see, and the pool of pools stays bounded. The directory is the real tenant
// API (GET /api/resolve), and status changes go through its PUT /api/tenants/{code}/status;
// the two checks that count the kit's requests or need a directory lagging behind go through
// the world's stand-in (a recording proxy in front of the real API), and say so.

async function refusal(promise: Promise<unknown>): Promise<TenantKitError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TenantKitError);
  return error as TenantKitError;
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

it('mirrors the console SQLSTATE for limits (the kit keeps its own copy)', () => {
  expect(LIMIT_SQLSTATE).toBe(CONSOLE_LIMIT_SQLSTATE);
});

for (const serverCase of await serverCases('the ERP kit')) {
  describe.skipIf(serverCase.skip)(`ERP kit on real tenant databases — ${serverCase.name}`, () => {
    const platform = useTestPlatform(serverCase, 'erpkit');
    let world: ErpKitWorld;
    beforeAll(async () => {
      world = await startErpKitWorld(platform.core, { companyName: 'Kit Test' });
    });
    afterAll(() => world?.close());

    /** Sessions the server holds for these tenants' roles. */
    const sessionsOf = async (codes: string[]): Promise<number> => {
      const admin = await adminClient(platform.url);
      try {
        const roles = codes.map((code) => `tenant_${code.toLowerCase()}_app`);
        const { rows } = await admin.query<{ n: string }>('SELECT count(*)::text AS n FROM pg_stat_activity WHERE usename = ANY($1)', [roles]);
        return Number(rows[0]!.n);
      } finally {
        await admin.end();
      }
    };

    it('turns a real TC001 into 403 with the database sentence, resource, current and limit', async () => {
      const tenant = await world.createTenant('professional', { companies: 3, users: 2, transactions: 5 });
      const kit = world.kit();
      const erp = await kit.tenantFor({ host: tenant.host });
      expect(erp.code).toBe(tenant.code);

      expect(await erp.checkLimit('companies')).toEqual({ canCreate: true, current: 0, limit: 3, message: null });
      const ids: number[] = [];
      for (const name of ['North', 'South', 'East']) ids.push(Number((await erp.query<{ id: string }>('INSERT INTO erp.companies (name) VALUES ($1) RETURNING id', [name])).rows[0]!.id));
      expect(await erp.checkLimit('companies')).toEqual({ canCreate: false, current: 3, limit: 3, message: 'Company limit reached (3 of 3). Please upgrade.' });
      expect(await erp.checkLimit('company')).toMatchObject({ canCreate: false }); // the API's singular names too

      const company = await refusal(erp.query(`INSERT INTO erp.companies (name) VALUES ('West')`));
      expect(company.status).toBe(403);
      expect(company.body).toEqual({ error: 'Company limit reached (3 of 3). Please upgrade.', code: 'limit_reached', resource: 'companies', current: 3, limit: 3 });
      expect((company.cause as { code?: string }).code).toBe('TC001');

      // Per company users; a multi-row insert that would cross the limit.
      const users = await refusal(erp.query(`INSERT INTO erp.users (company_id, email) VALUES ($1, 'a@x'), ($1, 'b@x'), ($1, 'c@x')`, [ids[0]]));
      expect(users.body).toEqual({
        error: 'User limit for company North would be exceeded (0 of 2, this adds 3). Please upgrade.',
        code: 'limit_reached',
        resource: 'users',
        current: 0,
        limit: 2,
        company_id: ids[0],
      });
      expect(await erp.checkLimit('users', ids[0]!)).toEqual({ canCreate: true, current: 0, limit: 2, message: null });

      // Inside a transaction: the refusal rolls the whole transaction back.
      const inTransaction = await refusal(
        erp.transaction(async (client) => {
          await client.query(`INSERT INTO erp.transactions (company_id, amount) SELECT $1, 1 FROM generate_series(1, 5)`, [ids[1]]);
          await client.query(`INSERT INTO erp.transactions (company_id, amount) VALUES ($1, 1)`, [ids[1]]);
        }),
      );
      expect(inTransaction.body).toMatchObject({ error: 'Monthly transaction limit reached (5 of 5). Please upgrade.', resource: 'transactions', current: 5, limit: 5 });
      expect((await erp.query<{ n: string }>('SELECT count(*)::text AS n FROM erp.transactions')).rows[0]!.n).toBe('0');

      // A proxy or an old driver without DETAIL: the numbers still come from the sentence.
      const cause = company.cause as Error & { detail?: string };
      expect(limitDetails({ code: cause.message ? 'TC001' : '', message: cause.message })).toMatchObject({ resource: 'companies', current: 3, limit: 3 });
    });

    it('answers 403 "Account suspended" when the database refuses the suspended role, even before the cache expires', async () => {
      const tenant = await world.createTenant('starter');
      // STAND-IN: to count how often the kit asks the directory.
      const kit = world.kit({ resolver: { ttlMs: 60_000 } }, { via: 'stand-in' });
      const erp = await kit.tenantFor({ host: tenant.host });
      await erp.query(`INSERT INTO erp.companies (name) VALUES ('Before')`);
      expect(kit.pools.size).toBe(1);
      const asked = world.standIn.requests.length;

      await world.suspend(tenant.code); // NOLOGIN, CONNECT revoked, sessions terminated
      // The cached directory answer still says active: the database is what refuses.
      const again = await kit.tenantFor({ host: tenant.host });
      const started = performance.now();
      const suspended = await refusal(again.query('SELECT count(*) FROM erp.companies'));
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(suspended.status).toBe(403);
      expect(suspended.body).toEqual({ error: 'Account suspended. Please contact support.', code: 'account_suspended', tenant_code: tenant.code });
      expect(world.standIn.requests.length).toBe(asked + 1); // asked the directory once, past the cache
      await waitFor('the suspended pool to close', () => kit.pools.size === 0);
      // From now on the directory's answer refuses the request before any connection.
      expect((await refusal(kit.tenantFor({ host: tenant.host }))).body.code).toBe('account_suspended');

      await world.activate(tenant.code);
      kit.resolver.clear();
      expect((await (await kit.tenantFor({ host: tenant.host })).query<{ n: string }>('SELECT count(*)::text AS n FROM erp.companies')).rows[0]!.n).toBe('1');
    });

    it('says suspended when the role is refused at login although the directory still says active', async () => {
      const tenant = await world.createTenant('starter');
      // STAND-IN: the real API reports the suspension at once; a lagging directory needs the stand-in.
      const kit = world.kit({}, { via: 'stand-in' });
      world.statusOverrides.set(tenant.code, 'active');
      try {
        await world.suspend(tenant.code);
        const erp = await kit.tenantFor({ tenantId: tenant.code });
        const error = await refusal(erp.query('SELECT 1'));
        expect(error.status).toBe(403);
        expect(error.body.code).toBe('account_suspended');
        expect((error.cause as { code?: string }).code).toMatch(/^(28000|42501)$/);
      } finally {
        world.statusOverrides.delete(tenant.code);
      }
    });

    it('answers 410 for a cancelled tenant, from the database refusal and from the directory', async () => {
      const tenant = await world.createTenant('starter');
      const kit = world.kit({ resolver: { ttlMs: 60_000 } });
      const erp = await kit.tenantFor({ host: tenant.host });
      await erp.query('SELECT 1');
      await world.cancel(tenant.code);
      const gone = await refusal(erp.query('SELECT 1'));
      expect(gone.status).toBe(410);
      expect(gone.body).toEqual({ error: 'This account has been cancelled.', code: 'account_cancelled', tenant_code: tenant.code });
      expect((await refusal(kit.tenantFor({ host: tenant.host }))).status).toBe(410);
    });

    it('never calls a wrong password a suspension', async () => {
      const tenant = await world.createTenant('starter');
      const kit = world.kit();
      const right = world.passwords.get(tenant.code)!;
      world.passwords.set(tenant.code, `${right}x`);
      try {
        const erp = await kit.tenantFor({ host: tenant.host });
        // What the server itself says to this password (the external test server trusts
        // 127.0.0.1 in pg_hba.conf and checks none): the kit must pass exactly that on.
        const { connection } = await kit.resolver.byCode(tenant.code);
        const direct = new pg.Client({ ...connection, password: `${right}x`, connectionTimeoutMillis: 5_000 });
        const serverRefuses = await direct.connect().then(
          () => false,
          (thrown: { code?: string }) => thrown.code === '28P01',
        );
        await direct.end().catch(() => undefined);
        const error = await erp.query('SELECT 1').then(
          () => null,
          (thrown: unknown) => thrown,
        );
        expect(error).not.toBeInstanceOf(TenantKitError);
        if (serverRefuses) expect((error as { code?: string }).code).toBe('28P01');
        else expect(error).toBeNull();
      } finally {
        world.passwords.set(tenant.code, right);
      }
      // The stored password is asked again for each new connection: fixed, it works at once.
      expect((await (await kit.tenantFor({ host: tenant.host })).query('SELECT 1 AS one')).rows[0]).toEqual({ one: 1 });
    });

    it('one tenant suspended never disturbs another tenant on the same kit', async () => {
      const [a, b] = [await world.createTenant('starter'), await world.createTenant('starter')];
      const kit = world.kit({ resolver: { ttlMs: 60_000 } });
      const [ea, eb] = [await kit.tenantFor({ host: a.host }), await kit.tenantFor({ host: b.host })];
      await Promise.all([ea.query('SELECT 1'), eb.query('SELECT 1')]);
      await world.suspend(a.code);
      expect((await refusal(ea.query('SELECT 1'))).body.code).toBe('account_suspended');
      for (let i = 0; i < 5; i += 1) expect((await eb.query('SELECT 1 AS one')).rows[0]).toEqual({ one: 1 });
      expect(kit.pools.tenants()).toEqual([b.code]);
    });

    describe('accepting an invitation (tenant migration 007)', () => {
      // Invitations are made as the sign-up makes them (src-main/signups/invitation.ts): the
      // tenant database keeps the token's SHA-256 and an expiry; the ERP redeems the token.
      const HASH = '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG';
      const INVALID = 'This invitation is not valid: it was already used, has expired, or was replaced by a newer one.';

      const invite = async (tenant: KitTenant, email: string, invitation: Invitation = newInvitation(new Date(), 7)): Promise<Invitation> => {
        const { rows } = await platform.core.platform.pool.query<{ server_id: string; database_name: string }>('SELECT server_id, database_name FROM tenants WHERE tenant_code = $1', [tenant.code]);
        const { server_id: serverId, database_name: databaseName } = rows[0]!;
        expect(await inviteAccountAdmin(platform.core.platform, { serverId, databaseName }, email, invitation)).toBe(true);
        return invitation;
      };
      /** The tenant's account administrators, read as the database owner (not through the kit). */
      const accountAdmins = async (tenant: KitTenant) => {
        const { rows } = await platform.core.platform.pool.query<{ database_name: string }>('SELECT database_name FROM tenants WHERE tenant_code = $1', [tenant.code]);
        return withAdminClient(platform.url, rows[0]!.database_name, async (client) =>
          (await client.query<{ id: string; email: string; password_hash: string | null; accepted: boolean; has_token: boolean }>(
            `SELECT id::text, email, password_hash, invitation_accepted_at IS NOT NULL AS accepted, invitation_token_hash IS NOT NULL AS has_token
               FROM erp.users WHERE company_id IS NULL ORDER BY id`,
          )).rows,
        );
      };

      it('accepts a token once; a used, expired, replaced or guessed token is 400 invitation_invalid and changes nothing', async () => {
        const tenant = await world.createTenant('starter');
        const kit = world.kit();
        const erp = await kit.tenantFor({ host: tenant.host });
        const { token } = await invite(tenant, 'owner@kit.test');

        const id = await erp.acceptInvitation(token, HASH);
        expect(id).toBeGreaterThan(0);
        expect(await accountAdmins(tenant)).toEqual([{ id: String(id), email: 'owner@kit.test', password_hash: HASH, accepted: true, has_token: false }]);

        const used = await refusal(erp.acceptInvitation(token, `${HASH}-other`));
        expect(used.status).toBe(400);
        expect(used.body).toEqual({ error: INVALID, code: 'invitation_invalid' });
        expect((used.cause as { code?: string }).code).toBe('TC002');

        // Made with a clock 10 days back, valid for one day: already expired.
        const expired = await invite(tenant, 'late@kit.test', newInvitation(new Date(Date.now() - 10 * 86_400_000), 1));
        expect((await refusal(erp.acceptInvitation(expired.token, HASH))).body).toEqual({ error: INVALID, code: 'invitation_invalid' });

        // A retried welcome replaces the token: the old link stops working, the new one works.
        const first = await invite(tenant, 'second@kit.test');
        const second = await invite(tenant, 'second@kit.test');
        expect((await refusal(erp.acceptInvitation(first.token, HASH))).body.code).toBe('invitation_invalid');
        expect((await refusal(erp.acceptInvitation('A'.repeat(43), HASH))).body.code).toBe('invitation_invalid'); // guessed
        expect((await refusal(erp.acceptInvitation('short', HASH))).body).toEqual({ error: 'This invitation is not valid.', code: 'invitation_invalid' });
        // A password hash the ERP did not compute is the ERP's bug, not the user's: passed on unchanged.
        const badHash = await erp.acceptInvitation(second.token, 'plain').catch((thrown: unknown) => thrown);
        expect(badHash).not.toBeInstanceOf(TenantKitError);
        expect((badHash as { code?: string }).code).toBe('22023');

        expect(await accountAdmins(tenant)).toEqual([
          { id: String(id), email: 'owner@kit.test', password_hash: HASH, accepted: true, has_token: false },
          { id: expect.any(String), email: 'late@kit.test', password_hash: null, accepted: false, has_token: true },
          { id: expect.any(String), email: 'second@kit.test', password_hash: null, accepted: false, has_token: true },
        ]);
        // The standalone function on the ERP's own connection, with the still valid token.
        const secondId = await erp.withClient((client) => acceptInvitation(client, second.token, HASH));
        expect((await accountAdmins(tenant)).find((user) => user.email === 'second@kit.test')).toMatchObject({ id: String(secondId), accepted: true, has_token: false });
        expect((await refusal(erp.withClient((client) => acceptInvitation(client, second.token, HASH)))).body.code).toBe('invitation_invalid');
      });

      it('two concurrent acceptances of one token: exactly one wins', async () => {
        const tenant = await world.createTenant('starter');
        const kit = world.kit();
        const erp = await kit.tenantFor({ host: tenant.host });
        const { token } = await invite(tenant, 'race@kit.test');
        const results = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => erp.acceptInvitation(token, `${HASH}${i}`)));
        const won = results.filter((result) => result.status === 'fulfilled');
        expect(won).toHaveLength(1);
        for (const result of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
          expect(result.reason).toBeInstanceOf(TenantKitError);
          expect((result.reason as TenantKitError).body.code).toBe('invitation_invalid');
        }
        const [admin] = await accountAdmins(tenant);
        expect(admin).toMatchObject({ accepted: true, has_token: false });
        expect(results.indexOf(won[0]!)).toBe(Number(admin!.password_hash!.slice(HASH.length)));
      });

      it("never accepts one tenant's token on another tenant's database", async () => {
        const [mine, theirs] = [await world.createTenant('starter'), await world.createTenant('starter')];
        const kit = world.kit();
        const { token } = await invite(theirs, 'victim@kit.test');
        const wrongPlace = await refusal((await kit.tenantFor({ host: mine.host })).acceptInvitation(token, HASH));
        expect(wrongPlace.body.code).toBe('invitation_invalid');
        expect(await accountAdmins(theirs)).toMatchObject([{ email: 'victim@kit.test', password_hash: null, accepted: false, has_token: true }]);
        expect(await (await kit.tenantFor({ host: theirs.host })).acceptInvitation(token, HASH)).toBeGreaterThan(0);
      });

      it(`answers TC003 (more than ${MAX_ACCOUNT_ADMINS} account administrators) with 403 limit_reached, and keeps nothing of the refused change`, async () => {
        const tenant = await world.createTenant('starter');
        const kit = world.kit();
        const erp = await kit.tenantFor({ host: tenant.host });
        const invitations: Invitation[] = [];
        for (let i = 0; i < MAX_ACCOUNT_ADMINS; i += 1) invitations.push(await invite(tenant, `admin${i}@kit.test`));
        await erp.acceptInvitation(invitations[0]!.token, HASH);
        const body = {
          error: `Account administrator limit reached (${MAX_ACCOUNT_ADMINS + 1} of ${MAX_ACCOUNT_ADMINS}): give the user a company.`,
          code: 'limit_reached',
          resource: 'account_admins',
          current: MAX_ACCOUNT_ADMINS,
          limit: MAX_ACCOUNT_ADMINS,
        };

        const added = await refusal(erp.query(`INSERT INTO erp.users (company_id, email, is_account_admin) VALUES (NULL, 'one-more@kit.test', true)`));
        expect(added.status).toBe(403);
        expect(added.body).toEqual(body);
        expect((added.cause as { code?: string }).code).toBe('TC003');

        // Taking a company user out of its company is refused the same way.
        const companyId = Number((await erp.query<{ id: string }>(`INSERT INTO erp.companies (name) VALUES ('Kit Co') RETURNING id`)).rows[0]!.id);
        await erp.query(`INSERT INTO erp.users (company_id, email, is_account_admin) VALUES ($1, 'staff@kit.test', true)`, [companyId]);
        const moved = await refusal(erp.query(`UPDATE erp.users SET company_id = NULL WHERE email = 'staff@kit.test'`));
        expect(moved.status).toBe(403);
        expect(moved.body).toEqual(body);

        expect((await accountAdmins(tenant)).map((user) => user.email)).toEqual(invitations.map((_, i) => `admin${i}@kit.test`));
        // At the cap, a pending invitation is still accepted: it adds no account administrator.
        expect(await erp.acceptInvitation(invitations[1]!.token, HASH)).toBeGreaterThan(0);
      });
    });

    describe('the pool of pools', () => {
      let tenants: { code: string; host: string }[] = [];
      beforeAll(async () => {
        tenants = [];
        for (let i = 0; i < 3; i += 1) tenants.push(await world.createTenant('starter'));
      });

      const use = async (kit: ErpKit, host: string): Promise<TenantHandle> => {
        const erp = await kit.tenantFor({ host });
        await erp.query('SELECT 1');
        return erp;
      };

      it('holds at most maxPools pools, evicting the least recently used and ending its sessions', async () => {
        const kit = world.kit({ pools: { maxPools: 2, poolIdleMs: 60_000 } });
        const [t1, t2, t3] = tenants as [{ code: string; host: string }, { code: string; host: string }, { code: string; host: string }];
        await use(kit, t1.host);
        await use(kit, t2.host);
        await use(kit, t1.host); // t1 is now the most recent: t2 goes next
        await use(kit, t3.host);
        expect(kit.pools.size).toBe(2);
        expect(kit.pools.tenants()).toEqual([t1.code, t3.code]);
        await waitFor("t2's sessions to end", async () => (await sessionsOf([t2.code])) === 0);
        // 20 requests spread over three tenants never open a third pool.
        await Promise.all(Array.from({ length: 20 }, (_, i) => use(kit, tenants[i % 3]!.host)));
        expect(kit.pools.size).toBeLessThanOrEqual(2);
        await kit.close();
        await waitFor('every session to end after close', async () => (await sessionsOf(tenants.map((t) => t.code))) === 0);
      });

      it('makes a new tenant wait for an idle pool when all are busy, never stranding another tenant\'s requests', async () => {
        const kit = world.kit({ pools: { maxPools: 1, poolIdleMs: 60_000, connectTimeoutMs: 400 } });
        const [t1, t2] = tenants as [{ code: string; host: string }, { code: string; host: string }];
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        const busy = (await kit.tenantFor({ host: t1.host })).withClient(async (client) => {
          await client.query('SELECT 1');
          await held;
        });
        const started = performance.now();
        const refused = await refusal(use(kit, t2.host));
        expect(performance.now() - started).toBeGreaterThanOrEqual(350);
        expect(refused.status).toBe(503);
        expect(refused.body.code).toBe('tenant_database_unavailable');
        expect(refused.retryAfter).toBe(2);
        // Waiting, then served as soon as the busy pool is idle.
        const waiting = use(kit, t2.host);
        setTimeout(release, 100);
        await busy;
        await waiting;
        expect(kit.pools.tenants()).toEqual([t2.code]);
        await kit.close(); // its sessions would otherwise count in the next test
      });

      it('closes pools left idle, never one in use', async () => {
        const kit = world.kit({ pools: { maxPools: 10, poolIdleMs: 300 } });
        const [t1, t2] = tenants as [{ code: string; host: string }, { code: string; host: string }];
        await use(kit, t1.host);
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        const busy = (await kit.tenantFor({ host: t2.host })).withClient(async (client) => {
          await client.query('SELECT 1');
          await held;
        });
        await waitFor('the idle pool to be swept', () => kit.pools.size === 1, 5_000);
        expect(kit.pools.tenants()).toEqual([t2.code]);
        expect(kit.pools.sweepIdle(Date.now() + 3_600_000)).toBe(0); // checked out: kept
        await waitFor("t1's sessions to end", async () => (await sessionsOf([t1.code])) === 0);
        release();
        await busy;
        await waitFor('the second pool to be swept', () => kit.pools.size === 0, 5_000);
        await waitFor("t2's sessions to end", async () => (await sessionsOf([t2.code])) === 0);
      });
    });
  });
}
