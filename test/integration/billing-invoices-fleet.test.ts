import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/billing/clock';
import { DUE_TENANTS_SQL } from '../../src-main/billing/invoices/invoice-generation';
import { generateDueInvoices, selectDueTenants } from '../../src-main/billing/invoices/invoice-service';
import { embeddedTarget, useTestPlatform } from '../support/servers';

/**
 * Periodic invoicing's cost on a large fleet with nothing due: the due tenants come from one
 * indexed query. The 10,000 tenants are registry rows only (no databases): invoicing reads
 * the platform database alone, so their databases would change nothing here.
 */
describe('periodic invoicing over 10,000 tenants', () => {
  const platform = useTestPlatform({ name: 'embedded PostgreSQL', target: embeddedTarget, skip: false }, 'invfleet');
  const tag = randomBytes(3).toString('hex');

  afterAll(async () => {
    // Registry rows without databases: removed here so the platform's cleanup has nothing to drop for them.
    await platform.core.platform.pool.query(`DELETE FROM tenants WHERE subdomain LIKE $1`, [`bulk-${tag}-%`]);
  });

  it('finds nothing due in well under a second, through the period-end index', async () => {
    const pool = platform.core.platform.pool;
    await pool.query(
      `WITH made AS (
         INSERT INTO tenants (tenant_code, company_name, subdomain, admin_email, plan_code, plan_version, status, server_id, database_name, db_role)
         SELECT 'ZQ' || lpad(g::text, 6, '0'), 'Bulk ' || g, 'bulk-' || $1 || '-' || g, 'bulk' || g || '@example.com',
                CASE WHEN g % 3 = 0 THEN 'professional' ELSE 'starter' END, 1, 'active',
                (SELECT id FROM servers LIMIT 1), 'bulk_' || $1 || '_' || g, 'bulk_' || $1 || '_' || g || '_app'
           FROM generate_series(1, 10000) g
         RETURNING id, tenant_code
       )
       INSERT INTO tenant_billing (tenant_id, state, current_period_start, current_period_end)
       SELECT id,
              CASE WHEN right(tenant_code, 1) IN ('0', '1') THEN 'trialing' ELSE 'active' END,
              timestamptz '2027-01-01' + (right(tenant_code, 2)::int || ' hours')::interval,
              timestamptz '2027-02-01' + (right(tenant_code, 2)::int || ' hours')::interval
         FROM made`,
      [tag],
    );
    await pool.query('ANALYZE tenants; ANALYZE tenant_billing');
    const clock = new ManualClock('2027-01-20T00:00:00Z');
    const b = { ...platform.core.billing, clock };

    const { rows: plan } = await pool.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${DUE_TENANTS_SQL}`, [clock.now(), ['active', 'past_due']]);
    expect(JSON.stringify(plan[0]!['QUERY PLAN'])).toContain('tenant_billing_period_end');

    const started = performance.now();
    const actions = await generateDueInvoices(b);
    const elapsedMs = performance.now() - started;
    console.log(`[measure] periodic invoicing over 10,000 tenants with nothing due: ${elapsedMs.toFixed(1)} ms`);
    expect(actions).toEqual([]);
    expect(elapsedMs).toBeLessThan(500);

    // And the same query finds exactly the due ones once their periods end (trialing ones are not billed).
    clock.set('2027-02-01T05:30:00Z');
    const due = await selectDueTenants(pool, clock.now());
    const expected = await pool.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM tenant_billing WHERE state = 'active' AND current_period_end <= $1`,
      [clock.now()],
    );
    expect(due.length).toBe(expected.rows[0]!.count);
    expect(due.length).toBeGreaterThan(0);
  });
});
