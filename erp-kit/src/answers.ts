/**
 * The HTTP answers the kit gives on the ERP's behalf. One error class carries the status and
 * the JSON body, so every adapter (and an ERP's own error handler) sends it unchanged.
 */

export const SUSPENDED_MESSAGE = 'Account suspended. Please contact support.';
export const CANCELLED_MESSAGE = 'This account has been cancelled.';
export const UNKNOWN_TENANT_MESSAGE = 'Unknown tenant.';
export const UNAVAILABLE_MESSAGE = 'The service is temporarily unavailable. Please try again shortly.';

export type KitErrorCode =
  | 'limit_reached'
  | 'invitation_invalid'
  | 'account_suspended'
  | 'account_cancelled'
  | 'account_unavailable'
  | 'unknown_tenant'
  | 'no_tenant'
  | 'tenant_directory_unavailable'
  | 'tenant_database_unavailable';

/** The body of every answer: `error` is the sentence to show; `code` is for programs. */
export interface KitErrorBody {
  readonly error: string;
  readonly code: KitErrorCode;
  readonly [field: string]: unknown;
}

export class TenantKitError extends Error {
  override readonly name = 'TenantKitError';
  readonly status: number;
  readonly body: KitErrorBody;
  /** Seconds, for a Retry-After header (503s). */
  readonly retryAfter: number | undefined;

  constructor(status: number, body: KitErrorBody, options: { cause?: unknown; retryAfter?: number } = {}) {
    super(body.error, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.body = body;
    this.retryAfter = options.retryAfter;
  }

  /** Express's and Fastify's own handlers read these two. */
  get statusCode(): number {
    return this.status;
  }
  get expose(): boolean {
    return true;
  }
}

export function isTenantKitError(error: unknown): error is TenantKitError {
  return error instanceof TenantKitError;
}

export interface LimitDetails {
  /** companies | users | transactions */
  readonly resource: string;
  readonly current: number;
  readonly limit: number;
  /** How many the refused statement tried to add (1 for a single insert). */
  readonly adding: number;
  /** The company for the per-company user limit, else null. */
  readonly companyId: number | null;
  /** The database's own sentence, e.g. "Company limit reached (3 of 3). Please upgrade." */
  readonly message: string;
}

export function limitReached(details: LimitDetails, cause?: unknown): TenantKitError {
  const body: KitErrorBody = {
    error: details.message,
    code: 'limit_reached',
    resource: details.resource,
    current: details.current,
    limit: details.limit,
    ...(details.companyId === null ? {} : { company_id: details.companyId }),
  };
  return new TenantKitError(403, body, { cause });
}

export const accountSuspended = (tenantCode: string, cause?: unknown) =>
  new TenantKitError(403, { error: SUSPENDED_MESSAGE, code: 'account_suspended', tenant_code: tenantCode }, { cause });

export const accountCancelled = (tenantCode: string, cause?: unknown) =>
  new TenantKitError(410, { error: CANCELLED_MESSAGE, code: 'account_cancelled', tenant_code: tenantCode }, { cause });

/** Provisioning, or a status this kit does not know yet: not served, but not gone either. */
export const accountUnavailable = (tenantCode: string, status: string) =>
  new TenantKitError(503, { error: UNAVAILABLE_MESSAGE, code: 'account_unavailable', tenant_code: tenantCode, status }, { retryAfter: 5 });

export const unknownTenant = () => new TenantKitError(404, { error: UNKNOWN_TENANT_MESSAGE, code: 'unknown_tenant' });

export const noTenantInRequest = (why: string) => new TenantKitError(400, { error: why, code: 'no_tenant' });

export const directoryUnavailable = (cause: unknown) =>
  new TenantKitError(503, { error: UNAVAILABLE_MESSAGE, code: 'tenant_directory_unavailable' }, { cause, retryAfter: 2 });

export const databaseUnavailable = (tenantCode: string, cause: unknown) =>
  new TenantKitError(503, { error: UNAVAILABLE_MESSAGE, code: 'tenant_database_unavailable', tenant_code: tenantCode }, { cause, retryAfter: 2 });
