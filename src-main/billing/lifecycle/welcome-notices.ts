import { noticeKeys } from '../notices/notice-keys';
import { notifyTenant } from './notify';
import { daysAfter, NOTICE_CONCURRENCY, type StepContext } from './step-context';

const WELCOME_WINDOW_DAYS = 7;

/** Step 11. A welcome notice for every active tenant created in the last 7 days that has none (key welcome:<id>), sign-ups' tenants apart. */
export async function welcomeNotices(sc: StepContext): Promise<void> {
  const { rows } = await sc.b.ctx.pool.query<{ id: string; tenant_code: string }>(
    `SELECT t.id, t.tenant_code FROM tenants t
      WHERE t.created_at >= $1 AND t.status = 'active'
        AND NOT EXISTS (SELECT 1 FROM billing_notices n WHERE n.idempotency_key = 'welcome:' || t.id)
        -- A self-service sign-up's tenant gets the sign-up's welcome, with its invitation link
        -- (src-main/signups), under this same key: never this generic one, even in the moment
        -- between its activation and that welcome's claim.
        AND NOT EXISTS (SELECT 1 FROM signups s WHERE s.subdomain = t.subdomain AND s.status <> 'failed')
      ORDER BY t.created_at, t.tenant_code`,
    [daysAfter(sc.now, -WELCOME_WINDOW_DAYS)],
  );
  await sc.run.eachTenant('welcome-notices', rows, (row) => notifyTenant(sc, row.id, 'welcome', noticeKeys.welcome(row.id)), NOTICE_CONCURRENCY);
}
