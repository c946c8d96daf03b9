import { describe, expect, it } from 'vitest';
import type { PlanVersion } from '../../src-shared/contract/plan-models';
import { formValuesOf, hasChanges, planChanges, planFormProblems } from '../../src-renderer/features/plans/plan-form';

const professional: PlanVersion = {
  code: 'professional',
  version: 1,
  name: 'Professional',
  priceCents: 19900,
  currency: 'USD',
  interval: 'month',
  trialDays: null,
  limits: { companies: 3, usersPerCompany: 20, transactionsPerMonth: 10000 },
  connectionLimit: 20,
  supportLevel: 'priority',
  pricingModel: 'flat',
  unitPriceCents: null,
  includedUnits: 0,
  trialCardRequired: false,
  overagePriceCents: null,
  isCurrent: true,
  createdAt: '2025-01-01T00:00:00.000Z',
  tenantCount: 2,
};

describe('the Edit plan form', () => {
  it('sends nothing but the code when nothing changed', () => {
    const input = planChanges(formValuesOf(professional), professional);
    expect(input).toEqual({ code: 'professional' });
    expect(hasChanges(input)).toBe(false);
  });

  it('sends only the changed fields, prices in cents, empty limits as unlimited', () => {
    const values = { ...formValuesOf(professional), price: 249.5, usersPerCompany: 4, transactionsPerMonth: '', trialDays: 30, overagePrice: 0.25 };
    expect(planChanges(values, professional)).toEqual({
      code: 'professional',
      priceCents: 24950,
      trialDays: 30,
      limits: { usersPerCompany: 4, transactionsPerMonth: null },
      overagePriceCents: 25,
    });
    expect(planChanges({ ...formValuesOf(professional), customPrice: true }, professional)).toEqual({ code: 'professional', priceCents: null });
  });

  it("reports main's own rules per field", () => {
    const problems = planFormProblems(planChanges({ ...formValuesOf(professional), currency: 'us', trialDays: 400, companies: -1, name: '  ' }, professional));
    expect(problems).toEqual({
      currency: 'Currency is an ISO code such as USD.',
      trialDays: 'Must be at most 365.',
      companies: 'A limit is 0 or more.',
      name: 'Enter a value.',
    });
    expect(planFormProblems(planChanges({ ...formValuesOf(professional), usersPerCompany: 2.5 }, professional))).toEqual({ usersPerCompany: 'Enter a whole number.' });
  });

  it('sends a changed connection limit, and never takes an empty or zero one as unlimited', () => {
    expect(planChanges({ ...formValuesOf(professional), connectionLimit: 8 }, professional)).toEqual({ code: 'professional', connectionLimit: 8 });
    expect(planFormProblems(planChanges({ ...formValuesOf(professional), connectionLimit: 0 }, professional))).toEqual({ connectionLimit: 'Must be at least 1.' });
    expect(planFormProblems(planChanges({ ...formValuesOf(professional), connectionLimit: '' }, professional)).connectionLimit).toBeTruthy();
  });
});
