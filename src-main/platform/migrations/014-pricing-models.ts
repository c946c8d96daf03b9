/**
 * Pricing models on plan versions (src-shared/domain/pricing.ts has the rule this table
 * checks): flat (every existing version), per_user, per_company, per_transaction and
 * base_plus_usage, with a unit price and an included quantity; whether a trial needs a card
 * up front (stored now, acted on by the trial strategies later); a 'usage' invoice line; and
 * a generated "billed each period" flag, so every query that picks billed plans asks one
 * column instead of repeating "price above 0" (a per-user plan has no base price).
 *
 * Numbers 012 and 013 are other branches' migrations. No new table: the plans and
 * invoice_lines grants of migration 011 cover the new columns (viewer reads, billing writes
 * invoice lines, admin edits plans).
 */
export const sql = /* sql */ `
ALTER TABLE plans
  ADD COLUMN pricing_model text NOT NULL DEFAULT 'flat'
    CHECK (pricing_model IN ('flat', 'per_user', 'per_company', 'per_transaction', 'base_plus_usage')),
  ADD COLUMN unit_price_cents integer CHECK (unit_price_cents >= 0),
  ADD COLUMN included_units integer NOT NULL DEFAULT 0 CHECK (included_units BETWEEN 0 AND 1000000000),
  ADD COLUMN trial_card_required boolean NOT NULL DEFAULT false,
  ADD COLUMN billed_each_period boolean GENERATED ALWAYS AS (
    billing_interval IN ('month', 'year') AND (coalesce(price_cents, 0) > 0 OR coalesce(unit_price_cents, 0) > 0)) STORED;

-- NULLs spelled out: a CHECK that evaluates to NULL passes, and a per-unit plan without a
-- unit price must not.
ALTER TABLE plans ADD CONSTRAINT plans_pricing_rule CHECK (CASE pricing_model
  WHEN 'flat' THEN unit_price_cents IS NULL AND included_units = 0
  WHEN 'base_plus_usage' THEN coalesce(price_cents, 0) > 0 AND coalesce(unit_price_cents, 0) > 0 AND billing_interval IN ('month', 'year')
  ELSE price_cents IS NOT NULL AND price_cents = 0 AND coalesce(unit_price_cents, 0) > 0 AND billing_interval IN ('month', 'year') END);

ALTER TABLE invoice_lines DROP CONSTRAINT invoice_lines_kind_check;
ALTER TABLE invoice_lines ADD CONSTRAINT invoice_lines_kind_check
  CHECK (kind IN ('plan', 'usage', 'overage', 'proration', 'adjustment'));
`;
