import { describe, expect, it } from 'vitest';
import { overageLines } from '../../src-main/billing/invoices/overage';
import { call, uniqueTenantInput } from '../support/core-calls';
import { serverCases, useTestPlatform } from '../support/servers';
import { connectAsTenant } from '../support/tenant-clients';

/**
 * Issue 11, item 5: "Transactions this month" fed overage billing and the near-limit list
 * from erp.transactions.created_at, a column the tenant writes. A tenant that dated its
 * rows last month or next year paid for none of them. The figure now comes from the limit's
 * own counters, which count a row in the month it is written.
 */
describe.each(await serverCases('usage from counters'))('transactions this month on $name', (serverCase) => {
  const platform = useTestPlatform(serverCase, 'ucount');

  it.skipIf(serverCase.skip)('counts backdated and future-dated rows in the month they were written, for usage, near-limit and overage', async () => {
    const core = platform.core;
    // Trial: 100 transactions a month.
    const { tenant, credentials } = await call(core, 'tenants:create', uniqueTenantInput('trial', 'Backdater'));
    const erp = await connectAsTenant(credentials);
    let counted: number;
    try {
      const { rows } = await erp.query<{ id: string }>(`INSERT INTO erp.companies (name) VALUES ('Backdater') RETURNING id`);
      const company = rows[0]!.id;
      await erp.query(`INSERT INTO erp.transactions (company_id, amount) SELECT $1, 1 FROM generate_series(1, 2)`, [company]);
      await erp.query(
        `INSERT INTO erp.transactions (company_id, amount, created_at)
         SELECT $1, 1, date_trunc('month', now()) - interval '3 days' FROM generate_series(1, 50)`,
        [company],
      );
      await erp.query(`INSERT INTO erp.transactions (company_id, amount, created_at) SELECT $1, 1, now() + interval '1 year' FROM generate_series(1, 40)`, [company]);
      // Moving rows out of the month afterwards changes nothing either.
      await erp.query(`UPDATE erp.transactions SET created_at = '2001-01-01' WHERE amount = 1 AND created_at <= now()`);
      // The counters themselves are read-only to the tenant.
      await expect(erp.query(`UPDATE platform.counters SET used = 0`)).rejects.toMatchObject({ code: '42501' });
      counted = Number((await erp.query<{ current: string }>(`SELECT current FROM platform.check_limit('transactions')`)).rows[0]!.current);
    } finally {
      await erp.end();
    }
    expect(counted).toBe(92);

    const run = await call(core, 'usage:collect', {});
    expect(run.failed).toBe(0);
    const { rows } = await core.platform.pool.query<{ transactions_month: number; month_start: string }>(
      `SELECT transactions_month, to_char(month_start, 'YYYY-MM-DD') AS month_start FROM tenant_usage WHERE tenant_id = $1 ORDER BY usage_date DESC LIMIT 1`,
      [tenant.id],
    );
    expect(rows[0]).toMatchObject({ transactions_month: 92 });

    // The near-limit list shows the limit's figure (92 of 100)…
    const fleet = await call(core, 'usage:fleet', { days: 30 });
    const listed = fleet.nearLimit.tenants.find((row) => row.tenantCode === tenant.tenantCode);
    expect(listed?.resources).toContainEqual({ resource: 'transactionsPerMonth', current: 92, limit: 100, percent: 92 });

    // …and overage billing bills it (here against a 50-a-month plan at 10 cents each).
    const monthStart = new Date(`${rows[0]!.month_start}T00:00:00Z`);
    const lines = await overageLines(core.platform.pool, tenant.id, { maxTransactionsPerMonth: 50, overagePriceCents: 10 }, monthStart, new Date(monthStart.getTime() + 86_400_000));
    expect(lines).toEqual([expect.objectContaining({ kind: 'overage', quantity: 42, amountCents: 420, description: expect.stringContaining('(92 counted)') })]);
  });
});
