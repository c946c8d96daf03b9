import type pg from 'pg';
import { quoteIdent } from '../postgres/identifiers';

/**
 * The group role every tenant role is a member of. Inside each tenant database (and inside
 * the plan templates they are cloned from) the schema privileges are granted to this role,
 * so a clone arrives with its grants and provisioning never has to connect to it.
 * It is NOLOGIN, owns nothing and has CONNECT on no database: being a member of it lets a
 * tenant's role into no other tenant's database — CONNECT stays granted per tenant role.
 */
export const TENANT_GROUP_ROLE = 'tc_tenant_app';

/**
 * Creates the group role if missing. Idempotent and safe when two consoles run it together
 * (the loser of a race sees duplicate_object or unique_violation, and ignores it).
 */
export const ENSURE_TENANT_GROUP_ROLE_SQL = /* sql */ `
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '${TENANT_GROUP_ROLE}') THEN
    CREATE ROLE ${TENANT_GROUP_ROLE} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;`;

const GROUP = quoteIdent(TENANT_GROUP_ROLE, 'role name');
const GROUP_PRIVILEGES_SQL = /* sql */ `
    GRANT USAGE ON SCHEMA erp TO ${GROUP};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA erp TO ${GROUP};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA erp TO ${GROUP};
    GRANT USAGE ON SCHEMA platform TO ${GROUP};
    GRANT SELECT ON platform.limits, platform.limit_overrides, platform.counters TO ${GROUP};
    GRANT EXECUTE ON FUNCTION platform.check_limit(text, bigint) TO ${GROUP};
    GRANT EXECUTE ON FUNCTION platform.accept_invitation(text, text) TO ${GROUP};
`;

/**
 * Inside a tenant database or a template: the group role may use the erp schema's tables
 * (DML — never TRUNCATE, which would bypass the limit counters) and sequences; in the
 * platform schema it may read its limits and usage and call check_limit, nothing more. It
 * owns nothing and cannot create objects. Idempotent.
 */
export async function grantGroupPrivileges(client: pg.ClientBase): Promise<void> {
  await client.query(GROUP_PRIVILEGES_SQL);
}

/**
 * What a tenant role needs to be a member of the group: INHERIT (on PostgreSQL 15 a
 * membership's privileges reach only roles with INHERIT; from 16 it is also the grant's
 * default) and the membership itself. Cluster-wide, so it can run in any database.
 */
export function tenantMembershipSql(role: string): string {
  const r = quoteIdent(role, 'role name');
  return `ALTER ROLE ${r} INHERIT; GRANT ${quoteIdent(TENANT_GROUP_ROLE)} TO ${r}`;
}

/**
 * A tenant database's privileges for its role: the group's grants inside the database and
 * the role's membership of the group. Idempotent: re-run after every tenant-schema
 * migration — which also moves a tenant provisioned before the group role existed (its
 * own older direct grants stay, granting nothing the group does not).
 */
export async function grantTenantPrivileges(client: pg.ClientBase, role: string): Promise<void> {
  // One round trip: the statements of one simple query run as one transaction.
  await client.query(`${ENSURE_TENANT_GROUP_ROLE_SQL}\n${tenantMembershipSql(role)};\n${GROUP_PRIVILEGES_SQL}`);
}
