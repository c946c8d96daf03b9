/**
 * Announced price changes (issue 15): moving a plan's tenants on older versions to a newer
 * version at a date, with a notice e-mail N days before.
 *
 * - plan_move_schedules: one row per announcement (the plan, the version moved to, the date,
 *   the notice lead). At most one open schedule per plan, so two announcements never race
 *   for the same tenants.
 * - plan_move_schedule_tenants: the tenants the announcement concerns, fixed when it is made
 *   (those are the ones noticed; a tenant is never moved without its notice), each with
 *   the version it was on, when its notice went out, its Stripe subscription schedule (Stripe
 *   mode) and how its move ended.
 * - billing_notices learns the notice's kind.
 *
 * Grants: every operator reads them; admins schedule and cancel; billing (the lifecycle job)
 * records notices and moves. Number 015 is another branch's migration.
 */
export const sql = /* sql */ `
CREATE TABLE plan_move_schedules (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  plan_code    text NOT NULL,
  to_version   integer NOT NULL,
  move_at      timestamptz NOT NULL,
  notice_days  integer NOT NULL CHECK (notice_days BETWEEN 0 AND 365),
  notice_at    timestamptz NOT NULL,
  state        text NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'done', 'canceled')),
  reason       text CHECK (char_length(reason) <= 500),
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  canceled_by  text,
  canceled_at  timestamptz,
  finished_at  timestamptz,
  FOREIGN KEY (plan_code, to_version) REFERENCES plans (code, version),
  CHECK (notice_at <= move_at)
);
CREATE UNIQUE INDEX plan_move_schedules_one_open ON plan_move_schedules (plan_code) WHERE state = 'scheduled';
CREATE INDEX plan_move_schedules_due ON plan_move_schedules (notice_at, move_at) WHERE state = 'scheduled';

CREATE TABLE plan_move_schedule_tenants (
  schedule_id         uuid NOT NULL REFERENCES plan_move_schedules (id) ON DELETE CASCADE,
  tenant_id           uuid NOT NULL REFERENCES tenants (id),
  from_version        integer NOT NULL,
  state               text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'moved', 'skipped')),
  noticed_at          timestamptz,
  stripe_schedule_id  text,
  moved_at            timestamptz,
  last_error          text,
  PRIMARY KEY (schedule_id, tenant_id)
);

ALTER TABLE billing_notices DROP CONSTRAINT billing_notices_kind_check;
ALTER TABLE billing_notices ADD CONSTRAINT billing_notices_kind_check
  CHECK (kind IN ('welcome', 'trial_ending', 'trial_ended', 'payment_failed', 'suspended', 'reactivated',
                  'limit_warning', 'limit_reached', 'invoice_issued', 'test', 'onboarding_nudge', 'price_change'));

REVOKE ALL ON plan_move_schedules, plan_move_schedule_tenants FROM PUBLIC;
GRANT SELECT ON plan_move_schedules, plan_move_schedule_tenants TO tc_viewer;
GRANT UPDATE ON plan_move_schedules, plan_move_schedule_tenants TO tc_billing;
GRANT SELECT, INSERT, UPDATE, DELETE ON plan_move_schedules, plan_move_schedule_tenants TO tc_admin;
`;
