import type pg from 'pg';
import type { MeteredUsage } from '../../../src-shared/domain/pricing';

type Queryable = Pick<pg.ClientBase, 'query'>;

/**
 * A period's metered figures, read from the daily usage rows (tenant_usage, one per tenant
 * per UTC day) dated in [from, to) — the day of `from` belongs to the period, the day of
 * `to` to the next one, so consecutive periods share no row:
 * - peak users / companies: the highest users_total / companies of those rows; a period
 *   without a row (no collection ran) takes the latest figures before it, else 0;
 * - transactions: the sum of those rows' transactions_delta (each collection's new
 *   transactions since the previous day's figures), so every transaction counted by a
 *   collection is billed in exactly one period.
 */
export const METERED_USAGE_SQL = /* sql */ `
  WITH period AS (
    SELECT (($2::timestamptz) AT TIME ZONE 'UTC')::date AS first_day, (($3::timestamptz) AT TIME ZONE 'UTC')::date AS end_day
  ), inside AS (
    SELECT max(u.users_total) AS users, max(u.companies) AS companies, coalesce(sum(u.transactions_delta), 0)::bigint AS transactions
      FROM tenant_usage u, period
     WHERE u.tenant_id = $1 AND u.usage_date >= period.first_day AND u.usage_date < period.end_day
  ), before AS (
    SELECT u.users_total AS users, u.companies
      FROM tenant_usage u, period
     WHERE u.tenant_id = $1 AND u.usage_date < period.first_day AND u.users_total IS NOT NULL
     ORDER BY u.usage_date DESC LIMIT 1
  )
  SELECT coalesce(inside.users, (SELECT users FROM before), 0)::int AS peak_users,
         coalesce(inside.companies, (SELECT companies FROM before), 0)::int AS peak_companies,
         inside.transactions
    FROM inside`;

export async function readMeteredUsage(db: Queryable, tenantId: string, from: Date, to: Date): Promise<MeteredUsage> {
  const { rows } = await db.query<{ peak_users: number; peak_companies: number; transactions: string }>(METERED_USAGE_SQL, [tenantId, from, to]);
  const row = rows[0]!;
  return { peakUsers: row.peak_users, peakCompanies: row.peak_companies, transactions: Number(row.transactions) };
}
