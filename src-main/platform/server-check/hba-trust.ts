import type pg from 'pg';
import type { ServerCheckFinding } from '../../../src-shared/contract/server-check-channels';
import { isPermissionDenied, printable } from './display';

interface HbaRow {
  line_number: number;
  type: string;
  database: string[] | null;
  user_name: string[] | null;
  address: string | null;
  netmask: string | null;
}

/**
 * `trust` lines in pg_hba.conf (as the server parsed it: pg_hba_file_rules): whoever
 * reaches that socket or address may log in as any matching role with no password — a
 * tenant as another tenant, or as the superuser.
 */
export async function hbaTrustLines(admin: pg.Pool): Promise<ServerCheckFinding[]> {
  let rows: HbaRow[];
  try {
    ({ rows } = await admin.query<HbaRow>(
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
    const address = row.address === null ? null : `${row.address}${row.netmask ? `/${row.netmask}` : ''}`;
    // The line as pg_hba.conf spells it: type, database, user, address, method.
    const line = [row.type, (row.database ?? []).join(','), (row.user_name ?? []).join(','), ...(address === null ? [] : [address]), 'trust'].join(' ');
    const reach = row.type === 'local' ? 'the local socket' : (address ?? 'the server');
    return {
      check: 'hba-trust',
      severity: 'high',
      subject: `pg_hba.conf line ${row.line_number}`,
      message: printable(`"${line}": anyone who reaches ${reach} logs in as any matching role without a password — a tenant as another tenant, or as the superuser.`),
      fix: `Change line ${row.line_number} of pg_hba.conf to scram-sha-256 (or peer for local lines), then SELECT pg_reload_conf();`,
    };
  });
}
