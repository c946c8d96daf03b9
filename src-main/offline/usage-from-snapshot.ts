import type { ChannelOutput, ChannelParsedInput } from '../../src-shared/contract/channels';
import type { SnapshotLimits, UsageSnapshotRow } from '../../src-shared/contract/offline-models';
import type { TenantDetail } from '../../src-shared/contract/models';
import type { UsageAgainstLimit, UsageFigures } from '../../src-shared/contract/usage-models';
import { DEFAULT_LIMIT_WARNING_PERCENT } from '../settings/setting-definitions';
import { usageCalendar } from '../usage/usage-calendar';
import { renderUsageCsv, usageCsvRange, type UsageCsvRow } from '../usage/usage-csv';
import type { SnapshotSetName, SnapshotStore } from './snapshot-store';

/**
 * The usage reads that can be recomputed from a snapshot's rows, limits and tenants — the
 * same rules as their SQL twins (tenant-usage-queries.ts, usage-csv.ts), so an offline
 * answer equals the online one for the same data (test/integration/offline-usage.test.ts).
 */

const RESOURCES = ['companies', 'usersPerCompany', 'transactionsPerMonth'] as const;

/** PostgreSQL's round(float8) is rint(): halves go to the even neighbour. */
function roundHalfEven(value: number): number {
  const rounded = Math.round(value);
  return Math.abs(value % 1) === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
}

/** percent_of_limit() (platform migration 008) in JS, for answers offline: test/integration/offline-usage.test.ts compares the two. */
export function percentOfLimit(current: number | null, limit: number | null): number | null {
  if (limit === null || current === null) return null;
  if (limit === 0) return 100 + 100 * current;
  return roundHalfEven((1000 * current) / limit) / 10;
}

/** A row from a file written before figures were kept: what its flat numbers say. */
function figuresOf(row: UsageSnapshotRow): UsageFigures {
  if (row.figures) return row.figures;
  const m = row.metrics;
  const n = (name: string) => m[name] ?? null;
  return {
    usageDate: row.day,
    companies: n('companies'),
    usersTotal: n('usersTotal'),
    largestCompany: m.usersLargestCompany === undefined ? null : { id: 0, name: '', users: m.usersLargestCompany },
    transactionsMonth: n('transactionsMonth'),
    transactionsDelta: n('transactionsDelta'),
    databaseBytes: n('databaseBytes'),
    commits: n('commits'),
    sessions: null,
    connections: n('connections'),
    active: (m.transactionsDelta ?? 0) > 0,
    carriedOver: m.carriedOver === 1,
    readAt: null,
    error: null,
    collectedAt: `${row.day}T00:00:00.000Z`,
  };
}

const monthOf = (row: UsageSnapshotRow) => (row.monthStart === undefined ? `${row.day.slice(0, 8)}01` : row.monthStart);

/** The limits a snapshot kept for a tenant, else its plan's (overrides unknown then). */
function limitsOf(kept: SnapshotLimits | null | undefined, tenant: TenantDetail): SnapshotLimits {
  return kept ?? { ...tenant.limits, warningPercent: DEFAULT_LIMIT_WARNING_PERCENT };
}

const minusDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/** usage:tenant from a snapshot (the drawer's Usage & plan tab). */
export function tenantUsageFromSnapshot(
  store: SnapshotStore,
  set: SnapshotSetName,
  { ref, days }: ChannelParsedInput<'usage:tenant'>,
  now = new Date(),
): ChannelOutput<'usage:tenant'> {
  const snapshot = store.mark(set, 'usage');
  const { snapshot: _tenantMark, ...tenant } = store.getTenant(set, ref);
  const calendar = usageCalendar(now);
  const rows = store.usage(set, { tenantCode: tenant.tenantCode }).rows;
  const since = minusDays(calendar.usageDate, days);
  const history = rows.filter((row) => row.day > since);
  // Older than the window (collection stopped for a while): still show the last figures.
  const latestRow = history.at(-1) ?? rows.at(-1) ?? null;
  const latest = latestRow ? figuresOf(latestRow) : null;
  const sameMonth = latestRow !== null && monthOf(latestRow) === calendar.monthStart;
  const current: Record<UsageAgainstLimit['resource'], number | null> = {
    companies: latest?.companies ?? null,
    usersPerCompany: latest ? (latest.largestCompany?.users ?? 0) : null,
    transactionsPerMonth: latest ? (sameMonth ? latest.transactionsMonth : 0) : null,
  };
  const limits = limitsOf(store.limitsOf(set, tenant.tenantCode), tenant);
  return {
    tenantCode: tenant.tenantCode,
    companyName: tenant.companyName,
    status: tenant.status,
    plan: tenant.plan,
    planVersion: tenant.planVersion,
    warningPercent: limits.warningPercent,
    latest,
    limits: RESOURCES.map((resource) => ({ resource, current: current[resource], limit: limits[resource], percent: percentOfLimit(current[resource], limits[resource]) })),
    history: history.map(figuresOf),
    snapshot,
  };
}

/** usage:exportCsv from a snapshot: the same columns, filters, order and range rules. */
export function usageCsvFromSnapshot(store: SnapshotStore, set: SnapshotSetName, { filters }: ChannelParsedInput<'usage:exportCsv'>): ChannelOutput<'usage:exportCsv'> {
  const snapshot = store.mark(set, 'usage');
  const { from, to } = usageCsvRange(filters, store.latestUsageDay(set));
  // Only the range is read (the primary key is set, tenant, day; the day index serves this).
  const all = store.usage(set, { since: from, until: to }).rows;
  const tenants = new Map(store.tenantDetails(set).map((t) => [t.tenantCode, t]));
  const keptLimits = store.limitsOfSet(set);
  const search = filters.search?.toLowerCase();
  const matches = (t: TenantDetail) =>
    (!filters.plan?.length || filters.plan.includes(t.plan)) &&
    (!filters.status?.length || filters.status.includes(t.status)) &&
    (!search || [t.companyName, t.tenantCode, t.subdomain].some((text) => text.toLowerCase().includes(search)));
  const rows: UsageCsvRow[] = [];
  for (const row of all) {
    const tenant = tenants.get(row.tenantCode);
    if (row.day < from || row.day > to || !tenant || !matches(tenant)) continue;
    const f = figuresOf(row);
    const limits = limitsOf(keptLimits[tenant.tenantCode], tenant);
    rows.push({
      usage_date: row.day,
      tenant_code: tenant.tenantCode,
      company_name: tenant.companyName,
      plan: tenant.plan,
      status: tenant.status,
      companies: f.companies,
      companies_limit: limits.companies,
      users_total: f.usersTotal,
      largest_company: f.largestCompany?.name ?? null,
      largest_company_users: f.largestCompany?.users ?? null,
      users_per_company_limit: limits.usersPerCompany,
      transactions_month: f.transactionsMonth,
      transactions_per_month_limit: limits.transactionsPerMonth,
      transactions_delta: f.transactionsDelta,
      database_bytes: f.databaseBytes,
      commits: f.commits,
      sessions: f.sessions,
      connections: f.connections,
      active: f.active,
      carried_over: f.carriedOver,
      read_at: f.readAt,
      error: f.error,
      collected_at: f.collectedAt,
    });
  }
  const key = (row: UsageCsvRow) => [String(row.usage_date), String(row.tenant_code)] as const;
  rows.sort((a, b) => {
    const [dayA, codeA] = key(a);
    const [dayB, codeB] = key(b);
    if (dayA !== dayB) return dayA < dayB ? 1 : -1;
    return codeA < codeB ? -1 : codeA > codeB ? 1 : 0;
  });
  return { ...renderUsageCsv(rows, from, to), snapshot };
}
