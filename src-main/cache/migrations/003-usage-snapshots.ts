/**
 * Usage dashboards offline: each usage row keeps the day's figures exactly as the platform
 * answers them (so offline answers equal online ones), each tenant its effective limits as
 * last read, and reads that cannot be recomputed from rows (the fleet dashboard: prices,
 * runs; a tenant's limits from its own database; plan history) keep their last online
 * answer, keyed by channel and input.
 */
export const sql = /* sql */ `
ALTER TABLE snapshot_usage ADD COLUMN figures TEXT;

CREATE TABLE snapshot_limits (
  set_name    TEXT NOT NULL REFERENCES snapshot_sets (name) ON DELETE CASCADE,
  tenant_code TEXT NOT NULL,
  limits      TEXT NOT NULL,
  saved_at    TEXT NOT NULL,
  PRIMARY KEY (set_name, tenant_code)
) STRICT;

CREATE TABLE snapshot_responses (
  set_name  TEXT NOT NULL REFERENCES snapshot_sets (name) ON DELETE CASCADE,
  channel   TEXT NOT NULL,
  input_key TEXT NOT NULL,
  output    TEXT NOT NULL,
  saved_at  TEXT NOT NULL,
  PRIMARY KEY (set_name, channel, input_key)
) STRICT;
`;
