/**
 * A console's audit pusher in a process of its own, for crash tests:
 *   node bin/run-ts.js test/support/audit-push-child.ts CACHE_DIR URL PLATFORM_DB BATCH_SIZE
 * With TENANT_CONSOLE_CRASH_IN_AUDIT_PUSH set it SIGKILLs itself inside the first batch.
 */
import { LocalAuditStore } from '../../src-main/audit/local-audit-store';
import { AuditPusher } from '../../src-main/audit/audit-pusher';
import { cacheFileIn, openCache } from '../../src-main/cache/open-cache';
import { createSilentLogger } from '../../src-main/logging/logger';
import { createPool } from '../../src-main/postgres/pools';
import { endpointFromUrl } from '../../src-main/postgres/server-endpoint';

const [cacheDir, url, platformDatabase, batch] = process.argv.slice(2);
const logger = createSilentLogger();
const { cache, status } = openCache({ file: cacheFileIn(cacheDir!), logger });
if (!cache) throw new Error(status.problem ?? 'no cache');
const pool = createPool(endpointFromUrl(url!), platformDatabase!, logger, 2);
const pusher = new AuditPusher({ pool, local: new LocalAuditStore(cache.db), consoleId: cache.consoleId, logger, batchSize: Number(batch) });
const pushed = await pusher.pushAll();
process.stdout.write(`${JSON.stringify({ pushed })}\n`);
await pool.end();
cache.close();
