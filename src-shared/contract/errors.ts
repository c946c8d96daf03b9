/** Error codes that cross the process boundary. The message is always fit to show an operator. */
export const ERROR_CODES = [
  'VALIDATION',
  'NOT_FOUND',
  'CONFLICT',
  'ALREADY_EXISTS',
  'INVALID_STATE',
  'DATABASE_UNAVAILABLE',
  'UNKNOWN_CHANNEL',
  /** The operator's role may not do this (PostgreSQL's role memberships say so). */
  'FORBIDDEN',
  /** No operator is signed in (or the session expired): sign in first. */
  'UNAUTHENTICATED',
  'INTERNAL',
  /** A job stopped by jobs:cancel; like a failure, it left nothing behind. */
  'CANCELLED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ContractError {
  readonly code: ErrorCode;
  readonly message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractError };
