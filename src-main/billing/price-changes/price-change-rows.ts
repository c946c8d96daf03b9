import type pg from 'pg';
import type { PriceChangeSchedule, VersionPrice } from '../../../src-shared/contract/price-change-models';
import { describePricing, type PricingModel } from '../../../src-shared/domain/pricing';
import { AppError } from '../../base/app-error';

type Queryable = Pick<pg.ClientBase, 'query'>;

interface ScheduleRow {
  id: string;
  plan_code: string;
  plan_name: string;
  to_version: number;
  move_at: Date;
  notice_days: number;
  notice_at: Date;
  state: PriceChangeSchedule['state'];
  reason: string | null;
  created_by: string;
  created_at: Date;
  canceled_by: string | null;
  canceled_at: Date | null;
  finished_at: Date | null;
  tenants: {
    tenant_code: string;
    company_name: string;
    from_version: number;
    state: PriceChangeSchedule['tenants'][number]['state'];
    noticed_at: string | null;
    stripe_schedule_id: string | null;
    moved_at: string | null;
    last_error: string | null;
  }[];
}

const iso = (at: Date | string | null): string | null => (at === null ? null : new Date(at).toISOString());

// One query for schedules and their tenants (json_agg: no N+1 for the list).
const SCHEDULE_SELECT = /* sql */ `
  SELECT s.*, p.name AS plan_name,
         coalesce((SELECT json_agg(json_build_object(
                    'tenant_code', t.tenant_code, 'company_name', t.company_name, 'from_version', st.from_version, 'state', st.state,
                    'noticed_at', st.noticed_at, 'stripe_schedule_id', st.stripe_schedule_id, 'moved_at', st.moved_at, 'last_error', st.last_error)
                    ORDER BY t.tenant_code)
                     FROM plan_move_schedule_tenants st JOIN tenants t ON t.id = st.tenant_id WHERE st.schedule_id = s.id), '[]') AS tenants
    FROM plan_move_schedules s JOIN plans p ON p.code = s.plan_code AND p.version = s.to_version`;

const toSchedule = (row: ScheduleRow): PriceChangeSchedule => ({
  id: row.id,
  planCode: row.plan_code,
  planName: row.plan_name,
  toVersion: row.to_version,
  moveAt: row.move_at.toISOString(),
  noticeDays: row.notice_days,
  noticeAt: row.notice_at.toISOString(),
  state: row.state,
  reason: row.reason,
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
  canceledBy: row.canceled_by,
  canceledAt: iso(row.canceled_at),
  finishedAt: iso(row.finished_at),
  tenants: row.tenants.map((t) => ({
    tenantCode: t.tenant_code,
    companyName: t.company_name,
    fromVersion: t.from_version,
    state: t.state,
    noticedAt: iso(t.noticed_at),
    stripeScheduleId: t.stripe_schedule_id,
    movedAt: iso(t.moved_at),
    lastError: t.last_error,
  })),
});

/** Open schedules first (soonest date first), then the finished and canceled ones, newest first. */
export async function listPriceChanges(db: Queryable, state?: PriceChangeSchedule['state']): Promise<PriceChangeSchedule[]> {
  const { rows } = await db.query<ScheduleRow>(
    `${SCHEDULE_SELECT} WHERE ($1::text IS NULL OR s.state = $1)
      ORDER BY s.state <> 'scheduled', CASE WHEN s.state = 'scheduled' THEN s.move_at END, s.created_at DESC LIMIT 500`,
    [state ?? null],
  );
  return rows.map(toSchedule);
}

export async function getPriceChange(db: Queryable, id: string): Promise<PriceChangeSchedule> {
  const { rows } = await db.query<ScheduleRow>(`${SCHEDULE_SELECT} WHERE s.id = $1`, [id]);
  if (!rows[0]) throw new AppError('NOT_FOUND', `No scheduled price change ${id}.`);
  return toSchedule(rows[0]);
}

export interface VersionPriceRow {
  code: string;
  version: number;
  name: string;
  pricing_model: PricingModel;
  price_cents: number | null;
  unit_price_cents: number | null;
  included_units: number;
  currency: string;
  billing_interval: 'month' | 'year' | 'none';
}

/** Every version of a plan with its price, by version. */
export async function versionPrices(db: Queryable, code: string): Promise<Map<number, VersionPriceRow>> {
  const { rows } = await db.query<VersionPriceRow>(
    `SELECT code, version, name, pricing_model, price_cents, unit_price_cents, included_units, currency, billing_interval FROM plans WHERE code = $1`,
    [code],
  );
  return new Map(rows.map((row) => [row.version, row]));
}

export const toVersionPrice = (row: VersionPriceRow): VersionPrice => ({
  version: row.version,
  pricingModel: row.pricing_model,
  priceCents: row.price_cents,
  unitPriceCents: row.unit_price_cents,
  currency: row.currency,
  interval: row.billing_interval,
  words: describePricing({
    pricingModel: row.pricing_model,
    priceCents: row.price_cents,
    unitPriceCents: row.unit_price_cents,
    includedUnits: row.included_units,
    interval: row.billing_interval,
    currency: row.currency,
  }),
});
