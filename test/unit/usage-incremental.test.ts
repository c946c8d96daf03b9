import { describe, expect, it } from 'vitest';
import { readReason, type PreviousUsage } from '../../src-main/usage/incremental';
import type { DatabaseStats } from '../../src-main/usage/server-stats';
import { usageCalendar } from '../../src-main/usage/usage-calendar';

const reset = new Date('2026-11-01T00:00:00Z');
const stats = (tupleChanges: number, statsReset: Date | null = reset): DatabaseStats => ({
  database: 'tenant_acme001',
  allowsConnections: true,
  databaseBytes: 8_000_000,
  tupleChanges,
  statsReset,
  commits: 100,
  sessions: 10,
  connections: 0,
});
const previous = (overrides: Partial<PreviousUsage> = {}): PreviousUsage => ({
  usageDate: '2026-11-27',
  readAt: new Date('2026-11-27T03:00:00Z'),
  monthStart: '2026-11-01',
  tupleChanges: 500,
  statsReset: reset,
  error: null,
  ...overrides,
});

describe('the incremental rule', () => {
  it('carries over when the write counters and the stats reset are unchanged, whatever commits and sessions did', () => {
    expect(readReason(previous(), { ...stats(500), commits: 999, sessions: 99 }, '2026-11-01')).toBeNull();
  });

  it('re-reads when written to, after a stats reset, in a new month, after a failure, or the first time', () => {
    expect(readReason(previous(), stats(501), '2026-11-01')).toBe('changed');
    expect(readReason(previous(), stats(500, new Date('2026-11-20T00:00:00Z')), '2026-11-01')).toBe('stats-reset');
    expect(readReason(previous(), stats(500, null), '2026-11-01')).toBe('stats-reset');
    expect(readReason(previous(), stats(500), '2026-12-01')).toBe('new-month');
    expect(readReason(previous({ error: 'timeout' }), stats(500), '2026-11-01')).toBe('retry');
    expect(readReason(previous({ readAt: null }), stats(500), '2026-11-01')).toBe('first');
    expect(readReason(null, stats(0), '2026-11-01')).toBe('first');
  });

  it('files a run under the UTC day and counts transactions in the UTC calendar month', () => {
    const calendar = usageCalendar(new Date('2026-12-31T23:30:00-05:00'));
    expect(calendar).toMatchObject({ usageDate: '2027-01-01', monthStart: '2027-01-01' });
    expect(calendar.monthStartAt.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(calendar.nextMonthStartAt.toISOString()).toBe('2027-02-01T00:00:00.000Z');
  });
});
