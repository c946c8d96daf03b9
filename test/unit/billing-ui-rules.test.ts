import { describe, expect, it } from 'vitest';
import { daysPhrase, daysUntil } from '../../src-renderer/features/billing/billing-labels';
import { contractProblems } from '../../src-renderer/features/billing/contract-problems';
import { secretPatch } from '../../src-renderer/features/billing/secret-edit';

describe('billing UI rules', () => {
  it('counts whole days to a time by the clock given, and words them', () => {
    const now = '2027-03-01T12:00:00.000Z';
    expect(daysUntil('2027-03-04T12:00:00.000Z', now)).toBe(3);
    expect(daysUntil('2027-03-04T08:00:00.000Z', now)).toBe(3); // a part day counts as a day still to go
    expect(daysUntil('2027-02-27T12:00:00.000Z', now)).toBe(-2);
    expect(daysUntil(null, now)).toBeNull();
    expect([daysPhrase(0), daysPhrase(1), daysPhrase(3), daysPhrase(-1), daysPhrase(-4), daysPhrase(null)]).toEqual([
      'today',
      'tomorrow',
      'in 3 days',
      'yesterday',
      '4 days ago',
      '—',
    ]);
  });

  it("shows the settings channel's own messages per field path, and none for a valid patch", () => {
    expect(contractProblems('billing:updateSettings', { currency: 'USD', taxRatePercent: 8.5, stripeSecretKey: 'sk_test_abcdefgh1234' })).toEqual({});
    const problems = contractProblems('billing:updateSettings', {
      currency: 'US',
      taxRatePercent: 120,
      invoiceSeries: 'inv',
      stripeSecretKey: 'pk_test_123',
      smtp: { host: 'mail.example.com', port: 0, secure: false, username: null, from: null },
    });
    expect(problems).toEqual({
      currency: 'Currency is an ISO code such as USD.',
      taxRatePercent: 'The tax rate is a percentage from 0 to 100.',
      invoiceSeries: 'The invoice series is up to 24 capital letters, digits and dashes, e.g. INV.',
      stripeSecretKey: 'A Stripe secret key starts with sk_test_, sk_live_, rk_test_ or rk_live_.',
      'smtp.port': 'Must be at least 1.',
    });
  });

  it('sends a secret only when replaced (its value) or removed (null); kept means absent', () => {
    expect(secretPatch({ action: 'keep' })).toBeUndefined();
    expect(secretPatch({ action: 'replace', value: 'hunter2' })).toBe('hunter2');
    expect(secretPatch({ action: 'remove' })).toBeNull();
  });
});
