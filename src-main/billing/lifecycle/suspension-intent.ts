import type { StepContext } from './step-context';

/**
 * Billing's suspension intent (migration 007). Billing writes it BEFORE it suspends a tenant
 * and, once the suspension is done, turns it into suspended_by_billing; a failed suspension
 * (a failed backup, a version conflict) clears it. A crash in between leaves it behind, and
 * settleSuspensionIntents decides what happened from the registry alone:
 * - the tenant is suspended at exactly the version after the intent's, with the intent's
 *   status reason: that is billing's suspension → suspended_by_billing, so a payment lifts it;
 * - anything else (still active: the suspension never happened and the grace-expiry step
 *   tries again; or changed since, e.g. an operator's own suspension): the intent is dropped
 *   and the suspension, if any, stays the operator's (never lifted by billing).
 */
export async function markSuspensionIntent(sc: StepContext, tenantId: string, version: number, reason: string): Promise<boolean> {
  const marked = await sc.b.ctx.pool.query(
    `UPDATE tenant_billing SET suspension_intent_version = $2, suspension_intent_reason = $3, updated_at = now()
      WHERE tenant_id = $1 AND NOT suspended_by_billing`,
    [tenantId, version, reason],
  );
  return marked.rowCount === 1;
}

/** The suspension happened: the intent becomes billing's mark. */
export async function confirmSuspensionIntent(sc: StepContext, tenantId: string): Promise<void> {
  await sc.b.ctx.pool.query(
    `UPDATE tenant_billing tb
        SET suspended_by_billing = true, billing_suspended_at = t.status_changed_at,
            suspension_intent_version = NULL, suspension_intent_reason = NULL, last_error = NULL, updated_at = now()
       FROM tenants t
      WHERE tb.tenant_id = $1 AND t.id = tb.tenant_id`,
    [tenantId],
  );
}

/** The suspension failed: no mark is left behind (the tenant is still active, the next run tries again). */
export async function dropSuspensionIntent(sc: StepContext, tenantId: string, error: unknown): Promise<void> {
  await sc.b.ctx.pool.query(
    `UPDATE tenant_billing SET suspension_intent_version = NULL, suspension_intent_reason = NULL, last_error = $2, updated_at = now()
      WHERE tenant_id = $1`,
    [tenantId, `Billing suspension: ${(error as Error).message}`.slice(0, 1000)],
  );
}

/** Intents a crash left behind, settled from the registry (one statement each way). Returns the tenants whose suspension was adopted. */
export async function settleSuspensionIntents(sc: StepContext): Promise<{ id: string; tenant_code: string; grace_started_at: Date | null }[]> {
  const pool = sc.b.ctx.pool;
  const adopted = await pool.query<{ id: string; tenant_code: string; grace_started_at: Date | null }>(
    `UPDATE tenant_billing tb
        SET suspended_by_billing = true, billing_suspended_at = t.status_changed_at,
            suspension_intent_version = NULL, suspension_intent_reason = NULL, updated_at = now()
       FROM tenants t
      WHERE t.id = tb.tenant_id AND tb.suspension_intent_version IS NOT NULL
        AND t.status = 'suspended' AND t.version = tb.suspension_intent_version + 1
        AND t.status_reason IS NOT DISTINCT FROM tb.suspension_intent_reason
      RETURNING t.id, t.tenant_code, tb.grace_started_at`,
  );
  // Still at the intent's version: the suspension may yet be finished by the status change's
  // own recovery (reconcile), so the intent stays; the grace-expiry step writes it again anyway.
  await pool.query(
    `UPDATE tenant_billing tb SET suspension_intent_version = NULL, suspension_intent_reason = NULL, updated_at = now()
       FROM tenants t
      WHERE t.id = tb.tenant_id AND tb.suspension_intent_version IS NOT NULL AND t.version <> tb.suspension_intent_version`,
  );
  return adopted.rows.sort((a, b) => a.tenant_code.localeCompare(b.tenant_code));
}
