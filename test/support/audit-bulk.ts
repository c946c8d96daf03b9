import { v7 as uuidv7 } from 'uuid';
import { eventHash, GENESIS_HASH } from '../../src-main/audit/audit-event';
import { META_LAST_HASH, META_LAST_SEQ } from '../../src-main/audit/audit-log';
import type { LocalCache } from '../../src-main/cache/open-cache';

const ACTIONS = ['tenants:create', 'tenants:suspend', 'tenants:activate', 'settings:update', 'tenants:cancel'] as const;

/**
 * Appends `count` valid, chained events to a cache in one transaction — the fast way to
 * give the Audit page a large log (the real AuditLog commits per group, for durability).
 */
export function bulkAppendEvents(cache: LocalCache, count: number, startTime = Date.parse('2025-01-01T00:00:00Z')): void {
  const db = cache.db;
  const meta = (key: string) => db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined;
  let seq = Number(meta(META_LAST_SEQ) ?? 0);
  let prevHash = meta(META_LAST_HASH) ?? GENESIS_HASH;
  const insert = db.prepare(
    `INSERT INTO audit_events (seq, id, console_id, time, operator, os_user, action, tenant, details, outcome, duration_ms, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const setMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  db.transaction(() => {
    for (let i = 0; i < count; i += 1) {
      seq += 1;
      const content = {
        id: uuidv7(),
        consoleId: cache.consoleId,
        time: new Date(startTime + i * 1_000).toISOString(),
        operator: i % 7 === 0 ? 'ops_admin' : 'postgres',
        osUser: 'bulk',
        action: ACTIONS[i % ACTIONS.length]!,
        tenant: `BLK${String(100 + (i % 900)).padStart(3, '0')}`,
        details: JSON.stringify({ ref: `BLK${String(100 + (i % 900)).padStart(3, '0')}`, n: i, origin: 'bulk' }),
        outcome: i % 13 === 0 ? 'CONFLICT' : 'ok',
        durationMs: i % 250,
        prevHash,
      };
      const hash = eventHash(content);
      insert.run(seq, content.id, content.consoleId, content.time, content.operator, content.osUser, content.action, content.tenant, content.details, content.outcome, content.durationMs, prevHash, hash);
      prevHash = hash;
    }
    setMeta.run(META_LAST_SEQ, String(seq));
    setMeta.run(META_LAST_HASH, prevHash);
  }).immediate();
}
