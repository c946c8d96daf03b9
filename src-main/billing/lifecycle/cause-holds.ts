/**
 * Does the reason for a tenant's grace period still hold? One SQL expression for the grace
 * expiry (suspend only while it holds) and the reactivation (clear it when it no longer
 * does), so the two can never disagree. Expects aliases t (tenants), tb (tenant_billing),
 * p (the tenant's plan) and the parameters `overdueBefore` (invoices due before it are
 * overdue past the threshold) and `now`. NULL when there is no grace period.
 *
 * A failed payment holds while Stripe says so (past_due, unpaid) and also while a Stripe
 * invoice that was due is still open: a subscription replaced after it ended unpaid is
 * active again, but the old invoice is still owed (due_at, or for automatic collection the
 * day it was issued).
 */
export const causeHoldsSql = (overdueBefore: string, now: string) => `(CASE tb.grace_reason
    WHEN 'trial_ended' THEN p.trial_days IS NOT NULL
    WHEN 'payment_failed' THEN tb.state IN ('past_due', 'unpaid')
      OR EXISTS (SELECT 1 FROM invoices i WHERE i.tenant_id = t.id AND i.source = 'stripe' AND i.state = 'open' AND i.total_cents > 0
                  AND COALESCE(i.due_at, i.issued_at) <= ${now})
    WHEN 'invoice_overdue' THEN EXISTS (SELECT 1 FROM invoices i WHERE i.tenant_id = t.id AND i.state = 'open' AND i.due_at <= ${overdueBefore})
  END)`;
