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
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(SPECIAL_PATTERN, (char) => SPECIAL_FOLDS[char] ?? char)
    .toLowerCase();
}

/** The combining marks SQL strips after NFKD (U+0300–U+036F: the accents of Latin letters). */
export const SQL_COMBINING_MARKS = /[\u0300-\u036f]+/g;

const lowerAscii = (text: string) => text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());

let replacements: ReadonlyArray<readonly [string, string]> | null = null;

/**
 * What SQL must replace by hand after NFKD and stripping the marks so that it folds exactly as
 * foldForSearch for A–Z and every character from U+00A0 to U+017F (Latin-1 and Latin
 * Extended-A: ß → ss, Ø → o, Ħ → ħ, …). SQL lower() is only trusted with A–Z (a database
 * with the C locale lowers nothing else). Derived from foldForSearch, so the two cannot drift.
 */
export function sqlFoldReplacements(): ReadonlyArray<readonly [string, string]> {
  if (replacements) return replacements;
  const found = new Map<string, string>();
  for (let codePoint = 0xa0; codePoint < 0x180; codePoint += 1) {
    for (const char of String.fromCodePoint(codePoint).normalize('NFKD').replace(SQL_COMBINING_MARKS, '')) {
      const folded = foldForSearch(char);
      if (folded !== lowerAscii(char)) found.set(char, folded);
    }
  }
  replacements = [...found];
  return replacements;
}
