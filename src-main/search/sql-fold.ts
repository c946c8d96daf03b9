import { sqlFoldReplacements } from '../../src-shared/domain/search-fold';

/** A SQL string literal (standard_conforming_strings: only quotes need doubling). */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * `expression` folded like foldForSearch, in PostgreSQL without an extension (unaccent is
 * contrib and may be missing): NFKD, the combining marks stripped, the letters that do not
 * decompose replaced (ß → ss, ø → o: sqlFoldReplacements), lower(). Only text with a
 * non-ASCII character takes that path; ASCII needs lower() alone, which keeps a scan of
 * 10,000 names at a few milliseconds (bench/search.ts). The text comes from fixed tables,
 * never from the caller. Needs a UTF-8 database (normalize()), as the platform's is.
 */
export function postgresFold(expression: string): string {
  let folded = `regexp_replace(normalize(${expression}, NFKD), '[\u0300-\u036f]+', '', 'g')`;
  for (const [from, to] of sqlFoldReplacements()) folded = `replace(${folded}, ${literal(from)}, ${literal(to)})`;
  return `CASE WHEN ${expression} ~ '[^\x01-\x7F]' THEN lower(${folded}) ELSE lower(${expression}) END`;
}

/** `%text%` for LIKE with `\` as the escape character. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** `text%` for LIKE, escaped the same way. */
export function prefixPattern(text: string): string {
  return `${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
