import { PERIOD_INTERVAL_SQL, type StepContext } from './step-context';

/**
 * Step 2. Every non-deleted tenant has its billing row (provisioning makes it; consoles
 * older than billing did not), and a tenant moved off its trial plan by an operator's plain
 * plan change stops being 'trialing': it becomes active with a period from the clock.
 * Both are single set-based statements, idempotent by their WHERE clauses.
 */
export async function enrolOrRepair(sc: StepContext): Promise<void> {
  const pool = sc.b.ctx.pool;
  const enrolled = await pool.query<{ tenant_code: string; state: string }>(
    `WITH missing AS (
       SELECT t.id, t.tenant_code,
              CASE WHEN t.trial_ends_at IS NOT NULL AND p.trial_days IS NOT NULL THEN 'trialing'
                   WHEN p.billed_each_period THEN 'active' ELSE 'none' END AS state,
              CASE WHEN (t.trial_ends_at IS NULL OR p.trial_days IS NULL) AND p.billed_each_period
                   THEN $1::timestamptz + ${PERIOD_INTERVAL_SQL('p.billing_interval')} END AS period_end
         FROM tenants t JOIN plans p ON p.code = t.plan_code AND p.version = t.plan_version
        WHERE t.status NOT IN ('deleted', 'provisioning')
          AND NOT EXISTS (SELECT 1 FROM tenant_billing tb WHERE tb.tenant_id = t.id)
     ), inserted AS (
       INSERT INTO tenant_billing (tenant_id, state, current_period_start, current_period_end)
       SELECT id, state, $1, period_end FROM missing
       ON CONFLICT (tenant_id) DO NOTHING
       RETURNING tenant_id, state
     )
     SELECT m.tenant_code, i.state FROM inserted i JOIN missing m ON m.id = i.tenant_id ORDER BY m.tenant_code`,
    [sc.now],
  );
  for (const row of enrolled.rows) await sc.run.act('enrolled', row.tenant_code, `billing record made (${row.state})`);

  const repaired = await pool.query<{ tenant_code: string; state: string }>(
    `UPDATE tenant_billing tb
        SET state = CASE WHEN p.billed_each_period THEN 'active' ELSE 'none' END,
            current_period_start = $1,
            current_period_end = CASE WHEN p.billed_each_period THEN $1::timestamptz + ${PERIOD_INTERVAL_SQL('p.billing_interval')} END,
            updated_at = now()
       FROM tenants t JOIN plans p ON p.code = t.plan_code AND p.version = t.plan_version
      WHERE tb.tenant_id = t.id AND tb.state = 'trialing' AND p.trial_days IS NULL AND t.status NOT IN ('deleted', 'provisioning')
      RETURNING t.tenant_code, tb.state`,
    [sc.now],
  );
  for (const row of repaired.rows) await sc.run.act('enrolled', row.tenant_code, `no longer on a trial plan: trialing → ${row.state}`);
}
