import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../../src-main/audit/audit-log';
import { LocalAuditStore } from '../../src-main/audit/local-audit-store';
import { cacheFileIn, openCache, type LocalCache } from '../../src-main/cache/open-cache';
import { createSilentLogger } from '../../src-main/logging/logger';

export interface TempAuditCache {
  readonly dir: string;
  readonly cache: LocalCache;
  readonly log: AuditLog;
  readonly store: LocalAuditStore;
  /** Writes n events, `concurrency` at a time (one group commit per wave). */
  fill(n: number, concurrency?: number, prefix?: string): Promise<void>;
  dispose(): Promise<void>;
}

export const TEST_IDENTITY = { operator: 'postgres', osUser: 'tester' } as const;

/** A real cache file in a temporary folder with an audit log on it. */
export async function openTempAuditCache(dir?: string): Promise<TempAuditCache> {
  const folder = dir ?? (await mkdtemp(join(tmpdir(), 'tc-audit-')));
  const opening = openCache({ file: cacheFileIn(folder), logger: createSilentLogger() });
  if (!opening.cache) throw new Error(opening.status.problem ?? 'cache not open');
  const cache = opening.cache;
  const log = new AuditLog(cache, TEST_IDENTITY);
  return {
    dir: folder,
    cache,
    log,
    store: new LocalAuditStore(cache.db),
    async fill(n, concurrency = 100, prefix = 'test:event') {
      for (let done = 0; done < n; done += concurrency) {
        const wave = Array.from({ length: Math.min(concurrency, n - done) }, (_, i) =>
          log.record({ action: prefix, tenant: `ACM${String(100 + ((done + i) % 50))}`, details: { n: done + i }, outcome: 'ok', durationMs: 1 }),
        );
        await Promise.all(wave);
      }
    },
    async dispose() {
      cache.close();
      if (!dir) await rm(folder, { recursive: true, force: true });
    },
  };
}
