import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventHash, GENESIS_HASH } from '../../src-main/audit/audit-event';
import { openTempAuditCache, type TempAuditCache } from '../support/audit-cache';

interface Row {
  seq: number;
  id: string;
  hash: string;
  prev_hash: string;
}

describe('audit hash chain verification', () => {
  let t: TempAuditCache;
  const row = (seq: number) => t.cache.db.prepare<unknown[], Row>('SELECT seq, id, hash, prev_hash FROM audit_events WHERE seq = ?').get(seq)!;

  beforeEach(async () => {
    t = await openTempAuditCache();
    await t.fill(40, 7);
  });
  afterEach(async () => {
    await t.dispose();
  });

  it('accepts an untouched chain, linked from the genesis hash in seq order', () => {
    expect(t.store.verify()).toMatchObject({ ok: true, checked: 40, lastSeq: 40, breaks: [] });
    expect(row(1).prev_hash).toBe(GENESIS_HASH);
    expect(row(2).prev_hash).toBe(row(1).hash);
  });

  it('catches an edited event and names it', () => {
    const target = row(17);
    t.cache.db.prepare("UPDATE audit_events SET outcome = 'ok', details = '{\"n\":999}' WHERE seq = 17").run();
    const report = t.store.verify();
    expect(report.ok).toBe(false);
    expect(report.breaks).toEqual([expect.objectContaining({ kind: 'edited', seq: 17, id: target.id })]);
  });

  it('catches an edited event whose hash was recomputed (the next link breaks)', () => {
    const stored = t.cache.db.prepare<unknown[], Record<string, unknown>>('SELECT * FROM audit_events WHERE seq = 9').get()!;
    const forged = {
      id: stored.id as string, consoleId: stored.console_id as string, time: stored.time as string, operator: 'someone-else',
      osUser: stored.os_user as string, action: stored.action as string, tenant: stored.tenant as string | null, details: stored.details as string,
      outcome: stored.outcome as string, durationMs: stored.duration_ms as number, prevHash: stored.prev_hash as string,
    };
    t.cache.db.prepare('UPDATE audit_events SET operator = ?, hash = ? WHERE seq = 9').run(forged.operator, eventHash(forged));
    expect(t.store.verify().breaks).toEqual([expect.objectContaining({ kind: 'edited', seq: 9, id: stored.id })]);
  });

  it('catches a deleted event and says which is missing', () => {
    const after = row(24);
    t.cache.db.prepare('DELETE FROM audit_events WHERE seq = 23').run();
    const report = t.store.verify();
    expect(report.ok).toBe(false);
    expect(report.breaks).toEqual([expect.objectContaining({ kind: 'deleted', seq: 24, id: after.id })]);
    expect(report.breaks[0]!.message).toMatch(/event 23 is missing/);
  });

  it('catches deleted events at the end of the log (truncation)', () => {
    t.cache.db.prepare('DELETE FROM audit_events WHERE seq > 37').run();
    const report = t.store.verify();
    expect(report.breaks).toEqual([expect.objectContaining({ kind: 'deleted', seq: 38 })]);
  });

  it('catches an inserted event, even one linked and hashed like a real one', () => {
    const previous = t.cache.db.prepare<unknown[], Record<string, unknown>>('SELECT * FROM audit_events WHERE seq = 12').get()!;
    // Make room at seq 13 by moving the rest up one.
    t.cache.db.prepare('UPDATE audit_events SET seq = seq + 1000000 WHERE seq > 12').run();
    t.cache.db.prepare('UPDATE audit_events SET seq = seq - 999999 WHERE seq > 1000000').run();
    const forged = {
      id: '01900000-0000-7000-8000-000000000001', consoleId: previous.console_id as string, time: new Date().toISOString(), operator: 'postgres',
      osUser: 'tester', action: 'tenants:activate', tenant: 'ACM100', details: '{}', outcome: 'ok', durationMs: 1, prevHash: previous.hash as string,
    };
    t.cache.db
      .prepare(`INSERT INTO audit_events (seq, id, console_id, time, operator, os_user, action, tenant, details, outcome, duration_ms, prev_hash, hash)
                VALUES (13, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(forged.id, forged.consoleId, forged.time, forged.operator, forged.osUser, forged.action, forged.tenant, forged.details, forged.outcome, forged.durationMs, forged.prevHash, eventHash(forged));
    const report = t.store.verify();
    expect(report.ok).toBe(false);
    expect(report.breaks).toEqual([expect.objectContaining({ kind: 'inserted', seq: 13, id: forged.id })]);
  });

  it('catches two events swapped (reordered) and names one of them', () => {
    const a = row(30);
    const b = row(31);
    t.cache.db.prepare('UPDATE audit_events SET seq = -1 WHERE seq = 30').run();
    t.cache.db.prepare('UPDATE audit_events SET seq = 30 WHERE seq = 31').run();
    t.cache.db.prepare('UPDATE audit_events SET seq = 31 WHERE seq = -1').run();
    const report = t.store.verify();
    expect(report.ok).toBe(false);
    expect(report.breaks).toHaveLength(1);
    expect(report.breaks[0]).toMatchObject({ kind: 'reordered' });
    expect([a.id, b.id]).toContain(report.breaks[0]!.id);
  });

  it('finds a break that straddles two verification pages', () => {
    t.cache.db.prepare('DELETE FROM audit_events WHERE seq = 20').run();
    expect(t.store.verify(10).breaks).toEqual([expect.objectContaining({ kind: 'deleted', seq: 21 })]);
    expect(t.store.verify(19).breaks).toEqual([expect.objectContaining({ kind: 'deleted', seq: 21 })]);
  });
});
