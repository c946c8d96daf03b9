/**
 * Audit log benchmarks (local SQLite, no PostgreSQL):
 * 1. append rate with durability as shipped (WAL, synchronous=FULL, group commit), with
 *    concurrent callers and with one caller awaiting each event, plus the raw fsync cost;
 * 2. `audit verify` over the whole chain, VERIFY_RUNS times (median: the machine is shared);
 * 3. a filtered Audit-page query (tenant + time range, and tenant + failures), median.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../src-main/audit/audit-log';
import { LocalAuditStore } from '../src-main/audit/local-audit-store';
import { cacheFileIn, openCache } from '../src-main/cache/open-cache';
import { createSilentLogger } from '../src-main/logging/logger';
import { table, verdict } from './lib/markdown';
import { median, summarize, type Summary } from './lib/stats';

export interface AuditBenchOptions {
  readonly appendEvents: number;
  readonly chainEvents: number;
  readonly queryIterations: number;
  readonly log: (line: string) => void;
}

export interface AuditBenchResult {
  readonly appendConcurrentPerSecond: number;
  readonly appendSequentialPerSecond: number;
  readonly commitMs: number;
  readonly chainEvents: number;
  readonly fillSeconds: number;
  /** Median of the runs. */
  readonly verifySeconds: number;
  readonly verifyRunsSeconds: readonly number[];
  readonly verifyOk: boolean;
  readonly tenantTimeQuery: Summary;
  readonly tenantFailuresQuery: Summary;
  readonly searchQuery: Summary;
}

export const AUDIT_TARGETS = { appendPerSecond: 5000, verifySeconds: 5, queryMedianMs: 50 } as const;

const TENANTS = 1000;
const VERIFY_RUNS = 3;
const ACTIONS = ['tenants:create', 'tenants:suspend', 'tenants:activate', 'tenants:cancel', 'settings:update', 'plans:change', 'backups:run', 'usage:collect'];

function entry(n: number) {
  return {
    action: ACTIONS[n % ACTIONS.length]!,
    tenant: `ACM${String(n % TENANTS).padStart(4, '0')}`,
    details: { ref: `ACM${n % TENANTS}`, reason: n % 97 === 0 ? 'chargeback dispute' : 'routine', expectedVersion: n % 13 },
    outcome: n % 20 === 0 ? 'CONFLICT' : 'ok',
    durationMs: n % 300,
  };
}

async function withCache<T>(work: (log: AuditLog, store: LocalAuditStore) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'tc-bench-audit-'));
  const { cache, status } = openCache({ file: cacheFileIn(dir), logger: createSilentLogger() });
  if (!cache) throw new Error(status.problem ?? 'cache not open');
  try {
    return await work(new AuditLog(cache, { operator: 'postgres', osUser: 'bench' }), new LocalAuditStore(cache.db));
  } finally {
    cache.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function fill(log: AuditLog, events: number, concurrency: number, offset = 0): Promise<number> {
  const started = performance.now();
  for (let done = 0; done < events; done += concurrency) {
    await Promise.all(Array.from({ length: Math.min(concurrency, events - done) }, (_, i) => log.record(entry(offset + done + i))));
  }
  return (performance.now() - started) / 1000;
}

function timeQueries(iterations: number, query: (i: number) => void): Summary {
  for (let i = 0; i < 3; i += 1) query(i);
  const samples: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const started = performance.now();
    query(i + 7);
    samples.push(performance.now() - started);
  }
  return summarize(samples);
}

export async function benchAudit(options: AuditBenchOptions): Promise<AuditBenchResult> {
  const { log } = options;
  const appends = await withCache(async (audit) => {
    log(`  append: ${options.appendEvents} events, 64 concurrent callers (group commit)`);
    const concurrent = options.appendEvents / (await fill(audit, options.appendEvents, 64));
    const sequentialEvents = Math.max(200, Math.floor(options.appendEvents / 10));
    log(`  append: ${sequentialEvents} events, one caller awaiting each (one fsync each)`);
    const seconds = await fill(audit, sequentialEvents, 1, options.appendEvents);
    return { concurrent, sequential: sequentialEvents / seconds, commitMs: (seconds * 1000) / sequentialEvents };
  });

  return withCache(async (audit, store) => {
    log(`  chain: writing ${options.chainEvents} events`);
    const fillSeconds = await fill(audit, options.chainEvents, 5000);
    const verifyRunsSeconds: number[] = [];
    let report = null;
    for (let run = 1; run <= VERIFY_RUNS; run += 1) {
      log(`  verify: whole chain, run ${run} of ${VERIFY_RUNS}`);
      const started = performance.now();
      report = store.verify();
      verifyRunsSeconds.push((performance.now() - started) / 1000);
      if (!report.ok || report.checked !== options.chainEvents) throw new Error(`verify: ${JSON.stringify(report).slice(0, 300)}`);
    }
    const verifySeconds = median(verifyRunsSeconds);

    const lastTime = store.list({}, { limit: 1, includeTotal: false }).rows[0]!.time;
    const weekBefore = new Date(Date.parse(lastTime) - 7 * 86_400_000).toISOString();
    const tenant = (i: number) => `ACM${String((i * 37) % TENANTS).padStart(4, '0')}`;
    log(`  queries: ${options.queryIterations} each over ${options.chainEvents} events`);
    const tenantTimeQuery = timeQueries(options.queryIterations, (i) => store.list({ tenant: tenant(i), since: weekBefore }, { limit: 100, includeTotal: false }));
    const tenantFailuresQuery = timeQueries(options.queryIterations, (i) => store.list({ tenant: tenant(i), outcome: 'error' }, { limit: 100, includeTotal: false }));
    const searchQuery = timeQueries(options.queryIterations, () => store.list({ search: 'chargeback' }, { limit: 100, includeTotal: false }));
    return {
      appendConcurrentPerSecond: appends.concurrent,
      appendSequentialPerSecond: appends.sequential,
      commitMs: appends.commitMs,
      chainEvents: options.chainEvents,
      fillSeconds,
      verifySeconds,
      verifyRunsSeconds,
      verifyOk: report!.ok,
      tenantTimeQuery,
      tenantFailuresQuery,
      searchQuery,
    };
  });
}

const n = (value: number, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function auditSection(title: string, result: AuditBenchResult): string {
  const events = n(result.chainEvents);
  return [
    `## ${title}`,
    '',
    'Local SQLite cache as shipped: WAL, `synchronous=FULL`, group commit (events arriving in one event-loop turn share a transaction).',
    '',
    table(
      ['measure', 'result', 'target', ''],
      [
        ['append, 64 concurrent callers', `${n(result.appendConcurrentPerSecond)} events/s`, `≥ ${n(AUDIT_TARGETS.appendPerSecond)}/s`, verdict(result.appendConcurrentPerSecond >= AUDIT_TARGETS.appendPerSecond)],
        ['append, one caller awaiting each', `${n(result.appendSequentialPerSecond)} events/s (${n(result.commitMs, 3)} ms per durable commit)`, '(fsync-bound)', ''],
        [`audit verify, ${events} events`, `median ${n(result.verifySeconds, 2)} s (runs: ${result.verifyRunsSeconds.map((s) => n(s, 2)).join(', ')})`, `≤ ${AUDIT_TARGETS.verifySeconds} s`, verdict(result.verifySeconds <= AUDIT_TARGETS.verifySeconds)],
        [`query tenant + last 7 days, ${events} events`, `median ${n(result.tenantTimeQuery.median, 2)} ms, p95 ${n(result.tenantTimeQuery.p95, 2)} ms`, `median ≤ ${AUDIT_TARGETS.queryMedianMs} ms`, verdict(result.tenantTimeQuery.median <= AUDIT_TARGETS.queryMedianMs)],
        [`query tenant + failures, ${events} events`, `median ${n(result.tenantFailuresQuery.median, 2)} ms, p95 ${n(result.tenantFailuresQuery.p95, 2)} ms`, `median ≤ ${AUDIT_TARGETS.queryMedianMs} ms`, verdict(result.tenantFailuresQuery.median <= AUDIT_TARGETS.queryMedianMs)],
        [`search "chargeback" in details, ${events} events`, `median ${n(result.searchQuery.median, 2)} ms`, '(scan until a page is full)', ''],
      ],
    ),
    '',
    `Writing the ${events}-event chain (5,000 per group commit) took ${n(result.fillSeconds, 1)} s.`,
  ].join('\n');
}
