import type { ContractError, ErrorCode, Result } from '../../src-shared/contract/errors';

/** A failed call, carrying main's code and its operator-readable message. */
export class ApiError extends Error {
  readonly code: ErrorCode;

  constructor(error: ContractError) {
    super(error.message);
    this.name = 'ApiError';
    this.code = error.code;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** The value of a successful Result; otherwise throws an ApiError with main's code and message. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new ApiError(result.error);
}

/** A message fit to show for anything a call may throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong. Try again.';
}
