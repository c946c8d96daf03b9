/**
 * "May I offer Create?" — asked of the tenant database itself (`platform.check_limit`), which
 * counts what the tenant has and knows its plan, overrides and allowances. The answer is
 * advice for the UI: the insert is still checked, race-free, by the database's triggers.
 */
export type LimitResource = 'companies' | 'users' | 'transactions';

/** The singular names the Tenant API's check-limit accepts, too. */
const RESOURCE_NAMES: Readonly<Record<string, LimitResource>> = {
  companies: 'companies',
  company: 'companies',
  users: 'users',
  user: 'users',
  transactions: 'transactions',
  transaction: 'transactions',
};

export interface LimitCheck {
  readonly canCreate: boolean;
  readonly current: number;
  /** null: unlimited */
  readonly limit: number | null;
  /** "Company limit reached (3 of 3). Please upgrade.", a "nearly reached" warning, or null. */
  readonly message: string | null;
}

/** Anything with pg's query(text, values): a Client, a PoolClient or a Pool. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export async function checkLimit(client: Queryable, resource: LimitResource | 'company' | 'user' | 'transaction', companyId?: number | string): Promise<LimitCheck> {
  const name = Object.hasOwn(RESOURCE_NAMES, resource) ? RESOURCE_NAMES[resource] : undefined;
  if (!name) throw new TypeError(`checkLimit: unknown resource ${JSON.stringify(resource)} (companies, users or transactions).`);
  if (name === 'users' && (companyId === undefined || companyId === null)) throw new TypeError("checkLimit('users', companyId): the user limit is per company.");
  if (companyId !== undefined && companyId !== null && !/^[0-9]{1,18}$/.test(String(companyId))) throw new TypeError('checkLimit: companyId must be a positive integer.');
  const { rows } = await client.query('SELECT can_create, current::text AS current, "limit"::text AS "limit", message FROM platform.check_limit($1, $2::bigint)', [
    name,
    name === 'users' ? String(companyId) : null,
  ]);
  const row = rows[0] as { can_create: boolean; current: string; limit: string | null; message: string | null } | undefined;
  if (!row) throw new Error('platform.check_limit returned no row.');
  return { canCreate: row.can_create, current: Number(row.current), limit: row.limit === null ? null : Number(row.limit), message: row.message };
}
