import type pg from 'pg';
import type { Onboarding, OnboardingFunnel, OnboardingStage } from '../../src-shared/contract/onboarding-models';
import { AppError } from '../base/app-error';
import { readSetting } from '../settings/settings-store';
import { getTenantRow } from '../tenants/tenant-queries';

type Queryable = Pick<pg.ClientBase, 'query'>;

interface ProgressRow {
  stage: OnboardingStage;
  welcome_sent_at: Date | null;
  first_sign_in_at: Date | null;
  first_company_at: Date | null;
  first_transaction_at: Date | null;
  payment_method_at: Date | null;
  nudged_at: Date | null;
  stalled: boolean;
  signup_id: string | null;
  signup_created_at: Date | null;
  signup_status: string | null;
}

const iso = (at: Date | null) => at?.toISOString() ?? null;

/** One tenant's checklist, from the platform view onboarding_progress (the rule, once). */
export async function getOnboarding(db: Queryable, ref: string, now: Date): Promise<Onboarding> {
  const tenant = await getTenantRow(db, ref);
  const stalledDays = await readSetting(db, 'onboardingStalledDays');
  const { rows } = await db.query<ProgressRow>(
    `SELECT p.stage, p.welcome_sent_at, p.first_sign_in_at, p.first_company_at, p.first_transaction_at, p.payment_method_at, p.nudged_at,
            COALESCE(p.trial_without_sign_in_since < $2::timestamptz - make_interval(days => $3::int), false) AS stalled,
            s.id AS signup_id, s.created_at AS signup_created_at, s.status AS signup_status
       FROM onboarding_progress p
       LEFT JOIN LATERAL (SELECT * FROM signups s WHERE s.tenant_id = p.tenant_id ORDER BY s.created_at DESC LIMIT 1) s ON true
      WHERE p.tenant_id = $1`,
    [tenant.id, now, stalledDays],
  );
  const row = rows[0];
  if (!row) throw new AppError('INVALID_STATE', `${tenant.tenant_code} is deleted: it has no onboarding checklist.`);
  return {
    tenantCode: tenant.tenant_code,
    stage: row.stage,
    milestones: {
      welcome: iso(row.welcome_sent_at),
      sign_in: iso(row.first_sign_in_at),
      company: iso(row.first_company_at),
      transaction: iso(row.first_transaction_at),
      payment_method: iso(row.payment_method_at),
    },
    stalled: row.stalled,
    stalledDays,
    nudgedAt: iso(row.nudged_at),
    signup: row.signup_id ? { id: row.signup_id, createdAt: row.signup_created_at!.toISOString(), status: row.signup_status! } : null,
  };
}

/**
 * Sign-ups per week (UTC, weeks starting Monday) over the last `weeks` weeks, with how many
 * of each week's became active (someone signed in) and converted (the tenant pays) — a
 * cohort funnel, so a week's figures keep growing as its tenants progress.
 */
export async function onboardingFunnel(db: Queryable, weeks: number, now: Date): Promise<OnboardingFunnel> {
  const stalledDays = await readSetting(db, 'onboardingStalledDays');
  const { rows } = await db.query<{ week: string; signups: number; activated: number; converted: number }>(
    `WITH weeks AS (
       SELECT generate_series(date_trunc('week', $1::timestamptz AT TIME ZONE 'UTC') - make_interval(weeks => $2::int - 1),
                              date_trunc('week', $1::timestamptz AT TIME ZONE 'UTC'), interval '1 week') AS week
     )
     SELECT to_char(w.week, 'YYYY-MM-DD') AS week,
            count(s.id)::int AS signups,
            count(s.id) FILTER (WHERE p.first_sign_in_at IS NOT NULL)::int AS activated,
            count(s.id) FILTER (WHERE tb.state = 'active')::int AS converted
       FROM weeks w
       LEFT JOIN signups s ON date_trunc('week', s.created_at AT TIME ZONE 'UTC') = w.week AND s.status <> 'failed'
       LEFT JOIN onboarding_progress p ON p.tenant_id = s.tenant_id
       LEFT JOIN tenant_billing tb ON tb.tenant_id = s.tenant_id
      GROUP BY w.week ORDER BY w.week`,
    [now, weeks],
  );
  const { rows: stalled } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM onboarding_progress WHERE trial_without_sign_in_since < $1::timestamptz - make_interval(days => $2::int)`,
    [now, stalledDays],
  );
  const sum = (key: 'signups' | 'activated' | 'converted') => rows.reduce((total, row) => total + row[key], 0);
  return {
    weeks: rows,
    totals: { signups: sum('signups'), activated: sum('activated'), converted: sum('converted'), stalled: stalled[0]?.n ?? 0 },
  };
}

/** Stalled trials not nudged yet: what the onboarding job e-mails, once each. */
export async function stalledTrialsToNudge(db: Queryable, now: Date): Promise<{ tenantId: string; tenantCode: string }[]> {
  const stalledDays = await readSetting(db, 'onboardingStalledDays');
  const { rows } = await db.query<{ tenant_id: string; tenant_code: string }>(
    `SELECT p.tenant_id, t.tenant_code FROM onboarding_progress p JOIN tenants t ON t.id = p.tenant_id
      WHERE p.trial_without_sign_in_since < $1::timestamptz - make_interval(days => $2::int) AND p.nudged_at IS NULL
      ORDER BY t.created_at, t.tenant_code LIMIT 500`,
    [now, stalledDays],
  );
  return rows.map((row) => ({ tenantId: row.tenant_id, tenantCode: row.tenant_code }));
}
