import { AppError } from '../base/app-error';

/**
 * Optimistic concurrency: the caller acted on version `expected` of the tenant, which is
 * now at `current`. One wording for every channel that takes an expectedVersion.
 */
export function staleVersionError(tenantCode: string, current: number, expected: number): AppError {
  return new AppError('CONFLICT', `Tenant ${tenantCode} was changed by someone else (now version ${current}, you saw ${expected}) — reload and try again.`);
}
