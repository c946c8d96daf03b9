import pg from 'pg';

/**
 * Names read from the server (databases, roles, pg_hba.conf fields) go into text a
 * terminal or the page shows: control characters become \u escapes so a crafted name can
 * never forge another line of the report.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** An identifier as SQL the operator can paste: quoted (never executed by the console). */
export function sqlName(name: string): string {
  return printable(pg.escapeIdentifier(name));
}

/** A catalog the console's user may not read: the check could not run, which is a finding too. */
export function isPermissionDenied(error: unknown): boolean {
  return (error as { code?: string }).code === '42501';
}
