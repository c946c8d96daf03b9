import { quoteIdent } from '../postgres/identifiers';

/** The bounds of a plan's connection limit (the plans table's CHECK and the contract say the same). */
export const MIN_CONNECTION_LIMIT = 1;
export const MAX_CONNECTION_LIMIT = 10_000;

/**
 * The clause that caps a tenant role's sessions, for CREATE ROLE and ALTER ROLE alike. The
 * number goes into DDL (no parameters there), so it is checked to be a whole number in
 * range; never -1 (unlimited): one unlimited tenant could take every slot of its server.
 */
export function connectionLimitClause(limit: number): string {
  if (!Number.isInteger(limit) || limit < MIN_CONNECTION_LIMIT || limit > MAX_CONNECTION_LIMIT) {
    throw new Error(`Refusing connection limit ${String(limit)}: a whole number from ${MIN_CONNECTION_LIMIT} to ${MAX_CONNECTION_LIMIT}.`);
  }
  return `CONNECTION LIMIT ${limit}`;
}

/** `ALTER ROLE … CONNECTION LIMIT n`: transactional, takes effect for the role's next login. */
export function alterRoleConnectionLimit(role: string, limit: number): string {
  return `ALTER ROLE ${quoteIdent(role, 'tenant role')} ${connectionLimitClause(limit)}`;
}
