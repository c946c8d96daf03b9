import pg from 'pg';

// Names the console itself makes (tenant_acme001, tenant_acme001_app, tc_template_v1…):
// lower-case ASCII, start with a letter, within PostgreSQL's 63-byte identifier limit.
const CONSOLE_IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;

export function assertConsoleIdentifier(name: string, what = 'identifier'): string {
  if (!CONSOLE_IDENTIFIER.test(name)) throw new Error(`Refusing unsafe ${what}: ${JSON.stringify(name).slice(0, 80)}`);
  return name;
}

/** Validated, then quoted with the driver's own escaping: no SQL is built from raw input. */
export function quoteIdent(name: string, what?: string): string {
  return pg.escapeIdentifier(assertConsoleIdentifier(name, what));
}

export function quoteLiteral(value: string): string {
  return pg.escapeLiteral(value);
}
