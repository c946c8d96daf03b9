import type pg from 'pg';
import type { ServerCheckFinding } from '../../../src-shared/contract/server-check-channels';
import { isPermissionDenied, printable } from './display';

/**
 * `trust` lines in pg_hba.conf (as the server parsed it: pg_hba_file_rules): whoever
 * reaches that socket or address may log in as any matching role with no password — a
 * tenant as another tenant, or as the superuser.
 */
export async function hbaTrustLines(admin: pg.Pool): Promise<ServerCheckFinding[]> {
  let rows: { line_number: number; type: string; database: string[] | null; user_name: string[] | null; address: string | null; netmask: string | null }[];
  try {
    ({ rows } = await admin.query(
      `SELECT line_number, type, database, user_name, address, netmask
         FROM pg_hba_file_rules WHERE auth_method = 'trust' ORDER BY line_number`,
    ));
  } catch (error) {
    if (!isPermissionDenied(error)) throw error;
    return [{
      check: 'hba-trust',
      severity: 'low',
      subject: 'pg_hba_file_rules',
      message: "The console's user may not read pg_hba_file_rules, so trust lines in pg_hba.conf could not be checked.",
      fix: "Run the check as a superuser, or review pg_hba.conf by hand for 'trust' lines.",
    }];
  }
  return rows.map((row) => {
    const address = row.type === 'local' ? 'local socket' : `${row.address ?? 'any'}${row.netmask ? `/${row.netmask}` : ''}`;
    const where = `line ${row.line_number}: ${row.type} database ${(row.database ?? []).join(',')} user ${(row.user_name ?? []).join(',')} ${row.type === 'local' ? '' : 'address '}${address}`;
    return {
      check: 'hba-trust',
      severity: 'high',
      subject: printable(`pg_hba.conf line ${row.line_number}`),
      message: printable(
        `${where} uses trust: anyone who reaches it logs in as any matching role without a password — a tenant as another tenant, or as the superuser.`,
      ),
      fix: printable(`Change line ${row.line_number} of pg_hba.conf to scram-sha-256 (or peer for local), then SELECT pg_reload_conf();`),
    };
  });
}
