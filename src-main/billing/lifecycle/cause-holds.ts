/**
 * Does the reason for a tenant's grace period still hold? One SQL expression for the grace
 * expiry (suspend only while it holds) and the reactivation (clear it when it no longer
 * does), so the two can never disagree. Expects aliases t (tenants), tb (tenant_billing),
 * p (the tenant's plan) and the parameter `overdueBefore` (invoices due before it are
 * overdue past the threshold). NULL when there is no grace period.
 */
export const causeHoldsSql = (overdueBefore: string) => `(CASE tb.grace_reason
    WHEN 'trial_ended' THEN p.trial_days IS NOT NULL
    WHEN 'payment_failed' THEN tb.state IN ('past_due', 'unpaid')
    WHEN 'invoice_overdue' THEN EXISTS (SELECT 1 FROM invoices i WHERE i.tenant_id = t.id AND i.state = 'open' AND i.due_at <= ${overdueBefore})
  END)`;
