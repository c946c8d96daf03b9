import { channels, type ChannelInput } from '../../../src-shared/contract/channels';
import type { PlanVersion } from '../../../src-shared/contract/plan-models';
import { pricingRuleError, type PlanPricing, type PricingModel } from '../../../src-shared/domain/pricing';

/** NumberInput gives a number, or a string while empty or mid-edit; empty means "none" / "unlimited". */
type NumberField = number | string;

export interface PlanFormValues {
  name: string;
  customPrice: boolean;
  /** In major units (49.00), as the operator reads prices. */
  price: NumberField;
  currency: string;
  interval: 'month' | 'year' | 'none';
  trialDays: NumberField;
  companies: NumberField;
  usersPerCompany: NumberField;
  transactionsPerMonth: NumberField;
  /** Sessions a tenant's role may hold at once; never empty (never unlimited). */
  connectionLimit: NumberField;
  overagePrice: NumberField;
  supportLevel: string;
  pricingModel: PricingModel;
  /** Per user, company or transaction, in major units (0.03). */
  unitPrice: NumberField;
  includedUnits: NumberField;
  trialCardRequired: boolean;
}

type PlanFormField = keyof PlanFormValues;
type PlanUpdateInput = ChannelInput<'plans:update'>;

const fromCents = (cents: number | null): NumberField => (cents === null ? '' : cents / 100);
const fromCount = (value: number | null): NumberField => (value === null ? '' : value);

export function formValuesOf(plan: PlanVersion): PlanFormValues {
  return {
    name: plan.name,
    customPrice: plan.priceCents === null,
    price: fromCents(plan.priceCents),
    currency: plan.currency,
    interval: plan.interval,
    trialDays: fromCount(plan.trialDays),
    companies: fromCount(plan.limits.companies),
    usersPerCompany: fromCount(plan.limits.usersPerCompany),
    transactionsPerMonth: fromCount(plan.limits.transactionsPerMonth),
    connectionLimit: plan.connectionLimit,
    overagePrice: fromCents(plan.overagePriceCents),
    supportLevel: plan.supportLevel,
    pricingModel: plan.pricingModel,
    unitPrice: fromCents(plan.unitPriceCents),
    includedUnits: plan.includedUnits,
    trialCardRequired: plan.trialCardRequired,
  };
}

/** Empty → null; anything else goes to main as typed (a non-number string becomes NaN, which the schema refuses). */
const toNullable = (value: NumberField): number | null => (value === '' ? null : Number(value));
const toCents = (value: NumberField): number | null => (value === '' ? null : Math.round(Number(value) * 100));

/** Only the fields that differ from the current version: what plans:update takes. */
export function planChanges(values: PlanFormValues, plan: PlanVersion): PlanUpdateInput {
  const input: PlanUpdateInput = { code: plan.code };
  // Per-unit models have no base price: it is 0 whatever the hidden field holds.
  const perUnitOnly = values.pricingModel !== 'flat' && values.pricingModel !== 'base_plus_usage';
  const priceCents = perUnitOnly ? 0 : values.customPrice ? null : toCents(values.price);
  const limits: NonNullable<PlanUpdateInput['limits']> = {};
  if (values.name.trim() !== plan.name) input.name = values.name;
  if (priceCents !== plan.priceCents) input.priceCents = priceCents;
  if (values.currency.trim().toUpperCase() !== plan.currency) input.currency = values.currency.trim().toUpperCase();
  if (values.interval !== plan.interval) input.interval = values.interval;
  if (toNullable(values.trialDays) !== plan.trialDays) input.trialDays = toNullable(values.trialDays);
  if (toNullable(values.companies) !== plan.limits.companies) limits.companies = toNullable(values.companies);
  if (toNullable(values.usersPerCompany) !== plan.limits.usersPerCompany) limits.usersPerCompany = toNullable(values.usersPerCompany);
  if (toNullable(values.transactionsPerMonth) !== plan.limits.transactionsPerMonth) limits.transactionsPerMonth = toNullable(values.transactionsPerMonth);
  if (Object.keys(limits).length > 0) input.limits = limits;
  // Empty is not "unlimited" here: it is sent as NaN, which the schema refuses with a field error.
  const connectionLimit = values.connectionLimit === '' ? Number.NaN : Number(values.connectionLimit);
  if (connectionLimit !== plan.connectionLimit) input.connectionLimit = connectionLimit;
  if (toCents(values.overagePrice) !== plan.overagePriceCents) input.overagePriceCents = toCents(values.overagePrice);
  if (values.supportLevel.trim() !== plan.supportLevel) input.supportLevel = values.supportLevel;
  if (values.pricingModel !== plan.pricingModel) input.pricingModel = values.pricingModel;
  const unitPriceCents = values.pricingModel === 'flat' ? null : toCents(values.unitPrice);
  if (unitPriceCents !== plan.unitPriceCents) input.unitPriceCents = unitPriceCents;
  const includedUnits = values.pricingModel === 'flat' ? 0 : values.includedUnits === '' ? 0 : Number(values.includedUnits);
  if (includedUnits !== plan.includedUnits) input.includedUnits = includedUnits;
  if (values.trialCardRequired !== plan.trialCardRequired) input.trialCardRequired = values.trialCardRequired;
  return input;
}

/** Which form field a schema path points at. */
const FIELD_OF_PATH: Readonly<Record<string, PlanFormField>> = {
  name: 'name',
  priceCents: 'price',
  currency: 'currency',
  interval: 'interval',
  trialDays: 'trialDays',
  'limits.companies': 'companies',
  'limits.usersPerCompany': 'usersPerCompany',
  'limits.transactionsPerMonth': 'transactionsPerMonth',
  connectionLimit: 'connectionLimit',
  overagePriceCents: 'overagePrice',
  supportLevel: 'supportLevel',
  pricingModel: 'pricingModel',
  unitPriceCents: 'unitPrice',
  includedUnits: 'includedUnits',
};

/** zod's generic wording ("Too small: expected number to be >=0") in plain words; the schema's own messages as they are. */
function readable(issue: { code: string; message: string; origin?: unknown; minimum?: unknown; maximum?: unknown }): string {
  if (issue.message.startsWith('Too small') && issue.origin === 'string') return 'Enter a value.';
  if (issue.message.startsWith('Too small')) return `Must be at least ${String(issue.minimum)}.`;
  if (issue.message.startsWith('Too big')) return `Must be at most ${String(issue.maximum)}.`;
  if (issue.message.startsWith('Invalid input')) return issue.message.includes('int') ? 'Enter a whole number.' : 'Enter a valid value.';
  return issue.message;
}

/** The problems main would report, per field, from the channel's own schema (one set of rules, not a copy). */
export function planFormProblems(input: PlanUpdateInput): Partial<Record<PlanFormField, string>> {
  const parsed = channels['plans:update'].input.safeParse(input);
  if (parsed.success) return {};
  const problems: Partial<Record<PlanFormField, string>> = {};
  for (const issue of parsed.error.issues) {
    const field = FIELD_OF_PATH[issue.path.join('.')];
    if (field && !problems[field]) problems[field] = readable(issue);
  }
  return problems;
}

/** The pricing rule main applies (src-shared/domain/pricing.ts), on the version the form would make. */
export function pricingProblem(values: PlanFormValues, plan: PlanVersion): string | null {
  const input = planChanges(values, plan);
  return pricingRuleError(pricingOfForm(values, plan, input));
}

/** The pricing the form describes (for the rule and the live preview). */
export function pricingOfForm(values: PlanFormValues, plan: PlanVersion, input: PlanUpdateInput = planChanges(values, plan)): PlanPricing {
  return {
    pricingModel: input.pricingModel ?? plan.pricingModel,
    priceCents: input.priceCents === undefined ? plan.priceCents : input.priceCents,
    unitPriceCents: input.unitPriceCents === undefined ? plan.unitPriceCents : input.unitPriceCents,
    includedUnits: input.includedUnits ?? plan.includedUnits,
    interval: input.interval ?? plan.interval,
  };
}

export const hasChanges = (input: PlanUpdateInput) => Object.keys(input).length > 1;
