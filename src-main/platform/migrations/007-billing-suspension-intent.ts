/**
 * Billing's suspension intent, written before billing suspends a tenant and cleared once
 * suspended_by_billing is set (or the suspension failed). A crash between the suspension
 * and the flag leaves the intent behind: the next run recognises the suspension as
 * billing's by the tenant's version and status reason (the suspension billing asked for,
 * nothing else since), so a payment still lifts it. An operator's suspension never matches.
 * billing_suspended_at is the tenants.status_changed_at of billing's own suspension: billing
 * lifts a suspension only while it is that one (an operator who activated the tenant by hand
 * and suspended it again made a suspension of their own, which billing never lifts).
 */
export const sql = /* sql */ `
ALTER TABLE tenant_billing
  -- The tenant's version billing expected when it asked for the suspension (the suspension makes it +1).
  ADD COLUMN suspension_intent_version integer,
  -- The status reason billing asked for.
  ADD COLUMN suspension_intent_reason  text CHECK (char_length(suspension_intent_reason) <= 500),
  ADD CONSTRAINT tenant_billing_suspension_intent_whole
    CHECK ((suspension_intent_version IS NULL) = (suspension_intent_reason IS NULL)),
  ADD COLUMN billing_suspended_at timestamptz;

-- Suspensions billing made before this migration: the one each such tenant is in now.
UPDATE tenant_billing tb SET billing_suspended_at = t.status_changed_at
  FROM tenants t
 WHERE t.id = tb.tenant_id AND tb.suspended_by_billing AND t.status = 'suspended';
`;
