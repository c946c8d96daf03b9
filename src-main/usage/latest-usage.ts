import type pg from 'pg';

/** The latest collected day of each tenant (companies and users), for lists beside each tenant. */
export async function latestUsageOf(pool: pg.Pool, codes: readonly string[]): Promise<{ tenantCode: string; usageDate: string; companies: number | null; usersTotal: number | null }[]> {
  if (codes.length === 0) return [];
  const { rows } = await pool.query<{ tenant_code: string; usage_date: string; companies: number | null; users_total: number | null }>(
    `SELECT DISTINCT ON (t.tenant_code) t.tenant_code, to_char(u.usage_date, 'YYYY-MM-DD') AS usage_date, u.companies, u.users_total
       FROM tenants t JOIN tenant_usage u ON u.tenant_id = t.id
      WHERE t.tenant_code = ANY($1::text[])
      ORDER BY t.tenant_code, u.usage_date DESC`,
    [codes],
  );
  return rows.map((row) => ({ tenantCode: row.tenant_code, usageDate: row.usage_date, companies: row.companies, usersTotal: row.users_total }));
}
