/**
 * Every console's audit events, mirrored from its local log exactly once: the id is the
 * key (a re-sent batch changes nothing), and (console_id, seq) keeps each console's order
 * and makes a gap visible. Hashes are stored so the chain can be verified here too.
 */
export const sql = /* sql */ `
CREATE TABLE audit_events (
  id           uuid PRIMARY KEY,
  console_id   uuid NOT NULL,
  seq          bigint NOT NULL CHECK (seq >= 1),
  occurred_at  timestamptz NOT NULL,
  operator     text NOT NULL,
  os_user      text NOT NULL,
  action       text NOT NULL,
  tenant_code  text,
  details      text NOT NULL,
  outcome      text NOT NULL,
  duration_ms  integer NOT NULL CHECK (duration_ms >= 0),
  prev_hash    text NOT NULL,
  hash         text NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (console_id, seq)
);
CREATE INDEX audit_events_time ON audit_events (occurred_at DESC, id DESC);
CREATE INDEX audit_events_tenant ON audit_events (tenant_code, occurred_at DESC);
CREATE INDEX audit_events_action ON audit_events (action, occurred_at DESC);
CREATE INDEX audit_events_operator ON audit_events (operator, occurred_at DESC);
`;
