import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { describe, expect, it } from 'vitest';
import { call, uniqueTenantInput } from '../support/core-calls';
import { adminClient, embeddedTarget, useTestPlatform } from '../support/servers';
import { connectAsTenant } from '../support/tenant-clients';
import { tierScale } from '../support/tier';

/**
 * Attack (issue 11, item 1): the tenant's own role runs whatever sequence of statements it
 * likes against its companies and users — deletes and re-inserts with the same ids
 * (OVERRIDING SYSTEM VALUE), moves, COPY, MERGE, TRUNCATE — trying to leave a counter
 * below the truth and so grow a company past its user limit. After every statement, for
 * every company: users ≤ the limit, and the counters equal count(*).
 */
const USERS_LIMIT = 3;
const COMPANIES_LIMIT = 4;
const SEEDS = tierScale([1, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8]);
const STEPS = tierScale(70, 200);

/** mulberry32: a small seeded PRNG, so a failing sequence can be replayed from its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Step = (erp: pg.Client) => Promise<unknown>;

function randomStep(random: () => number, ids: () => number[], serial: () => number): { label: string; run: Step } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  // Ids the tenant has seen, plus ones it invents: re-using a deleted id is the attack.
  const companyId = () => (ids().length > 0 && random() < 0.8 ? pick(ids()) : 1 + Math.floor(random() * 8));
  const email = () => `u${serial()}@x.example`;
  const steps: (() => { label: string; run: Step })[] = [
    () => ({ label: 'insert company', run: (erp) => erp.query(`INSERT INTO erp.companies (name) VALUES ('C${serial()}')`) }),
    () => {
      const id = companyId();
      return { label: `insert company ${id} overriding system value`, run: (erp) => erp.query(`INSERT INTO erp.companies (id, name) OVERRIDING SYSTEM VALUE VALUES ($1, 'Again')`, [id]) };
    },
    () => {
      const id = companyId();
      return { label: `delete company ${id}`, run: (erp) => erp.query('DELETE FROM erp.companies WHERE id = $1', [id]) };
    },
    () => {
      const id = companyId();
      const n = 1 + Math.floor(random() * 4);
      return { label: `insert ${n} users into ${id}`, run: (erp) => erp.query(`INSERT INTO erp.users (company_id, email) SELECT $1, 'g' || g || '-' || $2 FROM generate_series(1, $3::int) g`, [id, email(), n]) };
    },
    () => {
      const [from, to] = [companyId(), companyId()];
      return { label: `move users ${from} → ${to}`, run: (erp) => erp.query('UPDATE erp.users SET company_id = $2 WHERE id IN (SELECT id FROM erp.users WHERE company_id = $1 LIMIT 2)', [from, to]) };
    },
    () => {
      const id = companyId();
      return { label: `delete a user of ${id}`, run: (erp) => erp.query('DELETE FROM erp.users WHERE id = (SELECT min(id) FROM erp.users WHERE company_id = $1)', [id]) };
    },
    () => {
      const id = companyId();
      const rows = Array.from({ length: 1 + Math.floor(random() * 4) }, () => `${id}\t${email()}\n`).join('');
      return {
        label: `copy users into ${id}`,
        run: async (erp) => pipeline(Readable.from([rows]), erp.query(copyFrom('COPY erp.users (company_id, email) FROM STDIN'))),
      };
    },
    () => {
      const [id, other] = [companyId(), companyId()];
      return {
        label: `merge users ${id}/${other}`,
        run: (erp) =>
          erp.query(
            `MERGE INTO erp.users u
             USING (SELECT $1::bigint AS company_id, e AS email FROM unnest($3::text[]) e
                    UNION ALL SELECT company_id, email FROM erp.users WHERE company_id = $2::bigint) s
                ON u.company_id = s.company_id AND u.email = s.email
              WHEN MATCHED AND s.company_id = $2::bigint THEN UPDATE SET company_id = $1::bigint
              WHEN NOT MATCHED THEN INSERT (company_id, email) VALUES (s.company_id, s.email)`,
            [id, other, [email(), email()]],
          ),
      };
    },
    () => ({ label: 'truncate users', run: (erp) => erp.query('TRUNCATE erp.users') }),
    () => {
      const [id, to] = [companyId(), 100 + Math.floor(random() * 5)];
      return { label: `renumber company ${id} → ${to}`, run: (erp) => erp.query('UPDATE erp.companies SET id = $2 WHERE id = $1', [id, to]) };
    },
  ];
  return pick(steps)();
}

describe('user and company counters stay true whatever the tenant runs', () => {
  const platform = useTestPlatform({ name: 'embedded PostgreSQL', target: embeddedTarget, skip: false }, 'limitsprop');

  it.each(SEEDS)('seed %i: random statement sequences by the tenant role', async (seed) => {
    const { tenant, credentials } = await call(platform.core, 'tenants:create', uniqueTenantInput('professional', `Prop ${seed}`));
    await call(platform.core, 'tenants:setOverride', { ref: tenant.tenantCode, resource: 'users', kind: 'limit', value: USERS_LIMIT, reason: 'property test' });
    await call(platform.core, 'tenants:setOverride', { ref: tenant.tenantCode, resource: 'companies', kind: 'limit', value: COMPANIES_LIMIT, reason: 'property test' });
    const random = prng(seed);
    let counter = 0;
    const serial = () => (counter += 1);
    const erp = await connectAsTenant(credentials);
    const admin = await adminClient(platform.url, credentials.database);
    const known = new Set<number>();
    const history: string[] = [];
    try {
      for (let step = 0; step < STEPS; step += 1) {
        const { label, run } = randomStep(random, () => [...known], serial);
        const outcome = await run(erp).then(
          () => 'ok',
          (error: { code?: string }) => `refused ${error.code ?? '?'}`,
        );
        history.push(`${step}: ${label} → ${outcome}`);
        for (const row of (await erp.query<{ id: number }>('SELECT id FROM erp.companies')).rows) known.add(Number(row.id));

        const { rows } = await admin.query<{ company_id: number; actual: number; counted: number | null }>(
          `SELECT c.id AS company_id, (SELECT count(*) FROM erp.users u WHERE u.company_id = c.id)::int AS actual,
                  (SELECT sum(used)::int FROM platform.counters k WHERE k.resource = 'users' AND k.scope = c.id) AS counted
             FROM erp.companies c`,
        );
        const trail = () => history.slice(-8).join('\n');
        for (const row of rows) {
          expect(row.actual, `company ${row.company_id} has more users than its limit after:\n${trail()}`).toBeLessThanOrEqual(USERS_LIMIT);
          expect(row.counted ?? 0, `users counter of company ${row.company_id} differs from count(*) after:\n${trail()}`).toBe(row.actual);
        }
        const companies = await admin.query<{ actual: number; counted: number | null }>(
          `SELECT (SELECT count(*) FROM erp.companies)::int AS actual, (SELECT sum(used)::int FROM platform.counters WHERE resource = 'companies') AS counted`,
        );
        expect(companies.rows[0]!.actual, `companies over the limit after:\n${trail()}`).toBeLessThanOrEqual(COMPANIES_LIMIT);
        expect(companies.rows[0]!.counted ?? 0, `companies counter differs from count(*) after:\n${trail()}`).toBe(companies.rows[0]!.actual);
        // No counter rows for companies that no longer exist (they are how a negative count hid).
        const orphans = await admin.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM platform.counters k WHERE k.resource = 'users' AND k.used <> 0 AND NOT EXISTS (SELECT 1 FROM erp.companies c WHERE c.id = k.scope)`,
        );
        expect(orphans.rows[0]!.n, `a users counter outlived its company after:\n${trail()}`).toBe(0);
      }
      // The sequence did real work: statements went through, and the limit refused some.
      expect(history.filter((line) => line.endsWith('→ ok')).length).toBeGreaterThan(STEPS / 4);
      expect(history.some((line) => line.endsWith('refused TC001'))).toBe(true);
    } finally {
      await erp.end();
      await admin.end();
    }
  });
});
