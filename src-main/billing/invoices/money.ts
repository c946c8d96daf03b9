/**
 * Money arithmetic for invoices: integer cents throughout; tax rounded once per invoice.
 * BigInt inside, because subtotal × rate in thousandths of a percent can pass 2^53.
 */

/** Tax on a subtotal at `ratePercent` (up to three decimals, as stored), rounded half up; a credit (negative subtotal) mirrors it. */
export function taxCents(subtotalCents: number, ratePercent: number): number {
  if (subtotalCents < 0) return -taxCents(-subtotalCents, ratePercent);
  const rateThousandths = BigInt(Math.round(ratePercent * 1000));
  const numerator = BigInt(subtotalCents) * rateThousandths;
  const denominator = 100_000n; // percent (100) × thousandths (1000)
  return Number((2n * numerator + denominator) / (2n * denominator));
}

/** 4900, 'USD' → "49.00 USD"; negative amounts keep their sign ("-5.00 USD"). */
export function formatMoney(cents: number, currency: string): string {
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(cents);
  const whole = Math.floor(absolute / 100).toLocaleString('en-US');
  return `${sign}${whole}.${String(absolute % 100).padStart(2, '0')} ${currency}`;
}
