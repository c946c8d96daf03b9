import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditService, type AuditService } from '../../src-main/audit/audit-service';
import { verifyFleetChain } from '../../src-main/audit/platform-audit-store';
import { cacheFileIn, openCache, type LocalCache } from '../../src-main/cache/open-cache';
import { createSilentLogger } from '../../src-main/logging/logger';
import { applyMigrations } from '../../src-main/base/migration-runner';
import { PLATFORM_MIGRATIONS } from '../../src-main/platform/migrations';
import { EmbeddedCluster } from '../../src-main/postgres/embedded-cluster';
import { createPool } from '../../src-main/postgres/pools';
import { FileSecretStore } from '../../src-main/secrets/file-secret-store';
import { TEST_IDENTITY } from '../support/audit-cache';
import { platformEvents } from '../support/audit-platform';

const logger = createSilentLogger();
const PLATFORM_DB = 'audit_outage';
const ROUNDS = [4000, 3000, 3000]; // 10,000 events, the audit component restarted twice in between

describe('exactly-once audit sync across a platform outage and restarts', () => {
  // The outage is real: this test stops its OWN embedded cluster, never the shared one.
  let dataDir: string;
  let cacheDir: string;
  let cluster: EmbeddedCluster;
  let pool: pg.Pool;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tc-audit-outage-'));
    await chmod(dataDir, 0o755);
    cacheDir = await mkdtemp(join(tmpdir(), 'tc-audit-outage-cache-'));
    cluster = new EmbeddedCluster({ dataDir, secretStore: new FileSecretStore(join(dataDir, 'secrets.json')), logger });
    const endpoint = await cluster.acquire();
    const admin = createPool(endpoint, 'postgres', logger, 1);
    await admin.query(`CREATE DATABASE ${PLATFORM_DB}`);
    await admin.end();
    pool = createPool(endpoint, PLATFORM_DB, logger, 4);
    const client = await pool.connect();
    try {
      await applyMigrations(client, PLATFORM_MIGRATIONS);
    } finally {
      client.release();
    }
  });
  afterAll(async () => {
    await pool?.end().catch(() => undefined);
    await cluster?.forceStop().catch(() => undefined);
    await cluster?.release().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
    await rm(cacheDir, { recursive: true, force: true });
  });

  function openAudit(): { cache: LocalCache; audit: AuditService } {
    const { cache, status } = openCache({ file: cacheFileIn(cacheDir), logger });
    if (!cache) throw new Error(status.problem ?? 'no cache');
    return { cache, audit: createAuditService({ cache, cacheStatus: status, pool, identity: TEST_IDENTITY, logger, pushBatchSize: 500 }) };
  }

  it('lands 10,000 events made while the database was down once each, in order', async () => {
    await cluster.forceStop();

    let consoleId = '';
    for (const [round, count] of ROUNDS.entries()) {
      const { cache, audit } = openAudit();
      consoleId = cache.consoleId;
      for (let done = 0; done < count; done += 250) {
        await Promise.all(
          Array.from({ length: Math.min(250, count - done) }, (_, i) =>
            audit.record({ action: 'test:outage', tenant: 'OUT001', details: { round, n: done + i }, outcome: 'ok', durationMs: 1 }),
          ),
        );
      }
      const status = audit.status();
      expect(status.outboxDepth).toBe(ROUNDS.slice(0, round + 1).reduce((a, b) => a + b, 0));
      // A push while the database is down fails and sends nothing.
      await expect(audit.pusher!.pushAll()).rejects.toThrow();
      expect(audit.status().pushedThroughSeq).toBe(0);
      await audit.close(0);
      cache.close();
    }

    await cluster.acquire(); // the database is back
    const { cache, audit } = openAudit(); // a third start: its pusher drains the outbox by itself
    try {
      for (const deadline = Date.now() + 60_000; audit.status().outboxDepth > 0; ) {
        if (Date.now() > deadline) throw new Error(`outbox not drained: ${JSON.stringify(audit.status())}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        if (audit.status().lastError) audit.pusher!.retryNow();
      }
      const landed = await platformEvents(pool, consoleId);
      expect(landed).toHaveLength(10_000);
      expect(new Set(landed.map((row) => row.id)).size).toBe(10_000);
      expect(landed.map((row) => row.seq)).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
      expect(landed.map((row) => row.id)).toEqual(audit.local!.after(0, 20_000).map((row) => row.id));
      expect(await verifyFleetChain(pool, consoleId)).toMatchObject({ ok: true, checked: 10_000 });
      expect(audit.local!.verify()).toMatchObject({ ok: true, checked: 10_000 });
    } finally {
      await audit.close(0);
      cache.close();
    }
  });
});
