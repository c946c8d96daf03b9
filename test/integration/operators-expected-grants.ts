import type { OperatorRole } from '../../src-shared/contract/operator-roles';

/**
 * The decision for every object of the platform database, per console group role, as
 * PostgreSQL must answer it (inherited memberships included: support and billing include
 * viewer, admin includes both). Letters as in PostgreSQL's ACLs: r SELECT, a INSERT,
 * w UPDATE, d DELETE, U USAGE, X EXECUTE; w(…) lists the columns of a column grant; ''
 * is nothing. A migration that adds an object adds its line here (operators-grants-complete).
 */
export const EXPECTED_PLATFORM_GRANTS: Readonly<Record<string, Readonly<Record<OperatorRole | 'public', string>>>> = {
  // the log: everyone reads, only the console appends (its own connection)
  // API keys: everyone lists them (never the hashes); admins create and revoke; the console verifies and stamps last use
  'table api_keys': { viewer: 'r(created_at, created_by, expires_at, last_used_at, name, prefix, revoked_at, revoked_by, scopes)', support: 'r(created_at, created_by, expires_at, last_used_at, name, prefix, revoked_at, revoked_by, scopes)', billing: 'r(created_at, created_by, expires_at, last_used_at, name, prefix, revoked_at, revoked_by, scopes)', admin: 'r(created_at, created_by, expires_at, last_used_at, name, prefix, revoked_at, revoked_by, scopes) a(created_by, expires_at, key_sha256, name, prefix, scopes) w(revoked_at, revoked_by)', public: '' },
  // the tenant API's idempotency records: written by the console's own connection only
  'table api_idempotency_keys': { viewer: 'r', support: 'r', billing: 'r', admin: 'r', public: '' },
  'table audit_events': { viewer: 'r', support: 'r', billing: 'r', admin: 'r', public: '' },
  'table backups': { viewer: 'r', support: 'rawd', billing: 'r', admin: 'rawd', public: '' },
  'table billing_job_runs': { viewer: 'r', support: 'r', billing: 'rawd', admin: 'rawd', public: '' },
  'table billing_notices': { viewer: 'r', support: 'r', billing: 'rawd', admin: 'rawd', public: '' },
  'table billing_pending_items': { viewer: 'r', support: 'r', billing: 'rawd', admin: 'rawd', public: '' },
  'view effective_limits': { viewer: 'r', support: 'r', billing: 'r', admin: 'rawd', public: '' },
  'view effective_limits_by_plan': { viewer: 'r', support: 'r', billing: 'r', admin: 'rawd', public: '' },
  'table invoice_lines': { viewer: 'r', support: 'r', billing: 'rawd', admin: 'rawd', public: '' },
  'table invoice_payments': { viewer: 'r', support: 'r', billing: 'rawd', admin: 'rawd', public: '' },
  'table invoice_sequences': { viewer: 'r', support: 'r', billing: 'rawd', admin: 'rawd', public: '' },
  'table invoices': { viewer: 'r', support: 'r', billing: 'rawd', admin: 'rawd', public: '' },
  // the journal: whoever changes a tenant writes its steps
  'table operations': { viewer: 'r', support: 'raw', billing: 'raw', admin: 'rawd', public: '' },
  // admins list operators; changes go through the console (CREATE ROLE, GRANT)
  'table operators': { viewer: '', support: '', billing: '', admin: 'r', public: '' },
  // announced price changes: everyone reads; admins schedule and cancel; billing (the lifecycle job) records notices and moves
  'table plan_move_schedules': { viewer: 'r', support: 'r', billing: 'rw', admin: 'rawd', public: '' },
  'table plan_move_schedule_tenants': { viewer: 'r', support: 'r', billing: 'rw', admin: 'rawd', public: '' },
  'table plans': { viewer: 'r', support: 'r', billing: 'r', admin: 'rawd', public: '' },
  // the console runs the migrations
  'table schema_migrations': { viewer: 'r', support: 'r', billing: 'r', admin: 'r', public: '' },
  // the console registers its servers
  // sign-ups and the checklist: everyone reads, only the console writes (the sign-up job, the onboarding job, usage's hook)
  'table signups': { viewer: 'r', support: 'r', billing: 'r', admin: 'r', public: '' },
  'table tenant_onboarding': { viewer: 'r', support: 'r', billing: 'r', admin: 'r', public: '' },
  'view onboarding_progress': { viewer: 'r', support: 'r', billing: 'r', admin: 'r', public: '' },
  // the rate limit's client addresses: the console's alone
  'table signup_attempts': { viewer: '', support: '', billing: '', admin: '', public: '' },
  'table servers': { viewer: 'r', support: 'r', billing: 'r', admin: 'r', public: '' },
  // billing writes the billing_* rows only (row-level policy)
  'table settings': { viewer: 'r', support: 'r', billing: 'raw', admin: 'rawd', public: '' },
  'table stripe_events': { viewer: 'r', support: 'r', billing: 'rawd', admin: 'rawd', public: '' },
  'table stripe_prices': { viewer: 'r', support: 'r', billing: 'rawd', admin: 'rawd', public: '' },
  'table stripe_sync_state': { viewer: 'r', support: 'r', billing: 'rawd', admin: 'rawd', public: '' },
  // support: a status change updates the billing state (grace, suspension)
  'table tenant_billing': { viewer: 'r', support: 'rw', billing: 'rawd', admin: 'rawd', public: '' },
  'table tenant_limit_overrides': { viewer: 'r', support: 'r', billing: 'r', admin: 'rawd', public: '' },
  'table tenant_plan_history': { viewer: 'r', support: 'r', billing: 'rawd', admin: 'rawd', public: '' },
  // secrets: no operator role reads them (the server check runs as the console)
  'table tenant_role_fingerprints': { viewer: '', support: '', billing: '', admin: '', public: '' },
  'table tenant_usage': { viewer: 'r', support: 'r', billing: 'r', admin: 'rawd', public: '' },
  // names (code, server, database, role) only ever written by the console; status columns for support, plan columns for billing
  'table tenants': { viewer: 'r', support: 'r w(deletion_scheduled_at, status, status_changed_at, status_reason, updated_at, version)', billing: 'r w(deletion_scheduled_at, limits_pushed_at, plan_code, plan_version, status, status_changed_at, status_reason, trial_ends_at, updated_at, version)', admin: 'r w(admin_email, company_name, deletion_scheduled_at, final_backup_id, limits_pushed_at, plan_code, plan_version, schema_version, status, status_changed_at, status_reason, trial_ends_at, updated_at, version)', public: '' },
  'table usage_daily': { viewer: 'r', support: 'r', billing: 'r', admin: 'rawd', public: '' },
  'table usage_runs': { viewer: 'r', support: 'r', billing: 'r', admin: 'rawd', public: '' },
  // journal entries of support and billing take a lock key
  'sequence operations_lock_key_seq': { viewer: '', support: 'U', billing: 'U', admin: 'Ur', public: '' },
  'function percent_of_limit(double precision,double precision)': { viewer: 'X', support: 'X', billing: 'X', admin: 'X', public: '' },
  // SECURITY DEFINER: ends a tenant role’s sessions, support and up
  // the backups catalogue's trigger (rows written by operators name their own tenant's backup file): nobody calls it
  'function tc_backups_guard()': { viewer: '', support: '', billing: '', admin: '', public: '' },
  // the journal's trigger (operations written by operators name their own tenant): nobody calls it
  'function tc_operations_guard()': { viewer: '', support: '', billing: '', admin: '', public: '' },
  'function tc_end_tenant_sessions(text)': { viewer: '', support: 'X', billing: '', admin: 'X', public: '' },
  // SECURITY DEFINER: a tenant role’s LOGIN and CONNECT, support and up
  'function tc_set_tenant_access(text,text,boolean)': { viewer: '', support: 'X', billing: '', admin: 'X', public: '' },
  // SECURITY DEFINER: counts a tenant role’s sessions, support and up
  'function tc_tenant_sessions(text)': { viewer: '', support: 'X', billing: '', admin: 'X', public: '' },
  'sequence tenant_plan_history_id_seq': { viewer: '', support: 'U', billing: 'U', admin: 'Ur', public: '' },
};
