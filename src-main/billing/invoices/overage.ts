import type pg from 'pg';
import type { InvoiceLine } from '../../../src-shared/contract/billing-models';

type Queryable = Pick<pg.ClientBase, 'query'>;

export interface OveragePlan {
  readonly maxTransactionsPerMonth: number | null;
  readonly overagePriceCents: number | null;
}

const MONTH_NAME = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/**
 * Overage lines for a billing period (billed in arrears), one per calendar month (UTC)
 * whose first day falls inside [from, to): that month's transactions above the plan's
 * monthly limit, at the plan's overage price. The month's figure is the latest
 * tenant_usage.transactions_month collected for it. A period aligned with calendar months
 * (the 1st to the 1st) bills each month exactly once and in full; for a period starting
 * mid-month, a month is billed with the period in which it starts, at the count known when
 * that invoice is made. Plans without a limit or without an overage price have no overage.
 */
export async function overageLines(db: Queryable, tenantId: string, plan: OveragePlan, from: Date, to: Date): Promise<InvoiceLine[]> {
  const limit = plan.maxTransactionsPerMonth;
  const price = plan.overagePriceCents;
  if (limit === null || price === null || price <= 0) return [];
  const { rows } = await db.query<{ month_start: string; transactions: number }>(
    `SELECT DISTINCT ON (month_start) to_char(month_start, 'YYYY-MM-DD') AS month_start, transactions_month AS transactions
       FROM tenant_usage
      WHERE tenant_id = $1
        AND month_start IS NOT NULL AND transactions_month IS NOT NULL
        AND (month_start::timestamp AT TIME ZONE 'UTC') >= $2
        AND (month_start::timestamp AT TIME ZONE 'UTC') < $3
      ORDER BY month_start, usage_date DESC, collected_at DESC`,
    [tenantId, from, to],
  );
  const lines: InvoiceLine[] = [];
  for (const row of rows) {
    const over = Number(row.transactions) - limit;
    if (over <= 0) continue;
    const month = MONTH_NAME.format(new Date(`${row.month_start}T00:00:00Z`));
    lines.push({
      kind: 'overage',
      description: `Transactions over ${limit.toLocaleString('en-US')} in ${month} (${Number(row.transactions).toLocaleString('en-US')} counted)`,
      quantity: over,
      unitCents: price,
      amountCents: over * price,
    });
  }
  return lines;
}
