import type pg from 'pg';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** One tenant's activity as a usage collection read it from the tenant's own database. */
export interface ActivitySeen {
  readonly tenantId: string;
  readonly companies: number;
  readonly anyTransaction: boolean;
  readonly lastSignInAt: Date | null;
  /** When the collection read it: the time a milestone is first seen. */
  readonly seenAt: Date;
}

/**
 * The only writer of tenant_onboarding. Each milestone keeps the first time it was seen
 * (COALESCE: a later run never moves it, a tenant deleting its last company never takes it
 * back).
 */
export async function recordWelcomeSent(db: Queryable, tenantId: string, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO tenant_onboarding (tenant_id, welcome_sent_at) VALUES ($1, $2)
     ON CONFLICT (tenant_id) DO UPDATE SET welcome_sent_at = COALESCE(tenant_onboarding.welcome_sent_at, EXCLUDED.welcome_sent_at), updated_at = now()`,
    [tenantId, at],
  );
}

/**
 * Milestones from a usage collection, all tenants in one statement: the first sign-in
 * (the ERP's own erp.users.last_sign_in_at: the earliest one the collector saw), the first
 * company, the first transaction.
 */
export async function recordActivity(db: Queryable, seen: readonly ActivitySeen[]): Promise<void> {
  const reached = seen.filter((s) => s.companies > 0 || s.anyTransaction || s.lastSignInAt !== null);
  if (reached.length === 0) return;
  await db.query(
    `INSERT INTO tenant_onboarding AS o (tenant_id, first_sign_in_at, first_company_at, first_transaction_at)
     SELECT s.tenant_id, s.sign_in, CASE WHEN s.companies > 0 THEN s.seen_at END, CASE WHEN s.any_transaction THEN s.seen_at END
       FROM unnest($1::uuid[], $2::timestamptz[], $3::int[], $4::boolean[], $5::timestamptz[])
            AS s (tenant_id, sign_in, companies, any_transaction, seen_at)
      WHERE EXISTS (SELECT 1 FROM tenants t WHERE t.id = s.tenant_id)
     ON CONFLICT (tenant_id) DO UPDATE SET
       first_sign_in_at = COALESCE(o.first_sign_in_at, EXCLUDED.first_sign_in_at),
       first_company_at = COALESCE(o.first_company_at, EXCLUDED.first_company_at),
       first_transaction_at = COALESCE(o.first_transaction_at, EXCLUDED.first_transaction_at),
       updated_at = now()`,
    [
      reached.map((s) => s.tenantId),
      reached.map((s) => s.lastSignInAt),
      reached.map((s) => s.companies),
      reached.map((s) => s.anyTransaction),
      reached.map((s) => s.seenAt),
    ],
  );
}

/** Tenants with a payment method on file that have no such milestone yet get one now. */
export async function recordPaymentMethods(db: Queryable, at: Date): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO tenant_onboarding AS o (tenant_id, payment_method_at)
     SELECT tb.tenant_id, $1 FROM tenant_billing tb WHERE tb.payment_method_present
     ON CONFLICT (tenant_id) DO UPDATE SET payment_method_at = $1, updated_at = now() WHERE o.payment_method_at IS NULL`,
    [at],
  );
  return rowCount ?? 0;
}

/** Claims the one nudge of a tenant: true when this caller is the one to send it. */
export async function claimNudge(db: Queryable, tenantId: string, at: Date): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO tenant_onboarding AS o (tenant_id, nudged_at) VALUES ($1, $2)
     ON CONFLICT (tenant_id) DO UPDATE SET nudged_at = $2, updated_at = now() WHERE o.nudged_at IS NULL`,
    [tenantId, at],
  );
  return (rowCount ?? 0) > 0;
}
