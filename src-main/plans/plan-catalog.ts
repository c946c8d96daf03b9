import type pg from 'pg';
import type { ChannelParsedInput } from '../../src-shared/contract/channels';
import type { PlanVersion } from '../../src-shared/contract/plan-models';
import { pricingRuleError } from '../../src-shared/domain/pricing';
import { AppError } from '../base/app-error';
import { inTransaction } from '../postgres/pools';
import { toPlan, type PlanRow } from '../tenants/tenant-rows';

type Queryable = Pick<pg.ClientBase, 'query'>;

interface PlanVersionRow extends PlanRow {
  sort_order: number;
  overage_price_cents: number | null;
  is_current: boolean;
  created_at: Date;
  tenant_count: number;
}

const toPlanVersion = (row: PlanVersionRow): PlanVersion => ({
  ...toPlan(row),
  overagePriceCents: row.overage_price_cents,
  isCurrent: row.is_current,
  createdAt: row.created_at.toISOString(),
  tenantCount: row.tenant_count,
});

const VERSION_SELECT = /* sql */ `
  SELECT p.*, (SELECT count(*) FROM tenants t
                WHERE t.plan_code = p.code AND t.plan_version = p.version AND t.status <> 'deleted') AS tenant_count
    FROM plans p`;

/** Every version of a plan, newest first, with how many tenants are on each. */
export async function listPlanVersions(db: Queryable, code: string): Promise<PlanVersion[]> {
  const { rows } = await db.query<PlanVersionRow>(`${VERSION_SELECT} WHERE p.code = $1 ORDER BY p.version DESC`, [code]);
  if (rows.length === 0) throw new AppError('NOT_FOUND', `Unknown plan "${code}".`);
  return rows.map(toPlanVersion);
}

/** Every version of every plan in catalog order (current version first within a plan), with tenant counts. */
export async function listPlanCatalog(db: Queryable): Promise<PlanVersion[]> {
  const { rows } = await db.query<PlanVersionRow>(`${VERSION_SELECT} ORDER BY p.sort_order, p.code, p.version DESC`);
  return rows.map(toPlanVersion);
}

/**
 * Editing a plan adds a version and makes it the current one (what new tenants get);
 * tenants on older versions keep theirs (grandfathering) until moved.
 */
export async function updatePlan(pool: pg.Pool, input: ChannelParsedInput<'plans:update'>): Promise<PlanVersion> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<PlanVersionRow>('SELECT * FROM plans WHERE code = $1 AND is_current FOR UPDATE', [input.code]);
    const current = rows[0];
    if (!current) throw new AppError('NOT_FOUND', `Unknown plan "${input.code}".`);
    const next = {
      name: input.name ?? current.name,
      price_cents: input.priceCents === undefined ? current.price_cents : input.priceCents,
      currency: input.currency ?? current.currency,
      billing_interval: input.interval ?? current.billing_interval,
      trial_days: input.trialDays === undefined ? current.trial_days : input.trialDays,
      max_companies: input.limits?.companies === undefined ? current.max_companies : input.limits.companies,
      max_users_per_company: input.limits?.usersPerCompany === undefined ? current.max_users_per_company : input.limits.usersPerCompany,
      max_transactions_per_month: input.limits?.transactionsPerMonth === undefined ? current.max_transactions_per_month : input.limits.transactionsPerMonth,
      overage_price_cents: input.overagePriceCents === undefined ? current.overage_price_cents : input.overagePriceCents,
      connection_limit: input.connectionLimit ?? current.connection_limit,
      support_level: input.supportLevel ?? current.support_level,
      pricing_model: input.pricingModel ?? current.pricing_model,
      unit_price_cents: input.unitPriceCents === undefined ? current.unit_price_cents : input.unitPriceCents,
      included_units: input.includedUnits ?? current.included_units,
      trial_card_required: input.trialCardRequired ?? current.trial_card_required,
    };
    // Leaving a per-unit model for flat drops its unit price and included units unless given.
    if (next.pricing_model === 'flat' && input.pricingModel === 'flat') {
      if (input.unitPriceCents === undefined) next.unit_price_cents = null;
      if (input.includedUnits === undefined) next.included_units = 0;
    }
    const ruleError = pricingRuleError({
      pricingModel: next.pricing_model,
      priceCents: next.price_cents,
      unitPriceCents: next.unit_price_cents,
      includedUnits: next.included_units,
      interval: next.billing_interval,
    });
    if (ruleError) throw new AppError('VALIDATION', `Plan ${input.code}: ${ruleError}`);
    const unchanged = (Object.keys(next) as (keyof typeof next)[]).every((key) => next[key] === current[key]);
    if (unchanged) throw new AppError('VALIDATION', `Nothing to change in plan ${input.code}: every field is as it is.`);
    await client.query('UPDATE plans SET is_current = false WHERE code = $1 AND is_current', [input.code]);
    const { rows: created } = await client.query<{ version: number }>(
      `INSERT INTO plans (code, version, name, price_cents, currency, billing_interval, trial_days, max_companies, max_users_per_company,
                          max_transactions_per_month, overage_price_cents, support_level, is_current, sort_order, connection_limit,
                          pricing_model, unit_price_cents, included_units, trial_card_required)
       SELECT $1, max(version) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, true, $12, $13, $14, $15, $16, $17 FROM plans WHERE code = $1
       RETURNING version`,
      [input.code, next.name, next.price_cents, next.currency, next.billing_interval, next.trial_days, next.max_companies,
        next.max_users_per_company, next.max_transactions_per_month, next.overage_price_cents, next.support_level, current.sort_order,
        next.connection_limit, next.pricing_model, next.unit_price_cents, next.included_units, next.trial_card_required],
    );
    const { rows: fresh } = await client.query<PlanVersionRow>(`${VERSION_SELECT} WHERE p.code = $1 AND p.version = $2`, [input.code, created[0]!.version]);
    return toPlanVersion(fresh[0]!);
  });
}
