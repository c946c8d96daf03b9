/**
 * Billing: each tenant's billing state (trial, subscription, grace period), invoices with
 * gapless numbers, payments, the Stripe mapping and event cursor, the e-mail notices sent
 * (one per idempotency key) and the lifecycle job's runs.
 */
export const sql = /* sql */ `
-- One row per tenant (made by the lifecycle job's enrolment step, or at create).
CREATE TABLE tenant_billing (
  tenant_id                  uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  -- trialing → active | past_due → unpaid → canceled; none = free or not billed.
  state                      text NOT NULL DEFAULT 'none'
                               CHECK (state IN ('none', 'trialing', 'active', 'past_due', 'unpaid', 'canceled')),
  -- The plan a trial converts to (NULL = starter).
  conversion_plan_code       text CHECK (conversion_plan_code ~ '^[a-z][a-z0-9_-]{1,31}$'),
  payment_method_present     boolean NOT NULL DEFAULT false,
  -- 'visa •••• 4242', 'SEPA mandate' …: shown, never a full number.
  payment_method_label       text CHECK (char_length(payment_method_label) <= 100),
  stripe_customer_id         text UNIQUE,
  stripe_subscription_id     text UNIQUE,
  stripe_subscription_status text,
  -- The paid period now running; manual invoicing bills a period when it ends.
  current_period_start       timestamptz,
  current_period_end         timestamptz,
  cancel_at_period_end       boolean NOT NULL DEFAULT false,
  -- A downgrade waiting for the end of the period.
  pending_plan_code          text,
  pending_plan_version       integer,
  grace_reason               text CHECK (grace_reason IN ('trial_ended', 'payment_failed', 'invoice_overdue')),
  grace_started_at           timestamptz,
  grace_ends_at              timestamptz,
  -- Billing suspended it, so a payment reactivates it (an operator's suspension stays).
  suspended_by_billing       boolean NOT NULL DEFAULT false,
  last_error                 text,
  created_at                 timestamptz NOT NULL DEFAULT now(),
  updated_at                 timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (pending_plan_code, pending_plan_version) REFERENCES plans (code, version),
  CHECK ((grace_reason IS NULL) = (grace_ends_at IS NULL))
);
CREATE INDEX tenant_billing_state ON tenant_billing (state);
CREATE INDEX tenant_billing_grace ON tenant_billing (grace_ends_at) WHERE grace_ends_at IS NOT NULL;
CREATE INDEX tenant_billing_period_end ON tenant_billing (current_period_end);
CREATE INDEX tenants_trial_ends ON tenants (trial_ends_at) WHERE trial_ends_at IS NOT NULL;

-- Gapless invoice numbers: one row per series, taken FOR UPDATE in the transaction that
-- finalizes the invoice, so a rollback gives the number back and two finalizers queue.
CREATE TABLE invoice_sequences (
  series      text PRIMARY KEY CHECK (series ~ '^[A-Z0-9][A-Z0-9-]{0,23}$'),
  next_number bigint NOT NULL DEFAULT 1 CHECK (next_number >= 1)
);

CREATE TABLE invoices (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id           uuid NOT NULL REFERENCES tenants (id),
  source              text NOT NULL CHECK (source IN ('manual', 'stripe')),
  -- Given when finalized (a draft has none); never reused, a void invoice keeps it.
  series              text REFERENCES invoice_sequences (series),
  sequence_number     bigint,
  number              text UNIQUE,
  state               text NOT NULL CHECK (state IN ('draft', 'open', 'paid', 'void', 'uncollectible')),
  currency            text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  period_start        timestamptz,
  period_end          timestamptz,
  plan_code           text,
  plan_version        integer,
  subtotal_cents      bigint NOT NULL DEFAULT 0,
  tax_rate_percent    numeric(6, 3) NOT NULL DEFAULT 0 CHECK (tax_rate_percent >= 0 AND tax_rate_percent <= 100),
  tax_cents           bigint NOT NULL DEFAULT 0,
  total_cents         bigint NOT NULL DEFAULT 0,
  amount_paid_cents   bigint NOT NULL DEFAULT 0,
  issued_at           timestamptz,
  due_at              timestamptz,
  paid_at             timestamptz,
  voided_at           timestamptz,
  void_reason         text,
  stripe_invoice_id   text UNIQUE,
  hosted_invoice_url  text,
  created_by          text NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (series, sequence_number),
  CHECK ((number IS NULL) = (state = 'draft') OR source = 'stripe')
);
-- The periodic invoice is made once per tenant and period, however many runners try.
CREATE UNIQUE INDEX invoices_one_per_period ON invoices (tenant_id, period_start) WHERE source = 'manual' AND state <> 'void' AND period_start IS NOT NULL;
CREATE INDEX invoices_tenant ON invoices (tenant_id, created_at DESC);
CREATE INDEX invoices_open_due ON invoices (due_at) WHERE state = 'open';

CREATE TABLE invoice_lines (
  invoice_id   uuid NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
  position     integer NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('plan', 'overage', 'proration', 'adjustment')),
  description  text NOT NULL CHECK (char_length(description) BETWEEN 1 AND 300),
  quantity     bigint NOT NULL DEFAULT 1,
  unit_cents   bigint NOT NULL,
  amount_cents bigint NOT NULL,
  PRIMARY KEY (invoice_id, position)
);

CREATE TABLE invoice_payments (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  invoice_id   uuid NOT NULL REFERENCES invoices (id),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  method       text NOT NULL CHECK (char_length(method) BETWEEN 1 AND 50),
  reference    text CHECK (char_length(reference) <= 200),
  received_at  timestamptz NOT NULL,
  recorded_by  text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invoice_payments_invoice ON invoice_payments (invoice_id);

-- Lines waiting for the tenant's next manual invoice (proration after an upgrade, credits).
CREATE TABLE billing_pending_items (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('proration', 'adjustment')),
  description  text NOT NULL CHECK (char_length(description) BETWEEN 1 AND 300),
  amount_cents bigint NOT NULL,
  invoice_id   uuid REFERENCES invoices (id),
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX billing_pending_items_open ON billing_pending_items (tenant_id) WHERE invoice_id IS NULL;

-- Plan version ↔ Stripe product and price (created by the console, or linked to existing ones).
CREATE TABLE stripe_prices (
  plan_code         text NOT NULL,
  plan_version      integer NOT NULL,
  stripe_product_id text NOT NULL,
  stripe_price_id   text NOT NULL UNIQUE,
  linked            boolean NOT NULL DEFAULT false,
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (plan_code, plan_version),
  FOREIGN KEY (plan_code, plan_version) REFERENCES plans (code, version)
);

-- Every Stripe event applied, once (by id), whether it came from polling or a webhook.
CREATE TABLE stripe_events (
  event_id     text PRIMARY KEY,
  type         text NOT NULL,
  created      timestamptz NOT NULL,
  object_id    text,
  tenant_id    uuid REFERENCES tenants (id) ON DELETE SET NULL,
  via          text NOT NULL CHECK (via IN ('poll', 'webhook')),
  applied_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stripe_events_created ON stripe_events (created DESC);

-- Polling's cursor: the newest event id seen, kept with the run that saw it.
CREATE TABLE stripe_sync_state (
  id              boolean PRIMARY KEY DEFAULT true CHECK (id),
  last_event_id   text,
  last_event_at   timestamptz,
  last_synced_at  timestamptz,
  last_error      text
);
INSERT INTO stripe_sync_state (id) VALUES (true);

-- E-mails to tenants: one row per idempotency key, so each notice is sent once.
CREATE TABLE billing_notices (
  idempotency_key text PRIMARY KEY,
  tenant_id       uuid REFERENCES tenants (id) ON DELETE SET NULL,
  kind            text NOT NULL CHECK (kind IN ('welcome', 'trial_ending', 'trial_ended', 'payment_failed', 'suspended',
                                                'reactivated', 'limit_warning', 'limit_reached', 'invoice_issued', 'test')),
  recipient       text NOT NULL,
  subject         text NOT NULL,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  last_error      text,
  message_id      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz
);
CREATE INDEX billing_notices_tenant ON billing_notices (tenant_id, created_at DESC);
CREATE INDEX billing_notices_unsent ON billing_notices (created_at) WHERE state <> 'sent';

-- The lifecycle job's runs: what each did, by which runner, at which (possibly injected) time.
CREATE TABLE billing_job_runs (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  trigger     text NOT NULL CHECK (trigger IN ('schedule', 'cli', 'operator', 'test')),
  runner      text NOT NULL,
  clock_at    timestamptz NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  outcome     text CHECK (outcome IN ('ok', 'partial', 'failed')),
  summary     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX billing_job_runs_started ON billing_job_runs (started_at DESC);

INSERT INTO tenant_billing (tenant_id, state, current_period_start)
SELECT id, CASE WHEN trial_ends_at IS NOT NULL THEN 'trialing' ELSE 'none' END, created_at
  FROM tenants WHERE status <> 'deleted';

INSERT INTO settings (key, value) VALUES
  ('billing_mode', '"manual"'),
  ('billing_currency', '"USD"'),
  ('billing_tax_rate_percent', '0'),
  ('billing_invoice_series', '"INV"'),
  ('billing_invoice_due_days', '14'),
  ('billing_overdue_days', '7'),
  ('billing_grace_period_days', '7'),
  ('billing_trial_notice_days', '3'),
  ('billing_auto_finalize', 'true'),
  ('billing_proration_behavior', '"create_prorations"'),
  ('billing_job_interval_minutes', '60'),
  ('billing_seller', '{"name": "Your ERP Ltd", "address": ""}'),
  ('billing_smtp', '{"host": null, "port": 587, "secure": false, "username": null, "from": null}')
ON CONFLICT (key) DO NOTHING;
`;
