import type pg from 'pg';
import type { ServerCheckFinding } from '../../../src-shared/contract/server-check-channels';
import { PASSWORD_FINGERPRINT_SQL } from '../../postgres/password-fingerprint';
import { isPermissionDenied, printable, sqlName } from './display';

/**
 * The one role setting the console makes for a tenant role, in its own database
 * (tenants/provision.ts and backup/restore-settle.ts: ALTER ROLE … IN DATABASE … SET
 * search_path = erp, public), as pg_db_role_setting stores it.
 */
const CONSOLE_SETTING = 'search_path=erp, public';

const subjectOf = (row: { tenant_code: string; db_role: string }) => `tenant ${row.tenant_code} (role ${row.db_role})`;

/**
 * Tenant roles that changed their own settings. PostgreSQL lets any role run
 * `ALTER ROLE self SET …` (and `… IN DATABASE … SET`) for user-settable parameters, and no
 * grant prevents it: detected here from pg_db_role_setting. The registry and the shared
 * catalogs are read in one query on the platform database (pg_db_role_setting, pg_roles and
 * pg_database are cluster-wide).
 */
export async function tenantRoleSettings(platform: pg.Pool): Promise<ServerCheckFinding[]> {
  const { rows } = await platform.query<{ tenant_code: string; db_role: string; database_name: string; setting_database: string | null; setconfig: string[] | null }>(
    `SELECT t.tenant_code, t.db_role, t.database_name, d.datname AS setting_database, s.setconfig
       FROM tenants t
       JOIN pg_catalog.pg_roles r ON r.rolname = t.db_role
       JOIN pg_catalog.pg_db_role_setting s ON s.setrole = r.oid
       LEFT JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase
      WHERE t.status <> 'deleted'
      ORDER BY t.tenant_code, d.datname NULLS FIRST`,
  );
  return rows.flatMap((row) => {
    const own = row.setting_database === row.database_name;
    const extra = (row.setconfig ?? []).filter((setting) => !(own && setting === CONSOLE_SETTING));
    if (extra.length === 0) return [];
    const scope = row.setting_database === null ? 'in every database' : `in database ${printable(row.setting_database)}`;
    const inDatabase = row.setting_database === null ? '' : ` IN DATABASE ${sqlName(row.setting_database)}`;
    const names = extra.map((setting) => setting.split('=')[0]!);
    const restore = names.includes('search_path') && own ? ` ALTER ROLE ${sqlName(row.db_role)}${inDatabase} SET search_path = erp, public;` : '';
    return [{
      check: 'role-settings',
      severity: 'medium',
      subject: subjectOf(row),
      message: printable(
        `The tenant role set ${extra.join('; ')} for itself ${scope} (ALTER ROLE … SET): it applies to every session of the role, ` +
          "so it can raise memory use past what the tenant's plan allows or undo timeouts and paths the console relies on.",
      ),
      fix: `${names.map((name) => `ALTER ROLE ${sqlName(row.db_role)}${inDatabase} RESET ${sqlName(name)};`).join(' ')}${restore}`,
    }];
  });
}

/**
 * Tenant roles whose password is no longer the one the console set (ALTER ROLE self
 * PASSWORD …, which PostgreSQL cannot forbid): the fingerprint of pg_authid.rolpassword
 * against the one recorded at provisioning (platform migration 009). Needs a user that
 * may read pg_authid (a superuser).
 */
export async function tenantRolePasswords(platform: pg.Pool): Promise<ServerCheckFinding[]> {
  let rows: { tenant_code: string; db_role: string; recorded: string | null; current: string | null }[];
  try {
    ({ rows } = await platform.query(
      `SELECT t.tenant_code, t.db_role, f.password_sha256 AS recorded, ${PASSWORD_FINGERPRINT_SQL} AS current
         FROM tenants t
         JOIN pg_catalog.pg_authid a ON a.rolname = t.db_role
         LEFT JOIN tenant_role_fingerprints f ON f.tenant_id = t.id AND f.db_role = t.db_role
        WHERE t.status NOT IN ('provisioning', 'deleted')
          AND f.password_sha256 IS DISTINCT FROM ${PASSWORD_FINGERPRINT_SQL}
        ORDER BY t.tenant_code`,
    ));
  } catch (error) {
    if (!isPermissionDenied(error)) throw error;
    return [{
      check: 'role-password',
      severity: 'low',
      subject: 'pg_authid',
      message: "The console's user may not read pg_authid, so tenant roles that changed their own password could not be detected.",
      fix: 'Run the check as a superuser.',
    }];
  }
  return rows.map((row) =>
    row.recorded === null
      ? {
          check: 'role-password',
          severity: 'low',
          subject: subjectOf(row),
          message: 'No record of the password the console set for this role, so a change by the tenant cannot be told apart.',
          fix: "Set a new password for the role through the console's provisioning path (e.g. restore as a new tenant), or accept the role's current password knowingly.",
        }
      : {
          check: 'role-password',
          severity: 'medium',
          subject: subjectOf(row),
          message:
            'The role\'s password is not the one the console set (ALTER ROLE … PASSWORD by the tenant itself): the credentials the operator handed out no longer work, ' +
            'and the new password may be weak or stored with a weaker method (md5) — the console cannot tell.',
          fix: `Confirm with the tenant. To take the role back: ALTER ROLE ${sqlName(row.db_role)} PASSWORD '<new password>'; and hand the new credentials over (the finding stays until the console records a new password).`,
        },
  );
}
