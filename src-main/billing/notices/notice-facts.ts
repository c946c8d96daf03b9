import { describePricing, type PricingModel } from '../../../src-shared/domain/pricing';
import type pg from 'pg';
import type { GraceReason } from '../../../src-shared/contract/billing-models';
import { AppError } from '../../base/app-error';
import { readSettings } from '../../settings/settings-store';

type Queryable = Pick<pg.ClientBase, 'query'>;

/**
 * What a notice may say about a tenant. Deliberately narrow: the tenant's names, plan,
 * dates and amounts — never its database, role or any credential, so no template can
 * leak one by accident.
 */
export interface NoticeFacts {
  readonly tenantId: string;
  readonly tenantCode: string;
  readonly companyName: string;
  readonly recipient: string;
  readonly signInUrl: string;
  readonly planName: string;
  readonly priceCents: number | null;
  readonly currency: string;
  readonly interval: string;
  /** A per-unit plan's price in words ("10.00 USD per user per month, 2 users included"); null for flat plans. */
  readonly perUnitPricing?: string | null;
  readonly trialEndsAt: Date | null;
  readonly conversionPlanName: string;
  readonly graceReason: GraceReason | null;
  readonly graceEndsAt: Date | null;
  /** Open invoices' unpaid total. */
  readonly amountDueCents: number;
  readonly sellerName: string;
}

interface FactsRow {
  id: string;
  tenant_code: string;
  company_name: string;
  admin_email: string;
  subdomain: string;
  plan_name: string;
  price_cents: number | null;
  currency: string;
  billing_interval: string;
  pricing_model: PricingModel;
  unit_price_cents: number | null;
  included_units: number;
  trial_ends_at: Date | null;
  conversion_plan_name: string | null;
  grace_reason: GraceReason | null;
  grace_ends_at: Date | null;
  amount_due_cents: string;
}

export async function loadNoticeFacts(db: Queryable, tenantId: string): Promise<NoticeFacts> {
  const { rows } = await db.query<FactsRow>(
    `SELECT t.id, t.tenant_code, t.company_name, t.admin_email, t.subdomain, p.name AS plan_name, p.price_cents, p.currency, p.billing_interval,
            p.pricing_model, p.unit_price_cents, p.included_units, t.trial_ends_at, cp.name AS conversion_plan_name, tb.grace_reason, tb.grace_ends_at,
            (SELECT COALESCE(sum(i.total_cents - i.amount_paid_cents), 0) FROM invoices i WHERE i.tenant_id = t.id AND i.state = 'open') AS amount_due_cents
       FROM tenants t
       JOIN plans p ON p.code = t.plan_code AND p.version = t.plan_version
       LEFT JOIN tenant_billing tb ON tb.tenant_id = t.id
       LEFT JOIN plans cp ON cp.code = COALESCE(tb.conversion_plan_code, 'starter') AND cp.is_current
      WHERE t.id = $1`,
    [tenantId],
  );
  const row = rows[0];
  if (!row) throw new AppError('NOT_FOUND', `No tenant with id ${tenantId}.`);
  const { baseDomain, billingSeller } = await readSettings(db, ['baseDomain', 'billingSeller']);
  return {
    tenantId: row.id,
    tenantCode: row.tenant_code,
    companyName: row.company_name,
    recipient: row.admin_email,
    signInUrl: `https://${row.subdomain}.${baseDomain}`,
    planName: row.plan_name,
    priceCents: row.price_cents,
    currency: row.currency,
    interval: row.billing_interval,
    perUnitPricing:
      row.pricing_model === 'flat'
        ? null
        : describePricing({
            pricingModel: row.pricing_model,
            priceCents: row.price_cents,
            unitPriceCents: row.unit_price_cents,
            includedUnits: row.included_units,
            interval: row.billing_interval as 'month' | 'year' | 'none',
            currency: row.currency,
          }),
    trialEndsAt: row.trial_ends_at,
    conversionPlanName: row.conversion_plan_name ?? 'Starter',
    graceReason: row.grace_reason,
    graceEndsAt: row.grace_ends_at,
    amountDueCents: Number(row.amount_due_cents),
    sellerName: billingSeller.name,
  };
}
