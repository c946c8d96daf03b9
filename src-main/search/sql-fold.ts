import { sqlFoldTables } from '../../src-shared/domain/search-fold';

/** A SQL string literal (standard_conforming_strings: only quotes need doubling). */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * `expression` folded like foldForSearch, in plain SQL that PostgreSQL and SQLite both run:
 * lower(), replace() for the letters that become two (ß → ss), translate() for the rest.
 * SQLite has no translate(): the offline cache registers foldForSearch itself as a function
 * instead (snapshot-store.ts). The text comes from fixed tables, never from the caller.
 */
export function postgresFold(expression: string): string {
  const { translateFrom, translateTo, replacements } = sqlFoldTables();
  let sql = `lower(${expression})`;
  for (const [from, to] of replacements) sql = `replace(${sql}, ${literal(from)}, ${literal(to)})`;
  return `translate(${sql}, ${literal(translateFrom)}, ${literal(translateTo)})`;
}

/** `%text%` for LIKE with `\` as the escape character. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** `text%` for LIKE, escaped the same way. */
export function prefixPattern(text: string): string {
  return `${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
