import { OPERATOR_GROUP_ROLES } from '../../../src-shared/contract/operator-roles';
import { TENANT_GROUP_ROLE } from '../../tenant-schema/privileges';
import { ENSURE_OPERATOR_GROUP_ROLES_SQL } from '../operator-group-roles';

/**
 * The second line of defence of the SECURITY DEFINER functions, for a registry row an admin
 * rewrote (tc_admin may write every table): the role must be a plain tenant role — a member
 * of the tenants' group role, no attribute beyond LOGIN, no operator or console role — so the
 * functions never reach the console's own role, a superuser or an operator, whatever the
 * tenants table says.
 */
const PLAIN_TENANT_ROLE = (role: string) => /* sql */ `EXISTS (
    SELECT FROM pg_catalog.pg_roles r
     WHERE r.rolname = ${role}
       AND NOT (r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication OR r.rolbypassrls)
       AND r.rolname <> session_user AND r.rolname <> current_user
       AND EXISTS (SELECT FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                    WHERE m.member = r.oid AND g.rolname = '${TENANT_GROUP_ROLE}')
       AND NOT pg_catalog.pg_has_role(r.oid, '${OPERATOR_GROUP_ROLES.viewer}', 'MEMBER'))`;

/**
 * Operators: each is a PostgreSQL login role (tc_op_<name>) that is a member of exactly one
 * console group role; the grants below are what each role may do on the platform database,
 * whatever client it connects with (the console, psql, a modified console).
 *
 * - tc_viewer reads everything except secrets (tenant_role_fingerprints) and the operators.
 * - tc_support (suspend, activate, backups, exports, usage collection) writes the journal,
 *   the status columns of tenants and backups (usage figures are written by the console).
 * - tc_billing (invoices, payments, plan changes, billing settings) writes billing's tables,
 *   a tenant's plan columns and the billing rows of the settings table (row-level policy).
 * - tc_admin reads and writes every table, except what the console's own privileged work
 *   relies on (the names in tenants, the operators, the audit log, the role fingerprints).
 *
 * The privileged steps none of these roles can run (ALTER ROLE of a tenant's role, its
 * CONNECT right, ending its sessions) are SECURITY DEFINER functions owned by the role that
 * runs the migrations (the platform's owner), EXECUTE granted to support; they act only on
 * roles and databases this platform's tenants table names. CREATE and DROP DATABASE cannot
 * run in a function: they run on the console's own connection after PostgreSQL confirmed
 * the operator's membership (src-main/operators/authorize.ts).
 *
 * Every later migration that creates a table grants it here-style; test/integration/
 * operators-grants-complete.test.ts fails on an object without a decision for each role.
 */
export const sql = /* sql */ `
${ENSURE_OPERATOR_GROUP_ROLES_SQL}

CREATE TABLE operators (
  name             text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_]{0,39}$'),
  db_role          text NOT NULL UNIQUE CHECK (db_role ~ '^[a-z][a-z0-9_]{0,62}$'),
  must_change_password boolean NOT NULL DEFAULT true,
  disabled_at      timestamptz,
  last_sign_in_at  timestamptz,
  failed_sign_ins  integer NOT NULL DEFAULT 0 CHECK (failed_sign_ins >= 0),
  last_failed_at   timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  created_by       text
);

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
-- A function a later migration creates is not executable by everyone either (PostgreSQL's
-- default): its grants are that migration's decision (platform-grants test).
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO tc_viewer;

-- Viewer: reads, never secrets nor the operators (admins list them).
GRANT SELECT ON servers, plans, tenants, operations, settings, backups, usage_runs, tenant_usage, usage_daily,
  audit_events, tenant_billing, invoice_sequences, invoices, invoice_lines, invoice_payments, billing_pending_items,
  stripe_prices, stripe_events, stripe_sync_state, billing_notices, billing_job_runs, tenant_limit_overrides,
  tenant_plan_history, effective_limits, effective_limits_by_plan, schema_migrations TO tc_viewer;
GRANT EXECUTE ON FUNCTION percent_of_limit(double precision, double precision) TO tc_viewer;

-- Support: status changes (journaled), backups, exports, usage collection.
GRANT INSERT, UPDATE ON operations TO tc_support;
GRANT UPDATE (status, status_reason, status_changed_at, deletion_scheduled_at, version, updated_at) ON tenants TO tc_support;
GRANT INSERT, UPDATE, DELETE ON backups TO tc_support;
-- Usage figures bill overage: support may ask for a collection (a privileged channel: the
-- console writes what it measured) but never writes them itself.
GRANT UPDATE ON tenant_billing TO tc_support;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO tc_support;

-- Billing: invoices, payments, plan changes, billing settings.
GRANT INSERT, UPDATE ON operations TO tc_billing;
GRANT UPDATE (plan_code, plan_version, trial_ends_at, limits_pushed_at, status, status_reason, status_changed_at, deletion_scheduled_at, version, updated_at) ON tenants TO tc_billing;
GRANT INSERT, UPDATE, DELETE ON tenant_billing, invoice_sequences, invoices, invoice_lines, invoice_payments, billing_pending_items,
  stripe_prices, stripe_events, stripe_sync_state, billing_notices, billing_job_runs, tenant_plan_history TO tc_billing;
GRANT INSERT, UPDATE ON settings TO tc_billing;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO tc_billing;

-- Billing may change the billing rows of the settings table only.
ALTER TABLE settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY settings_read ON settings FOR SELECT TO tc_viewer USING (true);
CREATE POLICY settings_billing_insert ON settings FOR INSERT TO tc_billing WITH CHECK (key LIKE 'billing\\_%');
CREATE POLICY settings_billing_update ON settings FOR UPDATE TO tc_billing
  USING (key LIKE 'billing\\_%')
  WITH CHECK (key LIKE 'billing\\_%');
CREATE POLICY settings_admin ON settings FOR ALL TO tc_admin USING (true) WITH CHECK (true);

-- Admin: every row of every table, with four exceptions that keep the console's own
-- privileged work out of an admin's reach (it runs on the console's connection with the
-- names these rows hold: DROP ROLE, DROP DATABASE, GRANT of a group role):
-- - tenants: no INSERT or DELETE (the console creates and tombstones them), and no UPDATE
--   of the names (server, database, role, code, subdomain) a deletion or restore acts on;
-- - operators: read only (the console adds and changes operators and their roles);
-- - audit_events: read only (the console appends; nobody rewrites the log);
-- - tenant_role_fingerprints: nothing (secrets; the server check reads them as the console);
-- - servers and schema_migrations: read only (the console registers its servers and runs
--   the migrations: a forged row would point it elsewhere or skip a migration).
-- No TRUNCATE, REFERENCES or TRIGGER anywhere, no setval on sequences.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO tc_admin;
REVOKE ALL ON tenants, operators, audit_events, tenant_role_fingerprints, servers, schema_migrations FROM tc_admin;
GRANT SELECT ON tenants, operators, audit_events, servers, schema_migrations TO tc_admin;
GRANT UPDATE (company_name, admin_email, plan_code, plan_version, trial_ends_at, status, status_reason, status_changed_at,
  deletion_scheduled_at, schema_version, limits_pushed_at, final_backup_id, version, updated_at) ON tenants TO tc_admin;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO tc_admin;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO tc_admin;

-- The privileged steps of a status change, for the tenants of this platform only: a role
-- and database pair the tenants table names (never the console's own role, another
-- platform's tenant, or an operator).
CREATE FUNCTION tc_set_tenant_access(database_name text, role_name text, allow boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
  IF NOT pg_catalog.pg_has_role(session_user, 'tc_support', 'MEMBER') THEN
    RAISE EXCEPTION 'permission denied for function tc_set_tenant_access' USING ERRCODE = '42501';
  END IF;
  IF NOT EXISTS (SELECT FROM public.tenants t WHERE t.database_name = tc_set_tenant_access.database_name
                    AND t.db_role = tc_set_tenant_access.role_name AND t.status <> 'deleted')
     OR NOT ${PLAIN_TENANT_ROLE('tc_set_tenant_access.role_name')}
     OR NOT EXISTS (SELECT FROM pg_catalog.pg_database d WHERE d.datname = tc_set_tenant_access.database_name
                       AND NOT d.datistemplate AND d.datname <> current_database()) THEN
    RAISE EXCEPTION 'no tenant of this platform has database % and role %', database_name, role_name USING ERRCODE = '42501';
  END IF;
  IF allow THEN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', database_name, role_name);
    EXECUTE format('ALTER ROLE %I LOGIN', role_name);
  ELSE
    EXECUTE format('ALTER ROLE %I NOLOGIN', role_name);
    EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM %I', database_name, role_name);
  END IF;
END
$fn$;

CREATE FUNCTION tc_end_tenant_sessions(role_name text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
  ended integer;
BEGIN
  IF NOT pg_catalog.pg_has_role(session_user, 'tc_support', 'MEMBER') THEN
    RAISE EXCEPTION 'permission denied for function tc_end_tenant_sessions' USING ERRCODE = '42501';
  END IF;
  IF NOT EXISTS (SELECT FROM public.tenants t WHERE t.db_role = tc_end_tenant_sessions.role_name)
     OR NOT ${PLAIN_TENANT_ROLE('tc_end_tenant_sessions.role_name')} THEN
    RAISE EXCEPTION 'no tenant of this platform has role %', role_name USING ERRCODE = '42501';
  END IF;
  SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) INTO ended FROM pg_stat_activity WHERE usename = role_name;
  RETURN ended;
END
$fn$;

CREATE FUNCTION tc_tenant_sessions(role_name text) RETURNS integer
LANGUAGE sql SECURITY DEFINER STABLE SET search_path = pg_catalog, pg_temp AS $fn$
  SELECT count(*)::integer FROM pg_stat_activity a
   WHERE a.usename = tc_tenant_sessions.role_name AND EXISTS (SELECT FROM public.tenants t WHERE t.db_role = tc_tenant_sessions.role_name)
$fn$;

-- The journal is also the console's to-do list: reconcile (at every start, and admins'
-- tenants:reconcile) finishes a running operation on the console's own connection, with the
-- names in its payload. So an operation written on an operator's connection must be of a kind
-- an operator's call writes, and name its own tenant's server, database and role — never a
-- forged "suspend postgres" or "delete" for reconcile to carry out with the console's rights.
CREATE FUNCTION tc_operations_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
  owner_role name;
  tenant record;
BEGIN
  SELECT c.relowner::regrole::name INTO owner_role FROM pg_catalog.pg_class c WHERE c.oid = TG_RELID;
  IF pg_catalog.pg_has_role(current_user, owner_role, 'MEMBER') THEN
    RETURN NEW;
  END IF;
  IF NEW.kind NOT IN ('suspend', 'activate', 'cancel', 'plan_change', 'backup', 'export') THEN
    RAISE EXCEPTION 'permission denied: % operations are journaled by the console only', NEW.kind USING ERRCODE = '42501';
  END IF;
  SELECT t.server_id, t.database_name, t.db_role INTO tenant FROM public.tenants t
   WHERE t.id = NEW.tenant_id AND t.tenant_code = NEW.tenant_code;
  IF NOT FOUND
     OR (NEW.payload ? 'serverId' AND NEW.payload->>'serverId' IS DISTINCT FROM tenant.server_id::text)
     OR (NEW.payload ? 'database' AND NEW.payload->>'database' IS DISTINCT FROM tenant.database_name)
     OR (NEW.payload ? 'role' AND NEW.payload->>'role' IS DISTINCT FROM tenant.db_role) THEN
    RAISE EXCEPTION 'permission denied: an operation names its own tenant''s server, database and role' USING ERRCODE = '42501';
  END IF;
  -- Reconcile removes a backup's or export's temporary file (and an uncatalogued backup's
  -- final file): only the ".<name>.<tag>.partial" sibling of the final file, and a final
  -- file named like a backup of this tenant — never any file the console may delete.
  IF NEW.kind IN ('backup', 'export') AND NOT (
       NEW.payload->>'tempPath' IS NOT NULL AND NEW.payload->>'finalPath' ~ '^(/|[A-Za-z]:[/\\\\]|\\\\\\\\).*[^/\\\\]$'
       AND pg_catalog.starts_with(NEW.payload->>'tempPath', pg_catalog.regexp_replace(NEW.payload->>'finalPath', '([/\\\\])([^/\\\\]+)$', '\\1.\\2.'))
       AND pg_catalog.substr(NEW.payload->>'tempPath', pg_catalog.length(pg_catalog.regexp_replace(NEW.payload->>'finalPath', '([/\\\\])([^/\\\\]+)$', '\\1.\\2.')) + 1) ~ '^[A-Za-z0-9_-]+\\.partial$'
       AND (NEW.kind = 'export' OR pg_catalog.regexp_replace(NEW.payload->>'finalPath', '^.*[/\\\\]', '') ~ ('^' || NEW.tenant_code || '-[A-Za-z0-9_.-]+\\.(dump|tcbackup)$'))) THEN
    RAISE EXCEPTION 'permission denied: a backup or export names its own files only' USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END
$fn$;
CREATE TRIGGER operations_guard BEFORE INSERT OR UPDATE ON operations FOR EACH ROW EXECUTE FUNCTION tc_operations_guard();

-- Pruning (an admin's call, or the console's own maintenance) removes the file a backups row
-- names: a row written on an operator's connection names a backup file of its own tenant
-- (<CODE>-….tcbackup or .dump, an absolute path), never any file the console may delete.
CREATE FUNCTION tc_backups_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
  owner_role name;
BEGIN
  SELECT c.relowner::regrole::name INTO owner_role FROM pg_catalog.pg_class c WHERE c.oid = TG_RELID;
  IF pg_catalog.pg_has_role(current_user, owner_role, 'MEMBER') THEN
    RETURN NEW;
  END IF;
  IF NOT EXISTS (SELECT FROM public.tenants t WHERE t.id = NEW.tenant_id AND t.tenant_code = NEW.tenant_code)
     OR NEW.location !~ '^(/|[A-Za-z]:[/\\\\]|\\\\\\\\)'
     OR pg_catalog.regexp_replace(NEW.location, '^.*[/\\\\]', '') !~ ('^' || NEW.tenant_code || '-[A-Za-z0-9_.-]+\\.(dump|tcbackup)$') THEN
    RAISE EXCEPTION 'permission denied: a backup row names a backup file of its own tenant' USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END
$fn$;
CREATE TRIGGER backups_guard BEFORE INSERT OR UPDATE ON backups FOR EACH ROW EXECUTE FUNCTION tc_backups_guard();

REVOKE ALL ON FUNCTION tc_set_tenant_access(text, text, boolean), tc_end_tenant_sessions(text), tc_tenant_sessions(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tc_set_tenant_access(text, text, boolean), tc_end_tenant_sessions(text), tc_tenant_sessions(text) TO tc_support;
`;
