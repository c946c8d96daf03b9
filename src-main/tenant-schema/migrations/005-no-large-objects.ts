/**
 * Large objects are closed to the tenant's role.
 *
 * A large object lives in pg_largeobject, outside every table: the console's backup copies
 * tables, so a tenant's large object would be left out of a backup that still says
 * "verified". Nothing in the ERP uses them, so the tenant may not create one: every
 * function that creates a large object (lo_creat, lo_create, lo_from_bytea; lo_import,
 * server-side, already closed by PostgreSQL to all but superusers) loses its EXECUTE grant
 * to PUBLIC in this database. That also closes the client-side import (psql's \lo_import,
 * libpq's lo_import): it calls lo_creat through the fast-path interface, which checks the
 * same privilege. Functions on existing large objects stay as they are: the tenant can
 * create none, and those the console's admin might make are owned by it, not readable or
 * writable by the tenant (lo_compat_privileges is off by default and superuser-only).
 *
 * Function ACLs are per database, so this runs in every tenant database (and the template
 * new tenants are cloned from); revoking from PUBLIC is what reaches tenant roles, which
 * only inherit PUBLIC's grant (also through the group role). The console's admin is a
 * superuser: it is never refused. Every signature of these names is revoked, whatever the
 * server's major version (15 to 18 have the same ones).
 */
export const LARGE_OBJECT_CREATORS = ['lo_creat', 'lo_create', 'lo_from_bytea', 'lo_import'] as const;

export const sql = /* sql */ `
DO $$
DECLARE
  creator regprocedure;
BEGIN
  FOR creator IN
    SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
     WHERE p.pronamespace = 'pg_catalog'::regnamespace
       AND p.proname IN (${LARGE_OBJECT_CREATORS.map((name) => `'${name}'`).join(', ')})
     ORDER BY p.oid
  LOOP
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', creator);
  END LOOP;
END $$;
`;
