/** Servers, versioned plans, the tenant registry, the operations journal and settings. */
export const sql = /* sql */ `
REVOKE ALL ON SCHEMA public FROM PUBLIC;

CREATE TABLE servers (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL UNIQUE,
  kind        text NOT NULL CHECK (kind IN ('embedded', 'external')),
  host        text NOT NULL,
  port        integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
  admin_user  text NOT NULL,
  is_primary  boolean NOT NULL DEFAULT false,
  dedicated   boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX servers_one_primary ON servers (is_primary) WHERE is_primary;

-- Plans are versioned: editing a plan adds a version; tenants keep theirs (grandfathering).
CREATE TABLE plans (
  code                       text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_-]{1,31}$'),
  version                    integer NOT NULL CHECK (version >= 1),
  name                       text NOT NULL,
  price_cents                integer CHECK (price_cents >= 0),
  currency                   text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
  billing_interval           text NOT NULL CHECK (billing_interval IN ('month', 'year', 'none')),
  trial_days                 integer CHECK (trial_days >= 0),
  max_companies              integer CHECK (max_companies >= 0),
  max_users_per_company      integer CHECK (max_users_per_company >= 0),
  max_transactions_per_month integer CHECK (max_transactions_per_month >= 0),
  overage_price_cents        integer CHECK (overage_price_cents >= 0),
  support_level              text NOT NULL,
  is_current                 boolean NOT NULL DEFAULT true,
  sort_order                 integer NOT NULL DEFAULT 0,
  created_at                 timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (code, version)
);
CREATE UNIQUE INDEX plans_one_current_version ON plans (code) WHERE is_current;

INSERT INTO plans (code, version, name, price_cents, billing_interval, trial_days,
                   max_companies, max_users_per_company, max_transactions_per_month, support_level, sort_order)
VALUES
  ('trial',        1, 'Trial',        0,     'none',  14,   1,    3,    100,   'community', 1),
  ('starter',      1, 'Starter',      4900,  'month', NULL, 1,    5,    1000,  'email',     2),
  ('professional', 1, 'Professional', 19900, 'month', NULL, 3,    20,   10000, 'priority',  3),
  ('enterprise',   1, 'Enterprise',   NULL,  'year',  NULL, NULL, NULL, NULL,  'dedicated', 4);

CREATE TABLE tenants (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_code           text NOT NULL UNIQUE CHECK (tenant_code ~ '^[A-Z]{2,4}[0-9]{3,6}$'),
  company_name          text NOT NULL CHECK (char_length(company_name) BETWEEN 1 AND 200),
  subdomain             text NOT NULL CHECK (subdomain ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' AND char_length(subdomain) BETWEEN 3 AND 63),
  admin_email           text NOT NULL CHECK (char_length(admin_email) BETWEEN 3 AND 254),
  plan_code             text NOT NULL,
  plan_version          integer NOT NULL,
  status                text NOT NULL CHECK (status IN ('provisioning', 'active', 'suspended', 'cancelled', 'deleted')),
  status_reason         text,
  status_changed_at     timestamptz,
  trial_ends_at         timestamptz,
  deletion_scheduled_at timestamptz,
  server_id             uuid NOT NULL REFERENCES servers (id),
  database_name         text NOT NULL CHECK (database_name ~ '^[a-z][a-z0-9_]{0,62}$'),
  db_role               text NOT NULL CHECK (db_role ~ '^[a-z][a-z0-9_]{0,62}$'),
  version               integer NOT NULL DEFAULT 1,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (plan_code, plan_version) REFERENCES plans (code, version)
);
CREATE UNIQUE INDEX tenants_subdomain_ci ON tenants (lower(subdomain));
CREATE UNIQUE INDEX tenants_database ON tenants (server_id, database_name);
CREATE INDEX tenants_created_at ON tenants (created_at DESC, id);
CREATE INDEX tenants_status ON tenants (status);
CREATE INDEX tenants_plan ON tenants (plan_code);
CREATE INDEX tenants_company_name ON tenants (lower(company_name));

-- The operations journal: every multi-step operation, step by step, so a crash is resumed
-- or rolled back by reconcile. A running operation's process holds an advisory lock keyed
-- by lock_key; reconcile only touches operations whose lock it can take (owner gone).
CREATE TABLE operations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lock_key    integer GENERATED ALWAYS AS IDENTITY UNIQUE,
  kind        text NOT NULL,
  tenant_id   uuid REFERENCES tenants (id) ON DELETE SET NULL,
  tenant_code text NOT NULL,
  state       text NOT NULL CHECK (state IN ('running', 'done', 'rolled_back', 'failed')),
  step        text NOT NULL,
  payload     jsonb NOT NULL DEFAULT '{}',
  error       text,
  started_by  text NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
-- One running operation per tenant: concurrent suspend + activate cannot interleave.
CREATE UNIQUE INDEX operations_one_running_per_tenant ON operations (tenant_code) WHERE state = 'running';
CREATE INDEX operations_tenant ON operations (tenant_code, started_at DESC);

CREATE TABLE settings (
  key        text PRIMARY KEY,
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO settings (key, value) VALUES
  ('base_domain', '"yourerp.com"'),
  ('cancellation_retention_days', '30');
`;
