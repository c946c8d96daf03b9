import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsoleCore, type ConsoleCore } from '../../src-main/app/console-core';
import { cacheFileIn, openCache, type LocalCache } from '../../src-main/cache/open-cache';
import { createSilentLogger } from '../../src-main/logging/logger';
import { SnapshotStore } from '../../src-main/offline/snapshot-store';
import { postgresFold } from '../../src-main/search/sql-fold';
import { listAllTenantDetails } from '../../src-main/tenants/tenant-queries';
import { foldForSearch } from '../../src-shared/domain/search-fold';
import { call, callError } from '../support/core-calls';
import { dropTestPlatform, embeddedTarget, uniquePlatformDatabase } from '../support/servers';

/**
 * Ctrl/⌘-K's channel against real PostgreSQL (online) and the real SQLite cache (offline):
 * accents ignored both ways, the fields it searches, the ranking, invoices by number.
 */
describe('search:everything (embedded PostgreSQL, SQLite snapshot)', () => {
  const platformDatabase = uniquePlatformDatabase('search');
  let url = '';
  let dataDir = '';
  let core: ConsoleCore;
  let cache: LocalCache | null = null;

  const sql = <R extends object = Record<string, unknown>>(text: string, params: unknown[] = []) => core.platform.pool.query<R>(text, params);

  async function registryTenant(code: string, company: string, email: string, status = 'active'): Promise<string> {
    const { rows } = await sql<{ id: string }>(
      `INSERT INTO tenants (tenant_code, company_name, subdomain, admin_email, plan_code, plan_version, status, server_id, database_name, db_role)
       SELECT $1, $2, lower($1), $3, 'starter', 1, $4, (SELECT id FROM servers WHERE is_primary), 'reg_' || lower($1), 'reg_' || lower($1)
       RETURNING id`,
      [code, company, email, status],
    );
    return rows[0]!.id;
  }

  beforeAll(async () => {
    url = embeddedTarget().url;
    dataDir = await mkdtemp(join(tmpdir(), 'console-search-'));
    core = await openConsoleCore({ platformDatabase, mode: 'cli', databaseUrl: url, dataDir, logger: createSilentLogger(), reconcileOnStart: false });
    const muller = await registryTenant('MUL001', 'Müller Bäckerei GmbH', 'owner@mueller.example');
    await registryTenant('SCH001', 'Schmuller Partners', 'ops@schmuller.example');
    await registryTenant('SAO001', 'São Paulo Alimentos', 'jürgen@sao.example');
    await registryTenant('STR001', 'Straße & Söhne', 'info@strasse.example');
    await registryTenant('DEC001', 'Mu\u0308ller Decomposed', 'nfd@decomposed.example');
    await registryTenant('GON001', 'Müller Gone', 'gone@deleted.example', 'deleted');
    await sql(
      `INSERT INTO invoices (tenant_id, source, number, state, currency, subtotal_cents, total_cents, issued_at, created_by)
       VALUES ($1, 'manual', 'INV-2027-0042', 'open', 'USD', 100, 100, now(), 'test')`,
      [muller],
    );
  });

  afterAll(async () => {
    cache?.close();
    await core?.close();
    await dropTestPlatform(url, platformDatabase);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('folds in SQL exactly as foldForSearch does, for ASCII and every character from U+00A0 to U+017F', async () => {
    const chars = Array.from({ length: 0x180 - 0x20 }, (_, index) => String.fromCodePoint(0x20 + index)).filter((char) => !/\p{C}/u.test(char));
    chars.push('Mu\u0308ller', 'Crème Brûlée', 'ŁÓDŹ', 'Straße', 'ﬁnance', 'plain ascii');
    const { rows } = await sql<{ folded: string }>(`SELECT ${postgresFold('c')} AS folded FROM unnest($1::text[]) WITH ORDINALITY AS u(c, n) ORDER BY n`, [chars]);
    const mismatches = chars.filter((char, index) => rows[index]!.folded !== foldForSearch(char));
    expect(mismatches).toEqual([]);
  });

  it('finds "Müller" by typing "Muller", precomposed and decomposed, ranking word starts first and leaving deleted tenants out', async () => {
    const result = await call(core, 'search:everything', { text: 'Muller' });
    expect(result.invoicesSearched).toBe(true);
    expect(result.hits.map((hit) => hit.tenantCode)).toEqual(['MUL001', 'DEC001', 'SCH001']);
    expect(result.hits[0]).toMatchObject({ kind: 'tenant', matchedField: 'companyName', invoiceNumber: null, status: 'active' });
  });

  it('searches codes, subdomains, admin e-mails (accents ignored) and invoice numbers', async () => {
    expect((await call(core, 'search:everything', { text: 'sch001' })).hits[0]).toMatchObject({ tenantCode: 'SCH001', matchedField: 'tenantCode' });
    expect((await call(core, 'search:everything', { text: 'jurgen' })).hits).toMatchObject([{ tenantCode: 'SAO001', matchedField: 'adminEmail' }]);
    expect((await call(core, 'search:everything', { text: 'strasse' })).hits[0]).toMatchObject({ tenantCode: 'STR001', matchedField: 'companyName' });
    expect((await call(core, 'search:everything', { text: 'SAO PAULO' })).hits[0]).toMatchObject({ tenantCode: 'SAO001' });
    const invoice = await call(core, 'search:everything', { text: '2027-0042' });
    expect(invoice.hits).toEqual([
      expect.objectContaining({ kind: 'invoice', tenantCode: 'MUL001', invoiceNumber: 'INV-2027-0042', matchedField: 'invoiceNumber' }),
    ]);
    // LIKE's wildcards are text like any other.
    expect((await call(core, 'search:everything', { text: '%' })).hits).toEqual([]);
    expect((await call(core, 'search:everything', { text: '_' })).hits).toEqual([]);
  });

  it('validates its input in main', async () => {
    expect((await callError(core, 'search:everything', { text: '   ' })).code).toBe('VALIDATION');
    expect((await callError(core, 'search:everything', { text: 'x'.repeat(201) })).code).toBe('VALIDATION');
    expect((await callError(core, 'search:everything', { text: 'a', limit: 500 })).code).toBe('VALIDATION');
    expect((await callError(core, 'search:everything', { text: 'a', sql: 'DROP' })).code).toBe('VALIDATION');
  });

  it('answers from the SQLite snapshot the same way (tenants only)', async () => {
    const opened = openCache({ file: cacheFileIn(dataDir), logger: createSilentLogger() });
    if (!opened.cache) throw new Error(opened.status.problem ?? 'no cache');
    cache = opened.cache;
    const store = new SnapshotStore(cache.db, { consoleId: cache.consoleId, consoleLabel: 'search-test' });
    store.saveTenants(await listAllTenantDetails(core.platform.pool), '2027-01-01T00:00:00.000Z');
    const online = await call(core, 'search:everything', { text: 'muller' });
    const offline = store.searchTenants('live', 'muller', 8);
    expect(offline.rows.map((row) => [row.tenant_code, row.matched_field])).toEqual(online.hits.filter((hit) => hit.kind === 'tenant').map((hit) => [hit.tenantCode, hit.matchedField]));
    expect(offline.snapshot.asOf).toBe('2027-01-01T00:00:00.000Z');
    expect(store.searchTenants('live', 'JURGEN', 8).rows.map((row) => row.tenant_code)).toEqual(['SAO001']);
  });
});
