/**
 * What a tenant database's errors mean to the ERP.
 *
 * LIMIT_SQLSTATE mirrors Tenant Console's src-main/tenant-schema/migrations/003-limits.ts
 * (`LIMIT_SQLSTATE`): the tenant database raises it when an insert would pass a plan limit,
 * with MESSAGE "Company limit reached (3 of 3). Please upgrade." (or "… would be exceeded
 * (2 of 3, this adds 2) …" for a multi-row insert) and
 * DETAIL "resource=companies scope=0 current=3 limit=3 adding=1". The kit is installed
 * apart from the console, so it keeps its own copy of the constant rather than importing it.
 */
import { type LimitDetails } from './answers.js';

export const LIMIT_SQLSTATE = 'TC001';

interface PgErrorFields {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly detail?: unknown;
}

const fields = (error: unknown): PgErrorFields => (typeof error === 'object' && error !== null ? (error as PgErrorFields) : {});

export const sqlState = (error: unknown): string | undefined => {
  const code = fields(error).code;
  return typeof code === 'string' ? code : undefined;
};

const DETAIL_PATTERN = /^resource=(\w+) scope=(-?\d+) current=(-?\d+) limit=(-?\d+) adding=(-?\d+)$/;
// A database older than the DETAIL field, or a proxy that drops it: the numbers are in the message.
const MESSAGE_PATTERN = /\((\d+) of (\d+)(?:, this adds (\d+))?\)/;
const RESOURCE_BY_LABEL: ReadonlyArray<readonly [RegExp, string]> = [
  [/^Company limit/, 'companies'],
  [/^User limit/, 'users'],
  [/^Monthly transaction limit/, 'transactions'],
];

/** The limit a TC001 error reports, or null when `error` is not a limit refusal. */
export function limitDetails(error: unknown): LimitDetails | null {
  const { message, detail } = fields(error);
  if (sqlState(error) !== LIMIT_SQLSTATE || typeof message !== 'string') return null;
  const parsed = typeof detail === 'string' ? DETAIL_PATTERN.exec(detail.trim()) : null;
  if (parsed) {
    const [, resource, scope, current, limit, adding] = parsed;
    return {
      resource: resource!,
      current: Number(current),
      limit: Number(limit),
      adding: Number(adding),
      companyId: resource === 'users' ? Number(scope) : null,
      message,
    };
  }
  const numbers = MESSAGE_PATTERN.exec(message);
  const resource = RESOURCE_BY_LABEL.find(([label]) => label.test(message))?.[1] ?? 'unknown';
  return {
    resource,
    current: numbers ? Number(numbers[1]) : 0,
    limit: numbers ? Number(numbers[2]) : 0,
    adding: numbers?.[3] ? Number(numbers[3]) : 1,
    companyId: null,
    message,
  };
}

const ACCOUNT_ADMINS_PATTERN = /\((\d+) of (\d+)\)/;

/**
 * The account-administrator cap (TC003, tenant migration 007: users without a company are
 * outside every company's user limit, so an account may hold only a few) as a limit, or null.
 */
export function accountAdminLimit(error: unknown): LimitDetails | null {
  const { message } = fields(error);
  if (sqlState(error) !== 'TC003' || typeof message !== 'string') return null;
  const numbers = ACCOUNT_ADMINS_PATTERN.exec(message);
  const limit = numbers ? Number(numbers[2]) : 0;
  // The database counts after the refused insert; what the account holds is the limit.
  return { resource: 'account_admins', current: limit, limit, adding: numbers ? Number(numbers[1]) - limit : 1, companyId: null, message };
}

/**
 * Did PostgreSQL refuse this tenant's role at the door? That is how Tenant Console enforces
 * suspension and cancellation: ALTER ROLE … NOLOGIN (28000 "role … is not permitted to log
 * in") and REVOKE CONNECT (42501 "permission denied for database …").
 */
export function isLoginRefused(error: unknown): boolean {
  const code = sqlState(error);
  if (code === '28000') return true;
  const message = fields(error).message;
  return code === '42501' && typeof message === 'string' && /permission denied for database|CONNECT privilege/i.test(message);
}

/**
 * Was the session ended under the request? Suspension terminates every open session of the
 * tenant's role (57P01 admin_shutdown), and a pooled connection killed while idle fails its
 * next query with a bare "Connection terminated" from the driver.
 */
export function isSessionEnded(error: unknown): boolean {
  const code = sqlState(error);
  if (code === '57P01' || code === '57P02' || code === '57P03') return true;
  const message = fields(error).message;
  return code === undefined && typeof message === 'string' && /Connection terminated|terminating connection|Client has encountered a connection error/i.test(message);
}

/** The database could not be reached at all, or is full (CONNECTION LIMIT of the plan). */
export function isDatabaseUnreachable(error: unknown): boolean {
  const code = sqlState(error);
  if (code === '53300' || code === '08006' || code === '08001' || code === '08004') return true;
  if (code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND') return true;
  const message = fields(error).message;
  return code === undefined && typeof message === 'string' && /timeout exceeded when trying to connect|Connection terminated due to connection timeout/i.test(message);
}
