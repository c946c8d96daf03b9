import type { MantineColor } from '@mantine/core';
import type { UsageResource } from '../../../src-shared/contract/usage-models';
import type { LimitResource } from '../../../src-shared/contract/plan-models';

type UsageLevel = 'ok' | 'warning' | 'over';

/** Red at or over 100% (the next insert is refused), yellow from the warning threshold. */
export function usageLevel(percent: number | null, warningPercent: number): UsageLevel {
  if (percent === null) return 'ok';
  if (percent >= 100) return 'over';
  if (percent >= warningPercent) return 'warning';
  return 'ok';
}

export const LEVEL_COLORS: Readonly<Record<UsageLevel, MantineColor>> = {
  ok: 'teal',
  warning: 'yellow',
  over: 'red',
};

export const USAGE_RESOURCE_LABELS: Readonly<Record<UsageResource, string>> = {
  companies: 'Companies',
  usersPerCompany: 'Users (largest company)',
  transactionsPerMonth: 'Transactions this month',
};

export const LIMIT_RESOURCE_LABELS: Readonly<Record<LimitResource, string>> = {
  companies: 'Companies',
  users: 'Users in the largest company',
  transactions: 'Transactions this month',
};

/** What a progress bar shows: 0–100, with a sliver for any usage so "1 of 1,000" is visible. */
export function barValue(current: number | null, limit: number | null): number {
  if (current === null || limit === null) return 0;
  if (limit === 0) return current > 0 ? 100 : 0;
  const percent = (current / limit) * 100;
  return current > 0 ? Math.min(100, Math.max(1.5, percent)) : 0;
}
