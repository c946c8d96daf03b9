const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EPIPE', 'ENOENT']);
// SQLSTATE class 08 (connection exception), 57P01-57P03 (admin shutdown, crash, cannot connect now).
const CONNECTION_SQLSTATES = /^(08|57P0[1-3])/;

interface MaybePgError {
  code?: unknown;
  message?: unknown;
}

/** True when the error means "the server is not reachable", not "the statement was wrong". */
export function isConnectionFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as MaybePgError;
  if (typeof code === 'string' && (CONNECTION_ERROR_CODES.has(code) || CONNECTION_SQLSTATES.test(code))) return true;
  if (typeof message === 'string' && /Connection terminated|connection timeout|timeout expired/i.test(message)) return true;
  if (error instanceof AggregateError) return error.errors.some(isConnectionFailure);
  return false;
}

export function pgErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code } = error as MaybePgError;
  return typeof code === 'string' ? code : undefined;
}
