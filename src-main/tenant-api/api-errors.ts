import type { ContractError, ErrorCode } from '../../src-shared/contract/errors';

/** An answer other than success: its status, a machine-readable code and a message fit to show. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/**
 * The console's error codes as HTTP. VALIDATION from the console is 422: the request had the
 * API's shape (the API's own schemas answer 400 otherwise) but the values are refused (a
 * reserved subdomain, an unknown plan). The operator serving the API being signed out, or
 * the database being down, is the server's problem: 503.
 */
const HTTP_OF: Readonly<Record<ErrorCode, readonly [number, string]>> = {
  VALIDATION: [422, 'unprocessable'],
  NOT_FOUND: [404, 'not_found'],
  CONFLICT: [409, 'conflict'],
  ALREADY_EXISTS: [409, 'conflict'],
  INVALID_STATE: [409, 'conflict'],
  CANCELLED: [409, 'conflict'],
  FORBIDDEN: [403, 'forbidden'],
  UNAUTHENTICATED: [503, 'unavailable'],
  DATABASE_UNAVAILABLE: [503, 'unavailable'],
  UNKNOWN_CHANNEL: [500, 'internal'],
  INTERNAL: [500, 'internal'],
};

export function apiErrorOf(error: ContractError): ApiError {
  const [status, code] = HTTP_OF[error.code] ?? [500, 'internal'];
  const message = error.code === 'UNAUTHENTICATED' ? `The tenant API's operator session has ended: ${error.message}` : error.message;
  return new ApiError(status, code, message);
}

export function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}
