// Advisory lock keys (namespace, key): one per kind of cluster-wide exclusive work. All of
// them live here so two capabilities can never pick the same pair by accident.
export const LOCK_NAMESPACE = 0x7c01;
export const LOCK_PLATFORM_MIGRATIONS = 1;
export const LOCK_TEMPLATE_BUILD = 2;
export const LOCK_PLATFORM_BOOTSTRAP = 3;
/** Usage collection: one run at a time across every console on this platform database. */
export const LOCK_USAGE_COLLECTION = 10;
export const LOCK_MAINTENANCE = 11;
/** One billing lifecycle run at a time across every console and `tenantctl jobs run`. */
export const LOCK_BILLING_JOBS = 12;
/** Operator management (CREATE ROLE, GRANT CONNECT on the platform database): one at a time per platform. */
export const LOCK_OPERATORS = 13;
/** The first run's local admin: one console creates it, the others wait and sign in. */
export const LOCK_OPERATOR_FIRST_RUN = 14;
/** Spare tenant databases: one console at a time drops and builds a platform's spares (taken on the platform database). */
export const LOCK_SPARE_POOL = 15;
/** Journaled operations: (LOCK_OPERATIONS, operation's lock_key), held by the operation's owner. */
export const LOCK_OPERATIONS = 0x7c02;
/** Audit push: (LOCK_AUDIT_PUSH, hashtext(console id)), one pusher per console installation. */
export const LOCK_AUDIT_PUSH = 0x7c0a;
/**
 * Limit counter slots, inside each tenant database: (LOCK_LIMIT_SLOTS, slot) held at session
 * level by the backend that writes through that slot (tenant migration 004).
 */
export const LOCK_LIMIT_SLOTS = 0x7c0b;
/** Sign-up rate limit: (LOCK_SIGNUP_ATTEMPTS, hashtext(client address)) for the count-and-record transaction. */
export const LOCK_SIGNUP_ATTEMPTS = 0x7c0c;
/** The onboarding job (stalled-trial nudges, welcome retries, interrupted sign-ups): one run at a time per platform. */
export const LOCK_ONBOARDING_JOBS = 21;
