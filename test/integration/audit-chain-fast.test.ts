import { hash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SQLITE_CHAIN_COLUMNS, sqliteChainRowAccess, type SqliteChainRow } from '../../src-main/audit/chain-sqlite-rows';
import { openTempAuditCache, type TempAuditCache } from '../support/audit-cache';

// The fast verify hashes the text SQLite builds (json_array) instead of re-serialising each
// event in JavaScript: these tests hold that text to eventHash's input, and show the checks
// still find breaks in a chain longer than one verification page.
describe('audit chain verification on SQLite-built hash input', () => {
  let t: TempAuditCache;
  const rows = () => t.cache.db.prepare<unknown[], SqliteChainRow>(`SELECT ${SQLITE_CHAIN_COLUMNS} FROM audit_events ORDER BY seq`).raw().all();

  beforeEach(async () => {
    t = await openTempAuditCache();
  });
  afterEach(async () => {
    await t.dispose();
  });

  it('builds exactly the text eventHash hashed, for awkward content too', async () => {
    const awkward = ['a\u0000b', 'quote " backslash \\ slash /', '\b\f\n\r\t\u0001\u001f\u007f', '\u2028\u2029', 'é ß 中文 😀 \u{10FFFF}', ''];
    for (const [n, text] of awkward.entries()) {
      await t.log.record({ action: `test:${text}`, tenant: n % 2 === 0 ? null : text, details: { text, n }, outcome: text || 'ok', durationMs: 2 ** 40 + n });
    }
    const stored = rows();
    expect(stored).toHaveLength(awkward.length);
    // The primary check alone (no JavaScript re-serialisation) accepts every event.
    for (const row of stored) expect(hash('sha256', row[4], 'hex')).toBe(row[3]);
    expect(t.store.verify()).toMatchObject({ ok: true, checked: awkward.length, breaks: [] });
  });

  it('judges content by its values, not by how SQLite spells them', async () => {
    await t.log.record({ action: 'test:event', tenant: 'ACM100', details: { n: 1 }, outcome: 'ok', durationMs: 1 });
    const [row] = rows();
    // The same values with other (valid) JSON escapes: still the event that was hashed.
    const respelled: SqliteChainRow = [row![0], row![1], row![2], row![3], row![4].replace('"ACM100"', '"\\u0041CM100"')];
    expect(respelled[4]).not.toBe(row![4]);
    expect(sqliteChainRowAccess.contentMatches(respelled)).toBe(true);
    const changed: SqliteChainRow = [row![0], row![1], row![2], row![3], row![4].replace('"ACM100"', '"ACM101"')];
    expect(sqliteChainRowAccess.contentMatches(changed)).toBe(false);
  });

  it('finds breaks across the default pages of a longer chain', async () => {
    await t.fill(3_500, 500);
    const at = (seq: number) => t.cache.db.prepare<unknown[], { id: string }>('SELECT id FROM audit_events WHERE seq = ?').get(seq)!.id;
    expect(t.store.verify()).toMatchObject({ ok: true, checked: 3_500, lastSeq: 3_500 });
    const edited = at(1_000); // the last event of the first page
    const afterGap = at(2_002);
    t.cache.db.prepare("UPDATE audit_events SET tenant = 'ZZZ' WHERE seq = 1000").run();
    t.cache.db.prepare('DELETE FROM audit_events WHERE seq = 2001').run();
    const report = t.store.verify();
    expect(report.ok).toBe(false);
    expect(report.breaks).toEqual([
      expect.objectContaining({ kind: 'edited', seq: 1_000, id: edited }),
      expect.objectContaining({ kind: 'deleted', seq: 2_002, id: afterGap }),
    ]);
    expect(report.breaks[1]!.message).toMatch(/event 2001 is missing/);
    expect(report.checked).toBe(3_499);
  });
});
