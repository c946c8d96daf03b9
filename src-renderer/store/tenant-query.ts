import type { TenantSortField } from '../../src-shared/contract/models';
import type { OnboardingStage } from '../../src-shared/contract/onboarding-models';
import type { TenantStatus } from '../../src-shared/domain/status';

/** The Tenants page's filters, sort and page: what its address keeps (navigation/tenant-query-params.ts). */
export interface TenantQuery {
  readonly search: string;
  readonly status: readonly TenantStatus[];
  readonly plan: readonly string[];
  /** Onboarding stages, and 'stalled' for trials nobody has signed in to. */
  readonly onboarding: readonly OnboardingFilter[];
  readonly sort: TenantSortField;
  readonly direction: 'asc' | 'desc';
  /** 1-based, as Pagination shows it. */
  readonly page: number;
}

export type OnboardingFilter = OnboardingStage | 'stalled';

export const DEFAULT_TENANT_QUERY: TenantQuery = {
  search: '',
  status: [],
  plan: [],
  onboarding: [],
  sort: 'createdAt',
  direction: 'desc',
  page: 1,
};

/** Same rows asked for (the search compared as sent: trimmed). */
export function sameTenantQuery(a: TenantQuery, b: TenantQuery): boolean {
  const sameList = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((value, index) => value === y[index]);
  return (
    a.search.trim() === b.search.trim() &&
    sameList(a.status, b.status) &&
    sameList(a.plan, b.plan) &&
    sameList(a.onboarding, b.onboarding) &&
    a.sort === b.sort &&
    a.direction === b.direction &&
    a.page === b.page
  );
}
