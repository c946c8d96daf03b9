import type { InvoiceLine } from '../../../src-shared/contract/billing-models';
import { priceForUsage, type MeteredUsage, type PlanPricing } from '../../../src-shared/domain/pricing';

export interface PricedPlan extends PlanPricing {
  readonly name: string;
}

const count = (n: number): string => n.toLocaleString('en-US');
const day = (at: Date): string => at.toISOString().slice(0, 10);

/**
 * The invoice lines of a period's plan charge, by the plan's pricing model (the numbers come
 * from priceForUsage; only the words are made here). A seat charge is the 'plan' line with
 * the seats as its quantity; transactions are a 'usage' line with the transactions billed
 * (above the included ones) as its quantity — zero when all were included, so the invoice
 * still says what was counted.
 */
export function planChargeLines(plan: PricedPlan, usage: MeteredUsage, periodStart: Date, periodEnd: Date): InvoiceLine[] {
  const price = priceForUsage(plan, usage);
  const period = `${day(periodStart)} – ${day(periodEnd)}`;
  const units = price.units;
  if (units === null) {
    const cents = price.baseCents ?? 0;
    return [{ kind: 'plan', description: `${plan.name} plan, ${period}`, quantity: 1, unitCents: cents, amountCents: cents }];
  }
  const included = units.included > 0 ? `, ${count(units.included)} included` : '';
  if (units.unit !== 'transactions') {
    const what = units.unit === 'users' ? 'users (peak across companies' : 'companies (peak';
    return [{
      kind: 'plan',
      description: `${plan.name} plan, ${period}: ${count(units.billed)} ${what} ${count(units.measured)}${included})`.slice(0, 300),
      quantity: units.billed,
      unitCents: units.unitCents,
      amountCents: units.amountCents,
    }];
  }
  const lines: InvoiceLine[] = [];
  if (price.baseCents !== null && price.baseCents > 0) {
    lines.push({ kind: 'plan', description: `${plan.name} plan, ${period} (${count(units.included)} transactions included)`, quantity: 1, unitCents: price.baseCents, amountCents: price.baseCents });
  }
  lines.push({
    kind: 'usage',
    description: `Transactions ${period}: ${count(units.measured)} counted${included}`.slice(0, 300),
    quantity: units.billed,
    unitCents: units.unitCents,
    amountCents: units.amountCents,
  });
  return lines;
}
