/**
 * Self-service sign-ups and the onboarding checklist (src-main/signups owns both tables).
 *
 * - signups: one row per accepted sign-up request, its provisioning status and its tenant.
 *   A subdomain has at most one live sign-up (pending, provisioning or ready), so a double
 *   submit finds the first instead of making a second tenant.
 * - signup_attempts: every request per client address, for the rate limit (kept in the
 *   platform database so it holds across restarts and consoles); old rows are pruned.
 * - tenant_onboarding: the milestones of each tenant's checklist as they are first seen
 *   (welcome sent, first sign-in, first company, first transaction, payment method) and
 *   the one nudge a stalled trial gets.
 * - billing_notices learns the nudge's kind.
 *
 * 012 is the tenant API's (API keys).
 */
export const sql = /* sql */ `
CREATE TABLE signups (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_name   text NOT NULL CHECK (char_length(company_name) BETWEEN 1 AND 200),
  subdomain      text NOT NULL CHECK (subdomain ~ '^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$'),
  admin_email    text NOT NULL CHECK (char_length(admin_email) BETWEEN 3 AND 320),
  plan_code      text CHECK (plan_code ~ '^[a-z][a-z0-9_-]{1,31}$'),
  client_address text NOT NULL CHECK (char_length(client_address) BETWEEN 1 AND 100),
  status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'provisioning', 'ready', 'failed')),
  tenant_id      uuid REFERENCES tenants (id) ON DELETE SET NULL,
  tenant_code    text,
  message        text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz
);
CREATE UNIQUE INDEX signups_live_subdomain ON signups (subdomain) WHERE status <> 'failed';
CREATE INDEX signups_created ON signups (created_at);
CREATE INDEX signups_tenant ON signups (tenant_id);

CREATE TABLE signup_attempts (
  client_address text NOT NULL,
  attempted_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signup_attempts_address ON signup_attempts (client_address, attempted_at);

CREATE TABLE tenant_onboarding (
  tenant_id            uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  welcome_sent_at      timestamptz,
  first_sign_in_at     timestamptz,
  first_company_at     timestamptz,
  first_transaction_at timestamptz,
  payment_method_at    timestamptz,
  nudged_at            timestamptz,
  updated_at           timestamptz NOT NULL DEFAULT now()
);

-- The checklist's one rule: each milestone's time (recorded, or derived from billing), the
-- stage (the first milestone not reached yet) and, for an active trial nobody has signed in
-- to, since when (stalled = older than the onboarding_stalled_days setting).
CREATE VIEW onboarding_progress AS
SELECT t.id AS tenant_id, m.welcome_sent_at, m.first_sign_in_at, m.first_company_at, m.first_transaction_at,
       m.payment_method_at, o.nudged_at,
       CASE WHEN m.welcome_sent_at IS NULL THEN 'welcome'
            WHEN m.first_sign_in_at IS NULL THEN 'sign_in'
            WHEN m.first_company_at IS NULL THEN 'company'
            WHEN m.first_transaction_at IS NULL THEN 'transaction'
            WHEN m.payment_method_at IS NULL THEN 'payment_method'
            ELSE 'done' END AS stage,
       CASE WHEN t.status = 'active' AND tb.state = 'trialing' AND m.first_sign_in_at IS NULL THEN t.created_at END AS trial_without_sign_in_since
  FROM tenants t
  LEFT JOIN tenant_onboarding o ON o.tenant_id = t.id
  LEFT JOIN tenant_billing tb ON tb.tenant_id = t.id
  CROSS JOIN LATERAL (
    SELECT COALESCE(o.welcome_sent_at,
                    (SELECT n.sent_at FROM billing_notices n WHERE n.idempotency_key = 'welcome:' || t.id AND n.state = 'sent')) AS welcome_sent_at,
           o.first_sign_in_at, o.first_company_at, o.first_transaction_at,
           COALESCE(o.payment_method_at, CASE WHEN tb.payment_method_present THEN tb.updated_at END) AS payment_method_at
  ) AS m
 WHERE t.status <> 'deleted';

ALTER TABLE billing_notices DROP CONSTRAINT billing_notices_kind_check;
ALTER TABLE billing_notices ADD CONSTRAINT billing_notices_kind_check
  CHECK (kind IN ('welcome', 'trial_ending', 'trial_ended', 'payment_failed', 'suspended', 'reactivated',
                  'limit_warning', 'limit_reached', 'invoice_issued', 'test', 'onboarding_nudge'));

-- Every operator reads them (the checklist, the funnel); only the console writes them.
REVOKE ALL ON signups, signup_attempts, tenant_onboarding, onboarding_progress FROM PUBLIC;
GRANT SELECT ON signups, tenant_onboarding, onboarding_progress TO tc_viewer;
`;
