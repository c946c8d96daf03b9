import pg from 'pg';
import { clientConfig, type ServerEndpoint } from '../postgres/server-endpoint';
import type { UsageCalendar } from './usage-calendar';

/** The erp figures only a visit to the tenant's database can give. */
export interface TenantFigures {
  readonly companies: number;
  readonly usersTotal: number;
  readonly largestCompany: { readonly id: number; readonly name: string; readonly users: number } | null;
  readonly transactionsMonth: number;
  /**
   * Signs of onboarding, present on a fresh read only (a carried-over row has none): the
   * earliest sign-in the ERP recorded (erp.users.last_sign_in_at, tenant migration 007) and
   * whether any transaction exists. For the onboarding checklist (src-main/signups listens
   * to usage collections), so it needs no connection of its own to each tenant.
   */
  readonly activity?: TenantActivity;
}

export interface TenantActivity {
  readonly firstSeenSignInAt: Date | null;
  readonly anyTransaction: boolean;
}

export interface ReadTimeouts {
  readonly connectMs: number;
  readonly statementMs: number;
  /** Guard over the whole visit (connect + query), whatever hangs. */
  readonly overallMs: number;
}

export const DEFAULT_READ_TIMEOUTS: ReadTimeouts = { connectMs: 5_000, statementMs: 10_000, overallMs: 20_000 };

// One statement, one round trip: every count the dashboards need from this database.
// Transactions this month come from the limit's own counters (platform.counters, one row
// per slot for the month, kept by the insert trigger when the row is written), not from
// erp.transactions.created_at: the tenant writes that column and could backdate rows out
// of the month — and out of the overage bill and the near-limit list that use this figure.
const FIGURES_SQL = /* sql */ `
  SELECT (SELECT count(*) FROM erp.companies)::int AS companies,
         (SELECT count(*) FROM erp.users)::int AS users_total,
         (SELECT coalesce(sum(used), 0) FROM platform.counters
           WHERE resource = 'transactions' AND scope = 0 AND period = $1::date)::int AS transactions_month,
         -- Read through to_jsonb so a database not yet migrated to 007 (no such column) reads as null.
         (SELECT min((to_jsonb(u) ->> 'last_sign_in_at')::timestamptz) FROM erp.users u) AS first_seen_sign_in_at,
         EXISTS (SELECT 1 FROM erp.transactions) AS any_transaction,
         l.company_id AS largest_company_id, c.name AS largest_company_name, l.users AS largest_company_users
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
      SELECT company_id, count(*)::int AS users FROM erp.users GROUP BY company_id ORDER BY users DESC, company_id LIMIT 1
    ) AS l ON true
    LEFT JOIN erp.companies c ON c.id = l.company_id`;

interface FiguresRow {
  companies: number;
  users_total: number;
  transactions_month: number;
  largest_company_id: number | null;
  largest_company_name: string | null;
  largest_company_users: number | null;
  first_seen_sign_in_at: Date | null;
  any_transaction: boolean;
}

/**
 * Connects to one tenant database as the server's admin (a short-lived connection: nothing
 * is shared between tenants), reads its figures in one statement, and leaves. The
 * statement_timeout travels in the start-up packet, so it costs no extra round trip.
 */
export async function readTenantFigures(
  endpoint: ServerEndpoint,
  database: string,
  calendar: UsageCalendar,
  timeouts: ReadTimeouts = DEFAULT_READ_TIMEOUTS,
): Promise<TenantFigures> {
  const client = new pg.Client({
    ...clientConfig(endpoint, database, 'tenant-console-usage'),
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    query_timeout: timeouts.statementMs + 1_000,
  });
  // A server that drops the connection mid-visit must not crash the process.
  client.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(timeouts.overallMs / 1000)} s`)), timeouts.overallMs);
  });
  try {
    const visit = (async () => {
      await client.connect();
      const { rows } = await client.query<FiguresRow>(FIGURES_SQL, [calendar.monthStart]);
      return rows[0]!;
    })();
    visit.catch(() => undefined); // settled by the guard first: its late failure is not news
    const row = await Promise.race([visit, guard]);
    return {
      companies: row.companies,
      usersTotal: row.users_total,
      transactionsMonth: row.transactions_month,
      activity: { firstSeenSignInAt: row.first_seen_sign_in_at, anyTransaction: row.any_transaction },
      largestCompany:
        row.largest_company_id === null
          ? null
          : { id: Number(row.largest_company_id), name: row.largest_company_name ?? '', users: row.largest_company_users ?? 0 },
    };
  } finally {
    clearTimeout(timer);
    // The goodbye need not be awaited: nothing waits for this database to be free.
    void client.end().catch(() => undefined);
  }
}
