import type pg from 'pg';
import type { InvoiceLine } from '../../../src-shared/contract/billing-models';
import { billsOverage, PRICING_UNIT, type MeteredUsage, type PricingModel } from '../../../src-shared/domain/pricing';
import { readMeteredUsageMany } from './metered-usage';
import { overageLinesMany } from './overage';
import { planChargeLines, type PricedPlan } from './pricing-lines';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** The plan columns a period's charge needs. */
export interface PlanChargeRow {
  plan_name: string;
  price_cents: number | string | null;
  billing_interval: string;
  max_transactions_per_month: number | null;
  overage_price_cents: number | null;
  pricing_model: PricingModel;
  unit_price_cents: number | null;
  included_units: number;
}

/** One tenant's period to charge. Usage is read up to usageUntil (default: the period's end). */
export interface PeriodToCharge {
  readonly tenantId: string;
  readonly row: PlanChargeRow;
  readonly periodStart: Date;
  readonly periodEnd: Date;
  readonly usageUntil?: Date;
}

const NO_USAGE: MeteredUsage = { peakUsers: 0, peakCompanies: 0, transactions: 0 };

export const pricedPlan = (row: PlanChargeRow): PricedPlan => ({
  name: row.plan_name,
  pricingModel: row.pricing_model,
  priceCents: row.price_cents === null ? null : Number(row.price_cents),
  unitPriceCents: row.unit_price_cents,
  includedUnits: row.included_units,
  interval: row.billing_interval as PricedPlan['interval'],
});

/**
 * The plan's charge for each period by its pricing model (priceForUsage, through
 * planChargeLines), then overage (flat and seat models). Two statements for any number of
 * periods: the metered usage of those whose model counts something (flat plans read none),
 * and the overage months of those with a limit and an overage price. The lines always name
 * the whole period; the answer is in the order given.
 */
export async function periodChargeLinesMany(db: Queryable, periods: readonly PeriodToCharge[]): Promise<InvoiceLine[][]> {
  const plans = periods.map((period) => pricedPlan(period.row));
  const metered = periods.map((period, index) => ({ period, index })).filter(({ index }) => PRICING_UNIT[plans[index]!.pricingModel] !== null);
  const usage = periods.map(() => NO_USAGE);
  const read = await readMeteredUsageMany(db, metered.map(({ period }) => ({ tenantId: period.tenantId, from: period.periodStart, to: period.usageUntil ?? period.periodEnd })));
  metered.forEach(({ index }, position) => (usage[index] = read[position]!));
  const overage = await overageLinesMany(
    db,
    periods.map((period, index) => ({
      tenantId: period.tenantId,
      from: period.periodStart,
      to: period.usageUntil ?? period.periodEnd,
      // Usage models price every transaction already: no overage plan, nothing read.
      plan: billsOverage(plans[index]!.pricingModel)
        ? { maxTransactionsPerMonth: period.row.max_transactions_per_month, overagePriceCents: period.row.overage_price_cents }
        : { maxTransactionsPerMonth: null, overagePriceCents: null },
    })),
  );
  return periods.map((period, index) => [...planChargeLines(plans[index]!, usage[index]!, period.periodStart, period.periodEnd), ...overage[index]!]);
}

/** One tenant's period (see periodChargeLinesMany): the estimate reads usage so far with usageUntil. */
export async function periodChargeLines(
  db: Queryable,
  tenantId: string,
  row: PlanChargeRow,
  periodStart: Date,
  periodEnd: Date,
  usageUntil: Date = periodEnd,
): Promise<InvoiceLine[]> {
  const [lines] = await periodChargeLinesMany(db, [{ tenantId, row, periodStart, periodEnd, usageUntil }]);
  return lines!;
}
