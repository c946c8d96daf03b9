import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROLE_TABLE_END, ROLE_TABLE_START, renderRoleTable } from '../support/operator-role-table';

/** docs/operators.md's role table says exactly what the contract's CHANNEL_PERMISSIONS decide. */
describe('docs/operators.md', () => {
  it('has the role table of CHANNEL_PERMISSIONS, row for row', () => {
    const doc = readFileSync(new URL('../../docs/operators.md', import.meta.url), 'utf8');
    const start = doc.indexOf(ROLE_TABLE_START);
    const end = doc.indexOf(ROLE_TABLE_END);
    expect(start, 'the role table start marker').toBeGreaterThanOrEqual(0);
    expect(end, 'the role table end marker').toBeGreaterThan(start);
    const table = doc.slice(start + ROLE_TABLE_START.length, end).trim();
    // On a mismatch the expected text is printed: paste it between the markers.
    expect(table).toBe(renderRoleTable());
  });
});
