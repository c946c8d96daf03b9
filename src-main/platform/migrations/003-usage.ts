/**
 * Usage metering: one row per tenant per day, the record of each collection run, and a
 * per-day roll-up of the fleet so the dashboards' trends read 90 rows, not 900,000.
 */
export const sql = /* sql */ `
CREATE TABLE usage_runs (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  trigger          text NOT NULL CHECK (trigger IN ('manual', 'schedule', 'cli')),
  started_by       text NOT NULL,
  state            text NOT NULL CHECK (state IN ('running', 'done', 'failed')),
  -- The (UTC) day the run files its rows under.
  usage_date       date NOT NULL,
  started_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz,
  tenants_total    integer NOT NULL DEFAULT 0,
  read_count       integer NOT NULL DEFAULT 0,
  carried_over     integer NOT NULL DEFAULT 0,
  failed_count     integer NOT NULL DEFAULT 0,
  -- [{ "tenantCode": "ACME001", "message": "…" }, …]
  failures         jsonb NOT NULL DEFAULT '[]',
  error            text
);
CREATE INDEX usage_runs_started ON usage_runs (started_at DESC);

-- Figures are null only when a tenant has never been read successfully (error set).
CREATE TABLE tenant_usage (
  tenant_id              uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  usage_date             date NOT NULL,
  companies              integer,
  users_total            integer,
  largest_company_id     bigint,
  largest_company_name   text,
  largest_company_users  integer,
  -- Calendar month (UTC) the transaction count belongs to.
  month_start            date,
  transactions_month     integer,
  -- Transactions since the previous figures (same month) or since the month began.
  transactions_delta     integer,
  database_bytes         bigint,
  commits                bigint,
  sessions               bigint,
  connections            integer,
  -- Baseline for the incremental rule: counters a read-only visit never moves.
  stat_tuple_changes     bigint,
  stats_reset            timestamptz,
  -- The tenant wrote something since the previous collection.
  active                 boolean NOT NULL DEFAULT false,
  carried_over           boolean NOT NULL DEFAULT false,
  -- When the erp figures were actually read (older than collected_at when carried over).
  read_at                timestamptz,
  error                  text,
  run_id                 uuid REFERENCES usage_runs (id) ON DELETE SET NULL,
  collected_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, usage_date)
);
CREATE INDEX tenant_usage_date ON tenant_usage (usage_date);

-- The fleet per day, refreshed by the collector for the day it wrote.
CREATE TABLE usage_daily (
  usage_date       date PRIMARY KEY,
  tenants          integer NOT NULL,
  active_tenants   integer NOT NULL,
  companies        bigint NOT NULL,
  users            bigint NOT NULL,
  transactions     bigint NOT NULL,
  database_bytes   bigint NOT NULL,
  failed           integer NOT NULL,
  refreshed_at     timestamptz NOT NULL DEFAULT now()
);

INSERT INTO settings (key, value) VALUES ('usage_collection_interval_hours', '24')
ON CONFLICT (key) DO NOTHING;
`;
