/**
 * Accent- and case-insensitive matching for the console search ("Muller" finds "Müller",
 * "sao paulo" finds "São Paulo"). The renderer, main's SQL (PostgreSQL and the offline
 * SQLite cache) and the tests all fold with the tables below, so a name matches the same
 * way online, offline and in the browser.
 */

/** Letters that do not decompose under Unicode NFKD but have a plain-Latin spelling. */
const SPECIAL_FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss',
  ẞ: 'ss',
  æ: 'ae',
  Æ: 'ae',
  œ: 'oe',
  Œ: 'oe',
  ø: 'o',
  Ø: 'o',
  ł: 'l',
  Ł: 'l',
  đ: 'd',
  Đ: 'd',
  ð: 'd',
  Ð: 'd',
  þ: 'th',
  Þ: 'th',
  ı: 'i',
};
const SPECIAL_PATTERN = new RegExp(`[${Object.keys(SPECIAL_FOLDS).join('')}]`, 'gu');

/** Lower case, accents and other combining marks removed, ß → ss, ø → o, … */
export function foldForSearch(text: string): string {
  return text
    .replace(SPECIAL_PATTERN, (char) => SPECIAL_FOLDS[char] ?? char)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** The combining marks NFKD leaves behind (U+0300–U+036F): SQL deletes them (decomposed input). */
const COMBINING_MARKS = Array.from({ length: 0x70 }, (_, index) => String.fromCodePoint(0x300 + index)).join('');

export interface SqlFoldTables {
  /** Characters folding to one other character: `translate(x, from, to)`; the marks at the end of `from` are deleted. */
  readonly translateFrom: string;
  readonly translateTo: string;
  /** Characters folding to several (ß → ss): `replace(x, char, text)` each, before the translate. */
  readonly replacements: ReadonlyArray<readonly [string, string]>;
}

let tables: SqlFoldTables | null = null;

/**
 * The same fold as SQL can do it without an extension (PostgreSQL's unaccent is contrib and
 * may be missing): A–Z and every character from U+00A0 to U+024F (ª, µ, é, ß, ő, …), derived from
 * foldForSearch itself so the two can never disagree on those.
 */
export function sqlFoldTables(): SqlFoldTables {
  if (tables) return tables;
  let from = '';
  let to = '';
  const replacements: Array<[string, string]> = [];
  const codePoints = [...Array.from({ length: 26 }, (_, index) => 0x41 + index), ...Array.from({ length: 0x250 - 0xa0 }, (_, index) => 0xa0 + index)];
  for (const codePoint of codePoints) {
    const char = String.fromCodePoint(codePoint);
    const folded = foldForSearch(char);
    if (folded === char) continue;
    if ([...folded].length === 1) {
      from += char;
      to += folded;
    } else {
      replacements.push([char, folded]);
    }
  }
  tables = { translateFrom: from + COMBINING_MARKS, translateTo: to, replacements };
  return tables;
}
