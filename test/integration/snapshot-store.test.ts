import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelParsedInput } from '../../src-shared/contract/channels';
import type { TenantDetail } from '../../src-shared/contract/models';
import { cacheFileIn, openCache, type LocalCache } from '../../src-main/cache/open-cache';
import { createSilentLogger } from '../../src-main/logging/logger';
import { SnapshotStore, USAGE_SNAPSHOT_DAYS } from '../../src-main/offline/snapshot-store';
import { TENANT_STATUSES } from '../../src-shared/domain/status';

const PLANS = ['trial', 'starter', 'professional', 'enterprise'] as const;

function tenant(n: number): TenantDetail {
  const code = `SNP${String(100 + n).padStart(3, '0')}`;
  return {
    id: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`,
    tenantCode: code,
    companyName: n % 3 === 0 ? `Zeta ${n}` : `acme ${n}`,
    subdomain: `snap-${n}`,
    plan: PLANS[n % PLANS.length]!,
    status: TENANT_STATUSES[n % TENANT_STATUSES.length]!,
    createdAt: new Date(Date.UTC(2025, 0, 1) + n * 3_600_000).toISOString(),
    version: 1 + (n % 4),
    adminEmail: `admin${n}@example.com`,
    planVersion: 1,
    planName: 'Plan',
    limits: { companies: 1, usersPerCompany: 5, transactionsPerMonth: null },
    statusReason: null,
    trialEndsAt: null,
    deletionScheduledAt: null,
    server: { id: 'srv', name: 'primary', host: '127.0.0.1', port: 5432 },
    databaseName: `tenant_${code.toLowerCase()}`,
    dbRole: `tenant_${code.toLowerCase()}`,
    updatedAt: '2025-02-01T00:00:00.000Z',
    statusChangedAt: null,
  };
}

const query = (patch: Partial<ChannelParsedInput<'tenants:list'>> = {}): ChannelParsedInput<'tenants:list'> => ({
  sort: 'createdAt',
  direction: 'desc',
  offset: 0,
  limit: 50,
  ...patch,
});

describe('snapshot store (real SQLite)', () => {
  const dirs: string[] = [];
  const caches: LocalCache[] = [];
  const open = async (): Promise<{ cache: LocalCache; store: SnapshotStore }> => {
    const dir = await mkdtemp(join(tmpdir(), 'tc-snapshots-'));
    dirs.push(dir);
    const { cache, status } = openCache({ file: cacheFileIn(dir), logger: createSilentLogger() });
    if (!cache) throw new Error(status.problem ?? 'no cache');
    caches.push(cache);
    return { cache, store: new SnapshotStore(cache.db, { consoleId: cache.consoleId, consoleLabel: `machine-${dirs.length}` }) };
  };
  let store: SnapshotStore;
  const all = Array.from({ length: 60 }, (_, i) => tenant(i + 1));

  beforeEach(async () => {
    ({ store } = await open());
    store.saveTenants(all, '2025-03-01T10:00:00.000Z');
  });
  afterEach(async () => {
    for (const cache of caches.splice(0)) cache.close();
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('filters, searches, sorts and pages in SQLite like the registry query does', () => {
    const visible = all.filter((t) => t.status !== 'deleted');
    const first = store.listTenants('live', query());
    expect(first.total).toBe(visible.length);
    expect(first.snapshot).toEqual({ asOf: '2025-03-01T10:00:00.000Z', source: 'live', sourceConsole: expect.any(String), consoleLabel: 'machine-1' });
    expect(first.rows.map((r) => r.tenantCode)).toEqual([...visible].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, 50).map((t) => t.tenantCode));
    expect(first.rows[0]).not.toHaveProperty('adminEmail');

    const suspendedPro = store.listTenants('live', query({ status: ['suspended'], plan: ['professional', 'trial'], sort: 'tenantCode', direction: 'asc' }));
    const expected = all.filter((t) => t.status === 'suspended' && ['professional', 'trial'].includes(t.plan)).map((t) => t.tenantCode).sort();
    expect(suspendedPro.rows.map((r) => r.tenantCode)).toEqual(expected);
    expect(suspendedPro.total).toBe(expected.length);

    // Case-insensitive search over name, subdomain, code and email; LIKE wildcards are literal.
    expect(store.listTenants('live', query({ search: 'ZETA' })).total).toBe(visible.filter((t) => t.companyName.startsWith('Zeta')).length);
    expect(store.listTenants('live', query({ search: 'admin7@' })).rows.map((r) => r.tenantCode)).toEqual(['SNP107']);
    expect(store.listTenants('live', query({ search: '%' })).total).toBe(0);

    const byName = store.listTenants('live', query({ sort: 'companyName', direction: 'asc', limit: 500 })).rows.map((r) => r.companyName.toLowerCase());
    expect(byName).toEqual([...byName].sort());
    const page2 = store.listTenants('live', query({ offset: 40 }));
    expect(page2.rows).toHaveLength(visible.length - 40);
  });

  it('finds a tenant by code or subdomain, and a row saved later carries its own, newer time', () => {
    expect(store.getTenant('live', 'snp105')).toMatchObject({ tenantCode: 'SNP105', snapshot: { asOf: '2025-03-01T10:00:00.000Z' } });
    expect(store.getTenant('live', 'SNAP-5').tenantCode).toBe('SNP105');
    store.upsertTenant({ ...tenant(5), status: 'suspended', version: 9 }, '2025-03-01T11:00:00.000Z');
    expect(store.getTenant('live', 'SNP105')).toMatchObject({ status: 'suspended', version: 9, snapshot: { asOf: '2025-03-01T11:00:00.000Z' } });
    expect(() => store.getTenant('live', 'NOP999')).toThrow(/No tenant NOP999/);
  });

  it('refuses to answer with nothing saved yet, saying why', async () => {
    const { store: empty } = await open();
    expect(() => empty.listTenants('live', query())).toThrow(/no saved tenants yet/);
    empty.upsertTenant(tenant(1), '2025-03-01T00:00:00.000Z'); // ignored before the first full save
    expect(empty.liveTenantsAt()).toBeNull();
  });

  it(`keeps ${USAGE_SNAPSHOT_DAYS} days of usage and drops older days`, () => {
    const savedAt = '2025-06-30T00:00:00.000Z';
    const day = (back: number) => new Date(Date.parse(savedAt) - back * 86_400_000).toISOString().slice(0, 10);
    const rows = [0, 1, 89, 90, USAGE_SNAPSHOT_DAYS, USAGE_SNAPSHOT_DAYS + 1, 365].map((back) => ({ tenantCode: 'SNP101', day: day(back), metrics: { transactions: back } }));
    store.saveUsageSnapshot(rows, savedAt);
    const kept = store.usage('live', { tenantCode: 'SNP101' });
    expect(kept.rows.map((r) => r.metrics.transactions).sort((a, b) => a! - b!)).toEqual([0, 1, 89, 90, USAGE_SNAPSHOT_DAYS]);
    expect(kept.snapshot.asOf).toBe(savedAt);
  });

  it('exports a file that another machine imports for read-only review; a bad file changes nothing', async () => {
    store.saveOperations('SNP101', [{ id: 'op1', kind: 'provision', state: 'done', step: 'done', startedBy: 'postgres', startedAt: '2025-01-01T00:00:00.000Z', finishedAt: null, error: null, reason: null }], '2025-03-01T10:05:00.000Z');
    store.saveUsageSnapshot([{ tenantCode: 'SNP101', day: '2025-02-28', metrics: { users: 3 } }], '2025-03-01T10:06:00.000Z');
    const { file, fileName } = store.exportLive('2025-03-01T12:00:00.000Z');
    expect(fileName).toBe('tenant-snapshot-machine-1-2025-03-01T10-00-00-000Z.json');

    const { store: other } = await open();
    expect(other.review()).toBeNull();
    const result = other.importFile(JSON.stringify(file), fileName, '2025-03-02T08:00:00.000Z');
    expect(result).toMatchObject({ tenantCount: 60, usageRowCount: 1, review: { consoleLabel: 'machine-1', takenAt: '2025-03-01T10:00:00.000Z', importedAt: '2025-03-02T08:00:00.000Z', fileName } });
    expect(other.listTenants('imported', query({ status: ['active'] }))).toEqual({ ...store.listTenants('live', query({ status: ['active'] })), snapshot: expect.objectContaining({ source: 'imported', consoleLabel: 'machine-1' }) });
    expect(other.listOperations('imported', 'snap-1', 50)).toHaveLength(1);
    expect(other.usage('imported').rows).toEqual([{ tenantCode: 'SNP101', day: '2025-02-28', metrics: { users: 3 } }]);

    const broken = { ...file, tenants: [{ ...file.tenants[0], status: 'hacked' }] };
    expect(() => other.importFile(JSON.stringify(broken), null)).toThrow(/damaged.*status/);
    expect(() => other.importFile('{"format":"something-else"}', null)).toThrow(/Not a Tenant Console snapshot/);
    expect(() => other.importFile('not json', null)).toThrow(/not JSON/);
    expect(other.review()!.importedAt).toBe('2025-03-02T08:00:00.000Z');
    expect(other.listTenants('imported', query()).total).toBe(store.listTenants('live', query()).total);

    other.closeReview();
    expect(other.review()).toBeNull();
    expect(() => other.listTenants('imported', query())).toThrow();
  });
});
