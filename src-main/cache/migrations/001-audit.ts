/**
 * The installation's identity (meta) and the audit log. `seq` is the rowid: appends are
 * cheap and every filter index below ends in it implicitly, so "newest first, filtered"
 * walks one index backwards and stops at the page size.
 */
export const sql = /* sql */ `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE audit_events (
  seq         INTEGER PRIMARY KEY,
  id          TEXT NOT NULL UNIQUE,
  console_id  TEXT NOT NULL,
  time        TEXT NOT NULL,
  operator    TEXT NOT NULL,
  os_user     TEXT NOT NULL,
  action      TEXT NOT NULL,
  tenant      TEXT,
  details     TEXT NOT NULL,
  outcome     TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL
) STRICT;

CREATE INDEX audit_events_tenant ON audit_events (tenant);
CREATE INDEX audit_events_action ON audit_events (action);
CREATE INDEX audit_events_operator ON audit_events (operator);
CREATE INDEX audit_events_outcome ON audit_events (outcome);
CREATE INDEX audit_events_time ON audit_events (time);
`;
