import { describePricing } from '../../src-shared/domain/pricing';
import type { Plan } from '../../src-shared/contract/models';

const dateFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
});
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const integerFormat = new Intl.NumberFormat();

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function formatDate(iso: string | null | undefined): string {
  const date = parse(iso);
  return date ? dateFormat.format(date) : '—';
}

export function formatDateTime(iso: string | null | undefined): string {
  const date = parse(iso);
  return date ? dateTimeFormat.format(date) : '—';
}

const UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 days ago", "in 2 weeks", "just now". */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  const date = parse(iso);
  if (!date) return '—';
  const seconds = (date.getTime() - now) / 1000;
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relativeFormat.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

export function formatCount(value: number): string {
  return integerFormat.format(value);
}

/** A plan limit; null means the plan sets none. */
export function formatLimit(value: number | null): string {
  return value === null ? 'Unlimited' : integerFormat.format(value);
}

/** "1 company", "3 companies", "Unlimited companies". */
export function formatLimitOf(value: number | null, singular: string, plural: string): string {
  if (value === null) return `Unlimited ${plural}`;
  return `${integerFormat.format(value)} ${value === 1 ? singular : plural}`;
}

export function formatPrice(plan: Pick<Plan, 'priceCents' | 'currency' | 'interval'> & Partial<Pick<Plan, 'pricingModel' | 'unitPriceCents' | 'includedUnits'>>): string {
  // Per-unit models say their unit price ("$10 per user per month, 2 users included").
  if (plan.pricingModel !== undefined && plan.pricingModel !== 'flat') {
    return describePricing(
      { pricingModel: plan.pricingModel, priceCents: plan.priceCents, unitPriceCents: plan.unitPriceCents ?? null, includedUnits: plan.includedUnits ?? 0, interval: plan.interval, currency: plan.currency },
      (cents) => formatMoney(cents, plan.currency),
    );
  }
  if (plan.priceCents === null) return 'Custom pricing';
  if (plan.priceCents === 0) return 'Free';
  let amount: string;
  try {
    amount = new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency: plan.currency.toUpperCase(),
      minimumFractionDigits: plan.priceCents % 100 === 0 ? 0 : 2,
    }).format(plan.priceCents / 100);
  } catch {
    amount = `${(plan.priceCents / 100).toFixed(2)} ${plan.currency.toUpperCase()}`;
  }
  return plan.interval === 'none' ? amount : `${amount} / ${plan.interval}`;
}

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** "12.4 MB": binary multiples, one decimal below 100. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || Math.abs(value) >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

/** "83%", or "—" when there is no limit to measure against. */
export function formatPercent(percent: number | null | undefined): string {
  if (percent === null || percent === undefined || !Number.isFinite(percent)) return '—';
  return `${Math.round(percent)}%`;
}

/** Money in minor units, e.g. "$1,240" / "€49.50"; an unknown currency code falls back to "49.50 XYZ". */
export function formatMoney(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency: currency.toUpperCase(),
      minimumFractionDigits: cents % 100 === 0 ? 0 : 2,
      maximumFractionDigits: 2,
    }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;
  }
}
