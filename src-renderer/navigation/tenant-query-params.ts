import { TENANT_SORT_FIELDS, type TenantSortField } from '../../src-shared/contract/models';
import { ONBOARDING_STAGES } from '../../src-shared/contract/onboarding-models';
import { TENANT_STATUSES, type TenantStatus } from '../../src-shared/domain/status';
import { DEFAULT_TENANT_QUERY, type OnboardingFilter, type TenantQuery } from '../store/tenant-query';

/**
 * The Tenants page's query in its address: `q`, `status`, `plan`, `onboarding` (lists
 * comma-separated), `sort`, `dir`, `page`; defaults are left out. Reading is lenient: a value
 * that is not one the page offers is dropped, so an edited or old link still opens.
 */
const PLAN_CODE = /^[a-z][a-z0-9_-]{1,31}$/;
const ONBOARDING_FILTERS: readonly string[] = [...ONBOARDING_STAGES, 'stalled'];

function list<T extends string>(value: string | undefined, allowed: (item: string) => item is T, max: number): T[] {
  if (!value) return [];
  const items = value.split(',').map((item) => item.trim()).filter((item, index, all) => allowed(item) && all.indexOf(item) === index);
  return (items as T[]).slice(0, max);
}

const isStatus = (item: string): item is TenantStatus => (TENANT_STATUSES as readonly string[]).includes(item);
const isPlan = (item: string): item is string => PLAN_CODE.test(item);
const isOnboarding = (item: string): item is OnboardingFilter => ONBOARDING_FILTERS.includes(item);
const isSort = (item: string): item is TenantSortField => (TENANT_SORT_FIELDS as readonly string[]).includes(item);

export function tenantQueryFromParams(params: Readonly<Record<string, string>>): TenantQuery {
  const sort = params.sort && isSort(params.sort) ? params.sort : DEFAULT_TENANT_QUERY.sort;
  const page = /^[1-9][0-9]{0,5}$/.test(params.page ?? '') ? Number(params.page) : 1;
  return {
    search: (params.q ?? '').slice(0, 200),
    status: list(params.status, isStatus, 10),
    plan: list(params.plan, isPlan, 20),
    onboarding: list(params.onboarding, isOnboarding, 10),
    sort,
    direction: params.dir === 'asc' || params.dir === 'desc' ? params.dir : defaultDirection(sort),
    page,
  };
}

/** The store's first click on a column: ascending, dates newest first (tenants-store sortBy). */
function defaultDirection(sort: TenantSortField): 'asc' | 'desc' {
  return sort === 'createdAt' ? 'desc' : 'asc';
}

export function tenantQueryToParams(query: TenantQuery): Record<string, string> {
  const params: Record<string, string> = {};
  const search = query.search.trim();
  if (search) params.q = search;
  if (query.status.length > 0) params.status = query.status.join(',');
  if (query.plan.length > 0) params.plan = query.plan.join(',');
  if (query.onboarding.length > 0) params.onboarding = query.onboarding.join(',');
  if (query.sort !== DEFAULT_TENANT_QUERY.sort) params.sort = query.sort;
  if (query.direction !== defaultDirection(query.sort)) params.dir = query.direction;
  if (query.page !== 1) params.page = String(query.page);
  return params;
}
