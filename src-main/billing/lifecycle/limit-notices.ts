import { readSetting } from '../../settings/settings-store';
import { monthOf, noticeKeys } from '../notices/notice-keys';
import { notifyTenant } from './notify';
import { NOTICE_CONCURRENCY, type StepContext } from './step-context';

interface LimitRow {
  id: string;
  tenant_code: string;
  resource: string;
  current: number;
  lim: number;
  percent: number;
  kind: 'limit_warning' | 'limit_reached';
}

/**
 * Step 10. Soft-limit notices from each active tenant's latest usage figures against its
 * effective limits (the usage pages' own view, effective_limits): 'limit_warning' from the warning % (the
 * limitWarningPercent setting, src-main/settings), 'limit_reached' at 100 %, per resource,
 * once per calendar month. Transactions count only when the figures are of this month.
 * The key mirrors noticeKeys.limit.
 */
export async function limitNotices(sc: StepContext): Promise<void> {
  const month = monthOf(sc.now);
  const { rows } = await sc.b.ctx.pool.query<LimitRow>(
    `WITH latest AS (
       SELECT t.id, t.tenant_code, u.companies, u.largest_company_users,
              CASE WHEN u.month_start = $2::date THEN u.transactions_month END AS transactions
         FROM tenants t
         CROSS JOIN LATERAL (SELECT companies, largest_company_users, transactions_month, month_start
                               FROM tenant_usage u WHERE u.tenant_id = t.id ORDER BY u.usage_date DESC LIMIT 1) u
        WHERE t.status = 'active'
     ), graded AS (
       SELECT latest.id, latest.tenant_code, r.resource, r.current, r.lim, percent_of_limit(r.current, r.lim) AS percent
         FROM latest
         JOIN effective_limits l ON l.tenant_id = latest.id
         CROSS JOIN LATERAL (VALUES ('companies', latest.companies, l.companies),
                                    ('users', latest.largest_company_users, l.users_per_company),
                                    ('transactions', latest.transactions, l.transactions_per_month)) AS r (resource, current, lim)
        WHERE r.lim IS NOT NULL AND r.current IS NOT NULL
     ), due AS (
       SELECT graded.*, CASE WHEN percent >= 100 THEN 'limit_reached' ELSE 'limit_warning' END AS kind
         FROM graded WHERE percent >= $3::int
     )
     SELECT due.* FROM due
      WHERE NOT EXISTS (SELECT 1 FROM billing_notices n WHERE n.idempotency_key = due.kind || ':' || due.id || ':' || due.resource || ':' || $1)
      ORDER BY due.tenant_code, due.resource`,
    [month, `${month}-01`, await readSetting(sc.b.ctx.pool, 'limitWarningPercent')],
  );
  await sc.run.eachTenant('limit-notices', rows, (row) =>
    notifyTenant(sc, row.id, row.kind, noticeKeys.limit(row.kind, row.id, row.resource, month), {
      resource: row.resource,
      current: row.current,
      limit: row.lim,
      percent: Math.min(Math.round(row.percent), 999),
    }),
    NOTICE_CONCURRENCY,
  );
}
