import type pg from 'pg';
import { stringify } from 'csv-stringify/sync';
import type { ChannelParsedInput } from '../../src-shared/contract/channels';
import type { UsageCsv } from '../../src-shared/contract/usage-models';
import { AppError } from '../base/app-error';
import { neutralizingCast } from '../base/csv-cell';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** More rows than this is a data dump, not an export from a dashboard: narrow the filters. */
export const CSV_MAX_ROWS = 200_000;
const MAX_RANGE_DAYS = 366;

export const USAGE_CSV_COLUMNS = [
  'usage_date', 'tenant_code', 'company_name', 'plan', 'status', 'companies', 'companies_limit', 'users_total',
  'largest_company', 'largest_company_users', 'users_per_company_limit', 'transactions_month', 'transactions_per_month_limit',
  'transactions_delta', 'database_bytes', 'commits', 'sessions', 'connections', 'active', 'carried_over', 'read_at', 'error',
  'collected_at',
] as const;

export type UsageCsvRow = Record<(typeof USAGE_CSV_COLUMNS)[number], unknown>;

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** The usage table as CSV (csv-stringify does the quoting), newest day first, then by tenant. */
/** The range an export covers: both ends default to the latest collected day; checked, never silently clipped. */
export function usageCsvRange(filters: ChannelParsedInput<'usage:exportCsv'>['filters'], latestDay: string | null): { from: string; to: string } {
  const to = filters.to ?? latestDay ?? new Date().toISOString().slice(0, 10);
  const from = filters.from ?? to;
  const span = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  if (span < 0) throw new AppError('VALIDATION', 'The export range ends before it starts.');
  if (span >= MAX_RANGE_DAYS) throw new AppError('VALIDATION', `The export range is limited to ${MAX_RANGE_DAYS} days.`);
  return { from, to };
}

/** The CSV text from rows in USAGE_CSV_COLUMNS (newest day first, then by tenant): one renderer online and offline. */
export function renderUsageCsv(rows: readonly UsageCsvRow[], from: string, to: string): UsageCsv {
  if (rows.length > CSV_MAX_ROWS) {
    throw new AppError('VALIDATION', `The export would hold more than ${CSV_MAX_ROWS.toLocaleString('en-US')} rows; narrow the date range or filters.`);
  }
  const csv = stringify(rows as UsageCsvRow[], {
    header: true,
    columns: [...USAGE_CSV_COLUMNS],
    cast: {
      ...neutralizingCast,
      date: (value) => value.toISOString(),
      boolean: (value) => (value ? 'true' : 'false'),
    },
  });
  return { filename: from === to ? `usage-${to}.csv` : `usage-${from}-to-${to}.csv`, rows: rows.length, csv };
}

/** The usage table as CSV (csv-stringify does the quoting), newest day first, then by tenant. */
export async function usageCsv(db: Queryable, filters: ChannelParsedInput<'usage:exportCsv'>['filters']): Promise<UsageCsv> {
  const { rows: latest } = await db.query<{ day: string | null }>('SELECT max(usage_date)::text AS day FROM usage_daily');
  const { from, to } = usageCsvRange(filters, latest[0]?.day ?? null);

  const where = ['u.usage_date BETWEEN $1::date AND $2::date'];
  const params: unknown[] = [from, to];
  if (filters.plan?.length) {
    params.push(filters.plan);
    where.push(`t.plan_code = ANY($${params.length}::text[])`);
  }
  if (filters.status?.length) {
    params.push(filters.status);
    where.push(`t.status = ANY($${params.length}::text[])`);
  }
  if (filters.search) {
    params.push(likePattern(filters.search));
    where.push(`(t.company_name ILIKE $${params.length} OR t.tenant_code ILIKE $${params.length} OR t.subdomain ILIKE $${params.length})`);
  }
  const { rows } = await db.query<UsageCsvRow>(
    `SELECT u.usage_date::text AS usage_date, t.tenant_code, t.company_name, t.plan_code AS plan, t.status,
            u.companies, el.companies AS companies_limit, u.users_total, u.largest_company_name AS largest_company,
            u.largest_company_users, el.users_per_company AS users_per_company_limit, u.transactions_month,
            el.transactions_per_month AS transactions_per_month_limit, u.transactions_delta, u.database_bytes, u.commits,
            u.sessions, u.connections, u.active, u.carried_over, u.read_at, u.error, u.collected_at
       FROM tenant_usage u
       JOIN tenants t ON t.id = u.tenant_id
       JOIN effective_limits el ON el.tenant_id = t.id
      WHERE ${where.join(' AND ')}
      ORDER BY u.usage_date DESC, t.tenant_code
      LIMIT ${CSV_MAX_ROWS + 1}`,
    params,
  );
  return renderUsageCsv(rows, from, to);
}
