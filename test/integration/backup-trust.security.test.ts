import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKUP_HMAC_SECRET, signManifest } from '../../src-main/backup/manifest-signature';
import { signedWithAnotherKey, tamperManifest, withoutSignature } from '../support/archive-repack';
import { leftoverRestoreDatabases, tenantAdminClient } from '../support/backup-fixtures';
import { call, callError, uniqueTenantInput } from '../support/core-calls';
import { embeddedTarget, useTestPlatform } from '../support/servers';

/**
 * Issue 11, item 8: a backup file on shared storage is only as trustworthy as its manifest.
 * A recomputed manifest.sha256 proves nothing; every manifest field is held to the
 * contract's rules, the manifest carries an HMAC with the console's key, and every counter
 * is rebuilt from the data after a load.
 */
describe('a restore trusts nothing in the backup file but what it can check', () => {
  const platform = useTestPlatform({ name: 'embedded PostgreSQL', target: embeddedTarget, skip: false }, 'trust');
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tc-trust-'));
    await call(platform.core, 'backups:updateSettings', { directory: folder });
  });
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  const tenantCount = async () => (await call(platform.core, 'tenants:list', { limit: 500 })).total;
  const leftovers = () => leftoverRestoreDatabases(platform.core.platform.pool, platform.core.platform.primary.adminPool);

  it('refuses a manifest with control characters in the company name or a CR/LF Bcc: in the admin e-mail, checksum recomputed', async () => {
    const { tenant } = await call(platform.core, 'tenants:create', uniqueTenantInput('starter', 'Honest Books'));
    const backup = await call(platform.core, 'backups:create', { ref: tenant.tenantCode });
    const cases = [
      { name: 'control.tcbackup', change: (m: { tenant: Record<string, unknown> }) => void (m.tenant.companyName = 'Evil\u0007Corp\u001b[2J'), expected: /tenant\.companyName.*control/ },
      { name: 'bcc.tcbackup', change: (m: { tenant: Record<string, unknown> }) => void (m.tenant.adminEmail = 'boss@example.com\r\nBcc: thief@evil.example'), expected: /tenant\.adminEmail.*not a valid address/ },
      { name: 'subdomain.tcbackup', change: (m: { tenant: Record<string, unknown> }) => void (m.tenant.subdomain = 'admin'), expected: /tenant\.subdomain.*reserved/ },
      { name: 'code.tcbackup', change: (m: { tenant: Record<string, unknown> }) => void (m.tenant.plan = "starter'; DROP TABLE tenants; --"), expected: /tenant\.plan/ },
    ];
    const before = await tenantCount();
    for (const crafted of cases) {
      const file = join(folder, crafted.name);
      // Unsigned: the attacker drops the signature it cannot recompute.
      await tamperManifest(backup.location, file, crafted.change, 'drop');
      const report = await call(platform.core, 'backups:verify', { file });
      expect(report, crafted.name).toMatchObject({ ok: false, problem: expect.stringMatching(crafted.expected) });
      const refused = await callError(platform.core, 'backups:restore', { file, mode: 'as-new', subdomain: `r-${Date.now().toString(36)}` });
      expect(refused.code, crafted.name).toBe('VALIDATION');
      expect(refused.message, crafted.name).toMatch(/refused, nothing was touched/);
      expect(refused.message, crafted.name).toMatch(crafted.expected);
      // The crafted value is named, never echoed into the message.
      expect(refused.message).not.toMatch(/thief|Evil|DROP/);
    }
    expect(await tenantCount()).toBe(before);
    const { rows } = await platform.core.platform.pool.query("SELECT 1 FROM tenants WHERE admin_email ILIKE '%evil%' OR company_name ~ '[[:cntrl:]]'");
    expect(rows).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  it('signs every archive: verify reports signed; a changed manifest with a recomputed sha256 but no key is refused (wrong HMAC)', async () => {
    const { tenant } = await call(platform.core, 'tenants:create', uniqueTenantInput('starter', 'Signed Sealed'));
    const backup = await call(platform.core, 'backups:create', { ref: tenant.tenantCode });
    expect(await platform.core.billing.secrets.get(BACKUP_HMAC_SECRET)).toMatch(/^[0-9a-f]{64}$/);
    expect(await call(platform.core, 'backups:verify', { backupId: backup.id })).toMatchObject({ ok: true, signature: 'signed' });
    expect(await call(platform.core, 'backups:verify', { file: backup.location })).toMatchObject({ ok: true, signature: 'signed' });

    // A plausible change (valid values, so only the signature can catch it): another plan and e-mail.
    const altered = join(folder, 'altered.tcbackup');
    await tamperManifest(backup.location, altered, (manifest) => {
      manifest.tenant.plan = 'enterprise';
      manifest.tenant.adminEmail = 'thief@evil.example';
    }, 'keep');
    const report = await call(platform.core, 'backups:verify', { file: altered });
    expect(report).toMatchObject({ ok: false, signature: null, problem: expect.stringMatching(/wrong HMAC/) });
    const before = await tenantCount();
    const refused = await callError(platform.core, 'backups:restore', { file: altered, mode: 'as-new', subdomain: `r-${Date.now().toString(36)}` });
    expect(refused).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/refused, nothing was touched.*wrong HMAC/) });
    const inPlace = await callError(platform.core, 'backups:restore', { file: altered, mode: 'in-place' });
    expect(inPlace.code).toBe('VALIDATION');
    expect(await tenantCount()).toBe(before);
    expect((await call(platform.core, 'backups:list', { ref: tenant.tenantCode })).map((b) => b.kind)).toEqual(['manual']);
    expect(await leftovers()).toEqual([]);
  });

  it('restores an older, unsigned archive and reports it unsigned (another installation\'s signature: unknown-key); with backup_require_signed both are refused', async () => {
    const { tenant } = await call(platform.core, 'tenants:create', uniqueTenantInput('starter', 'Old Faithful'));
    const backup = await call(platform.core, 'backups:create', { ref: tenant.tenantCode });
    const old = join(folder, 'unsigned.tcbackup');
    await withoutSignature(backup.location, old);
    const foreign = join(folder, 'foreign.tcbackup');
    const otherKey = randomBytes(32);
    await signedWithAnotherKey(backup.location, foreign, (manifest) => signManifest(otherKey, manifest));

    expect(await call(platform.core, 'backups:verify', { file: old })).toMatchObject({ ok: true, problem: null, signature: 'unsigned', tenantCode: tenant.tenantCode });
    expect(await call(platform.core, 'backups:verify', { file: foreign })).toMatchObject({ ok: true, problem: null, signature: 'unknown-key' });
    const restored = await call(platform.core, 'backups:restore', { file: old, mode: 'as-new', subdomain: `${tenant.subdomain}-old` });
    expect(restored).toMatchObject({ mode: 'as-new' });

    expect(await call(platform.core, 'backups:updateSettings', { requireSigned: true })).toMatchObject({ requireSigned: true });
    try {
      expect(await call(platform.core, 'backups:verify', { file: old })).toMatchObject({ ok: false, signature: 'unsigned', problem: expect.stringMatching(/unsigned.*requires signed/) });
      const refused = await callError(platform.core, 'backups:restore', { file: old, mode: 'in-place' });
      expect(refused).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/unsigned/) });
      expect(await call(platform.core, 'backups:verify', { file: foreign })).toMatchObject({ ok: false, signature: 'unknown-key', problem: expect.stringMatching(/another console's key/) });
      const foreignRefused = await callError(platform.core, 'backups:restore', { file: foreign, mode: 'in-place' });
      expect(foreignRefused).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/another console's key.*requires signed/) });
      // Signed archives still restore.
      expect(await call(platform.core, 'backups:restore', { backupId: backup.id, mode: 'in-place' })).toMatchObject({ mode: 'in-place', tenantCode: tenant.tenantCode });
    } finally {
      await call(platform.core, 'backups:updateSettings', { requireSigned: false });
    }
    expect(await leftovers()).toEqual([]);
  });

  it('rebuilds every counter from the data after a restore: a crafted future-month counter row does not survive', async () => {
    const { tenant } = await call(platform.core, 'tenants:create', uniqueTenantInput('professional', 'Counter Craft'));
    const admin = await tenantAdminClient(platform.url, tenant.databaseName);
    try {
      await admin.query(`
        INSERT INTO erp.companies (name) VALUES ('North'), ('South');
        INSERT INTO erp.users (company_id, email) VALUES (1, 'a@example.com'), (1, 'b@example.com'), (2, 'c@example.com');
        INSERT INTO erp.transactions (company_id, user_id, amount, occurred_at) SELECT 1, 1, g, now() FROM generate_series(1, 7) g;`);
      // What a crafted file carries (loaded with triggers off): next month already "used" —
      // every key the data has is right, so only a recount of every row removes it.
      await admin.query("INSERT INTO platform.counters (resource, period, slot, used) VALUES ('transactions', platform.current_period() + interval '1 month', 0, 9999)");
    } finally {
      await admin.end();
    }
    const backup = await call(platform.core, 'backups:create', { ref: tenant.tenantCode });

    const countersOf = async (database: string) => {
      const client = await tenantAdminClient(platform.url, database);
      try {
        const counted = await client.query<{ key: string; used: number }>(
          `SELECT resource || '/' || scope || '/' || period AS key, sum(used)::int AS used FROM platform.counters
            GROUP BY resource, scope, period HAVING sum(used) <> 0 ORDER BY 1`,
        );
        // The recount, from the rows: companies; users per company; transactions per month.
        const truth = await client.query<{ key: string; used: number }>(
          `SELECT key, used FROM (
             SELECT 'companies/0/-infinity' AS key, count(*)::int AS used FROM erp.companies
             UNION ALL SELECT 'users/' || company_id || '/-infinity', count(*)::int FROM erp.users GROUP BY company_id
             UNION ALL SELECT 'transactions/0/' || date_trunc('month', created_at AT TIME ZONE 'UTC')::date, count(*)::int FROM erp.transactions GROUP BY 1
           ) t WHERE used <> 0 ORDER BY 1`,
        );
        return { counted: counted.rows, truth: truth.rows };
      } finally {
        await client.end();
      }
    };

    const restored = await call(platform.core, 'backups:restore', { backupId: backup.id, mode: 'as-new', subdomain: `${tenant.subdomain}-cnt` });
    const copy = await countersOf(restored.databaseName);
    expect(copy.truth).toHaveLength(4);
    expect(copy.counted).toEqual(copy.truth);

    await call(platform.core, 'backups:restore', { backupId: backup.id, mode: 'in-place' });
    const inPlace = await countersOf(tenant.databaseName);
    expect(inPlace.counted).toEqual(inPlace.truth);
    // The limits act on the true counts: company 1 has 2 users of professional's 20.
    const limits = await call(platform.core, 'tenants:limits', { ref: tenant.tenantCode });
    expect(limits.resources.find((entry) => entry.resource === 'transactions')).toMatchObject({ current: 7 });
  });
});
