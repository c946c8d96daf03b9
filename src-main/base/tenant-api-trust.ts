/**
 * How long the tenant API takes an earlier answer on trust (issue 13's check-limit budget:
 * the API may add at most 2 ms to the tenant database's own answer, so a call cannot afford
 * three platform round trips besides it). Within this bound, and only for the tenant API:
 *
 * - an accepted API key is not looked up again: a key revoked in any console is refused
 *   within this long (its expiry is exact: an accepted key is never trusted past expires_at);
 * - the serving operator's pg_has_role answer for a read channel is reused: a role taken
 *   away applies to reads within this long (changes and privileged channels always ask, and
 *   PostgreSQL's grants on the operator's own connection apply to every statement regardless);
 * - where a tenant's database is (server, name) is reused by check-limit.
 *
 * Refusals (unknown, revoked or expired keys, unknown tenants) and failures are never remembered.
 */
export const TENANT_API_TRUST_MS = 1_000;
