import type pg from 'pg';
import type { MeteredUsage } from '../../../src-shared/domain/pricing';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** One tenant's period to read usage for: rows dated in [from, to). */
export interface UsagePeriod {
  readonly tenantId: string;
  readonly from: Date;
  readonly to: Date;
}

/**
 * A period's metered figures, read from the daily usage rows (tenant_usage, one per tenant
 * per UTC day) dated in [from, to) — the day of `from` belongs to the period, the day of
 * `to` to the next one, so consecutive periods share no row:
 * - peak users / companies: the highest users_total / companies of those rows; a period
 *   without a row (no collection ran) takes the latest figures before it, else 0;
 * - transactions: the sum of those rows' transactions_delta (each collection's new
 *   transactions since the previous day's figures), so every transaction counted by a
 *   collection is billed in exactly one period.
 * Set-based: $1/$2/$3 are parallel arrays (tenant, from, to), one answer row per element in
 * the same order (`ord`), each read through the (tenant_id, usage_date) primary key. The
 * single-tenant reader is this statement with one element, so invoicing a fleet at once and
 * one tenant's estimate read usage the same way.
 */
export const METERED_USAGE_SQL = /* sql */ `
  SELECT p.ord::int AS ord,
         coalesce(inside.users, before.users, 0)::int AS peak_users,
         coalesce(inside.companies, before.companies, 0)::int AS peak_companies,
         inside.transactions
    FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS p (tenant_id, period_from, period_to, ord)
   CROSS JOIN LATERAL (
     SELECT ((p.period_from) AT TIME ZONE 'UTC')::date AS first_day, ((p.period_to) AT TIME ZONE 'UTC')::date AS end_day
   ) AS period
   CROSS JOIN LATERAL (
     SELECT max(u.users_total) AS users, max(u.companies) AS companies, coalesce(sum(u.transactions_delta), 0)::bigint AS transactions
       FROM tenant_usage u
      WHERE u.tenant_id = p.tenant_id AND u.usage_date >= period.first_day AND u.usage_date < period.end_day
   ) AS inside
    LEFT JOIN LATERAL (
     SELECT u.users_total AS users, u.companies
       FROM tenant_usage u
      WHERE u.tenant_id = p.tenant_id AND u.usage_date < period.first_day AND u.users_total IS NOT NULL
      ORDER BY u.usage_date DESC LIMIT 1
   ) AS before ON true
   ORDER BY p.ord`;

/** The metered figures of many periods in one statement, in the order given. */
export async function readMeteredUsageMany(db: Queryable, periods: readonly UsagePeriod[]): Promise<MeteredUsage[]> {
  if (periods.length === 0) return [];
  const { rows } = await db.query<{ ord: number; peak_users: number; peak_companies: number; transactions: string }>(METERED_USAGE_SQL, [
    periods.map((period) => period.tenantId),
    periods.map((period) => period.from),
    periods.map((period) => period.to),
  ]);
  return rows.map((row) => ({ peakUsers: row.peak_users, peakCompanies: row.peak_companies, transactions: Number(row.transactions) }));
}

export async function readMeteredUsage(db: Queryable, tenantId: string, from: Date, to: Date): Promise<MeteredUsage> {
  const [usage] = await readMeteredUsageMany(db, [{ tenantId, from, to }]);
  return usage!;
}
