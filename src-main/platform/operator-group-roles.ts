import { OPERATOR_GROUP_ROLES } from '../../src-shared/contract/operator-roles';

const { viewer, support, billing, admin } = OPERATOR_GROUP_ROLES;

/**
 * The console's four group roles and their nesting (support and billing include viewer,
 * admin includes both). Roles are cluster-wide, so this is idempotent and tolerates a
 * concurrent console doing the same on another platform database of the same server (the
 * loser of a race sees duplicate_object or unique_violation and ignores it). The group
 * roles have CONNECT on no database: an operator's CONNECT is granted to the operator's
 * own login role, per platform database, so one platform's operators never reach another's.
 */
export const ENSURE_OPERATOR_GROUP_ROLES_SQL = /* sql */ `
DO $roles$
DECLARE
  name text;
BEGIN
  FOREACH name IN ARRAY ARRAY['${viewer}', '${support}', '${billing}', '${admin}'] LOOP
    BEGIN
      IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = name) THEN
        EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION NOBYPASSRLS', name);
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END LOOP;
END
$roles$;
DO $nesting$
DECLARE
  pair text[];
BEGIN
  FOREACH pair SLICE 1 IN ARRAY ARRAY[['${viewer}', '${support}'], ['${viewer}', '${billing}'], ['${support}', '${admin}'], ['${billing}', '${admin}']] LOOP
    BEGIN
      IF NOT pg_catalog.pg_has_role(pair[2], pair[1], 'MEMBER') THEN
        EXECUTE format('GRANT %I TO %I', pair[1], pair[2]);
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END LOOP;
END
$nesting$;`;
