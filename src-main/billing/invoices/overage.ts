import type pg from 'pg';
import type { InvoiceLine } from '../../../src-shared/contract/billing-models';
import type { UsagePeriod } from './metered-usage';

type Queryable = Pick<pg.ClientBase, 'query'>;

export interface OveragePlan {
  readonly maxTransactionsPerMonth: number | null;
  readonly overagePriceCents: number | null;
}

const MONTH_NAME = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** Whether a plan can have overage at all (a limit and a price above 0): others read no usage for it. */
export const hasOverage = (plan: OveragePlan): boolean => plan.maxTransactionsPerMonth !== null && plan.overagePriceCents !== null && plan.overagePriceCents > 0;

/**
 * The months of each period ($1/$2/$3: parallel arrays tenant, from, to) with their latest
 * transactions_month, one statement for any number of tenants (`ord` = the element).
 */
const OVERAGE_MONTHS_SQL = /* sql */ `
  SELECT p.ord::int AS ord, m.month_start, m.transactions
    FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS p (tenant_id, period_from, period_to, ord)
   CROSS JOIN LATERAL (
     SELECT DISTINCT ON (month_start) to_char(month_start, 'YYYY-MM-DD') AS month_start, transactions_month AS transactions
       FROM tenant_usage
      WHERE tenant_id = p.tenant_id
        AND month_start IS NOT NULL AND transactions_month IS NOT NULL
        AND (month_start::timestamp AT TIME ZONE 'UTC') >= p.period_from
        AND (month_start::timestamp AT TIME ZONE 'UTC') < p.period_to
      ORDER BY month_start, usage_date DESC, collected_at DESC
   ) AS m
   ORDER BY p.ord, m.month_start`;

/**
 * Overage lines for a billing period (billed in arrears), one per calendar month (UTC)
 * whose first day falls inside [from, to): that month's transactions above the plan's
 * monthly limit, at the plan's overage price. The month's figure is the latest
 * tenant_usage.transactions_month collected for it. A period aligned with calendar months
 * (the 1st to the 1st) bills each month exactly once and in full; for a period starting
 * mid-month, a month is billed with the period in which it starts, at the count known when
 * that invoice is made. Plans without a limit or without an overage price have no overage.
 * Many periods (each with its plan) in one statement; the answer is in the order given.
 */
export async function overageLinesMany(db: Queryable, periods: readonly (UsagePeriod & { plan: OveragePlan })[]): Promise<InvoiceLine[][]> {
  const result = periods.map((): InvoiceLine[] => []);
  const read = periods.map((period, index) => ({ period, index })).filter(({ period }) => hasOverage(period.plan));
  if (read.length === 0) return result;
  const { rows } = await db.query<{ ord: number; month_start: string; transactions: number }>(OVERAGE_MONTHS_SQL, [
    read.map(({ period }) => period.tenantId),
    read.map(({ period }) => period.from),
    read.map(({ period }) => period.to),
  ]);
  for (const row of rows) {
    const { period, index } = read[row.ord - 1]!;
    const limit = period.plan.maxTransactionsPerMonth!;
    const price = period.plan.overagePriceCents!;
    const over = Number(row.transactions) - limit;
    if (over <= 0) continue;
    const month = MONTH_NAME.format(new Date(`${row.month_start}T00:00:00Z`));
    result[index]!.push({
      kind: 'overage',
      description: `Transactions over ${limit.toLocaleString('en-US')} in ${month} (${Number(row.transactions).toLocaleString('en-US')} counted)`,
      quantity: over,
      unitCents: price,
      amountCents: over * price,
    });
  }
  return result;
}

/** One tenant's overage lines for [from, to) (see overageLinesMany). */
export async function overageLines(db: Queryable, tenantId: string, plan: OveragePlan, from: Date, to: Date): Promise<InvoiceLine[]> {
  const [lines] = await overageLinesMany(db, [{ tenantId, from, to, plan }]);
  return lines!;
}
