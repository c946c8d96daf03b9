import type { UsageFigures } from '../../src-shared/contract/usage-models';

/** A tenant_usage row as the queries select it (dates and times as text, ISO). */
export interface UsageRow {
  usage_date: string;
  companies: number | null;
  users_total: number | null;
  largest_company_id: number | null;
  largest_company_name: string | null;
  largest_company_users: number | null;
  month_start: string | null;
  transactions_month: number | null;
  transactions_delta: number | null;
  database_bytes: number | null;
  commits: number | null;
  sessions: number | null;
  connections: number | null;
  active: boolean;
  carried_over: boolean;
  read_at: Date | null;
  error: string | null;
  collected_at: Date;
}

export const USAGE_ROW_COLUMNS = `u.usage_date::text AS usage_date, u.companies, u.users_total, u.largest_company_id, u.largest_company_name,
  u.largest_company_users, u.month_start::text AS month_start, u.transactions_month, u.transactions_delta, u.database_bytes, u.commits, u.sessions, u.connections,
  u.active, u.carried_over, u.read_at, u.error, u.collected_at`;

export function toUsageFigures(row: UsageRow): UsageFigures {
  return {
    usageDate: row.usage_date,
    companies: row.companies,
    usersTotal: row.users_total,
    largestCompany:
      row.largest_company_id === null
        ? null
        : { id: Number(row.largest_company_id), name: row.largest_company_name ?? '', users: row.largest_company_users ?? 0 },
    transactionsMonth: row.transactions_month,
    transactionsDelta: row.transactions_delta,
    databaseBytes: row.database_bytes,
    commits: row.commits,
    sessions: row.sessions,
    connections: row.connections,
    active: row.active,
    carriedOver: row.carried_over,
    readAt: row.read_at?.toISOString() ?? null,
    error: row.error,
    collectedAt: row.collected_at.toISOString(),
  };
}
