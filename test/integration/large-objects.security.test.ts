import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantCredentials } from '../../src-shared/contract/models';
import { call, callError, uniqueTenantInput } from '../support/core-calls';
import { serverCases, useTestPlatform, withAdminClient } from '../support/servers';
import { connectAsTenant } from '../support/tenant-clients';

/**
 * Issue 11, item 4: large objects live outside every table, so the console's backups would
 * leave them out and still say "verified". The tenant may not create one (tenant migration
 * 005), and a database that holds one anyway is refused a backup.
 */
describe.each(await serverCases('large objects'))('large objects on $name', (serverCase) => {
  const platform = useTestPlatform(serverCase, 'lobj');
  let folder: string;
  let tenantCode: string;
  let credentials: TenantCredentials;

  const largeObjects = () =>
    withAdminClient(platform.url, credentials.database, async (admin) =>
      Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_largeobject_metadata')).rows[0]!.n),
    );

  beforeAll(async () => {
    if (serverCase.skip) return;
    folder = await mkdtemp(join(tmpdir(), 'tc-lobj-'));
    await call(platform.core, 'backups:updateSettings', { directory: folder });
    const created = await call(platform.core, 'tenants:create', uniqueTenantInput('starter', 'Blob Maker'));
    tenantCode = created.tenant.tenantCode;
    credentials = created.credentials;
  });
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it.skipIf(serverCase.skip)('refuses the tenant role every way of creating a large object', async () => {
    const file = join(folder, 'payload.bin');
    await writeFile(file, 'hidden from the backup');
    const tenant = await connectAsTenant(credentials);
    try {
      for (const statement of [
        'SELECT lo_creat(-1)',
        'SELECT lo_create(0)',
        'SELECT lo_create(4242421)',
        "SELECT lo_from_bytea(0, '\\x01'::bytea)",
        "SELECT lo_from_bytea(4242422, 'hidden'::bytea)",
        // Server-side import: PostgreSQL already keeps it to superusers; still refused.
        `SELECT lo_import('${file}')`,
        `SELECT lo_import('${file}', 4242423)`,
        // The same functions reached another way.
        'DO $$ BEGIN PERFORM lo_create(0); END $$',
        'SELECT pg_catalog.lo_from_bytea(0, convert_to(current_user, \'UTF8\'))',
      ]) {
        // 42501: permission denied for function lo_…
        await expect(tenant.query(statement), statement).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/permission denied for function lo_/) });
      }
    } finally {
      await tenant.end();
    }

    // Client-side import (psql's \lo_import, libpq's lo_import) calls lo_creat through the
    // fast-path interface, which checks the same EXECUTE privilege. psql is the client
    // every PostgreSQL install has; without it the SQL calls above cover the same function.
    const psql = spawnSync('psql', ['--no-psqlrc', '-X', '-v', 'ON_ERROR_STOP=1', '-c', `\\lo_import '${file}'`], {
      env: { ...process.env, PGHOST: credentials.host, PGPORT: String(credentials.port), PGUSER: credentials.user, PGPASSWORD: credentials.password, PGDATABASE: credentials.database },
      encoding: 'utf8',
      timeout: 20_000,
    });
    if (psql.error && (psql.error as NodeJS.ErrnoException).code === 'ENOENT') {
      console.log('[note] psql is not on PATH: the client-side \\lo_import case ran as its SQL equivalent only');
    } else {
      expect(psql.status, psql.stdout + psql.stderr).not.toBe(0);
      expect(psql.stderr).toMatch(/large object|permission denied/);
    }

    expect(await largeObjects()).toBe(0);
  });

  it.skipIf(serverCase.skip)('refuses to back up a database that holds a large object, with a clear message, and keeps no file', async () => {
    // Made behind the tenant's back (an administrator, or before migration 005).
    await withAdminClient(platform.url, credentials.database, (admin) => admin.query("SELECT lo_from_bytea(0, 'left out of every backup'::bytea)"));
    const filesBefore = await readdir(folder);

    const refused = await callError(platform.core, 'backups:create', { ref: tenantCode });
    expect(refused.code).toBe('INVALID_STATE');
    expect(refused.message).toMatch(new RegExp(`${tenantCode}'s database holds 1 large object .*no backup was made`));
    expect(await call(platform.core, 'backups:list', { ref: tenantCode })).toEqual([]);
    expect(await readdir(folder)).toEqual(filesBefore);
    // The customer's export would miss it just the same: refused too, no file.
    const exportFile = join(folder, 'refused-export.zip');
    const refusedExport = await callError(platform.core, 'backups:export', { ref: tenantCode, file: exportFile });
    expect(refusedExport.message).toMatch(new RegExp(`${tenantCode}'s database holds 1 large object .*no export was made`));
    expect(await readdir(folder)).toEqual(filesBefore);

    // Once removed, the same tenant backs up and verifies.
    await withAdminClient(platform.url, credentials.database, (admin) => admin.query('SELECT lo_unlink(oid) FROM pg_largeobject_metadata'));
    const backup = await call(platform.core, 'backups:create', { ref: tenantCode });
    expect(backup.verifiedAt).not.toBeNull();
    expect(await call(platform.core, 'backups:verify', { backupId: backup.id })).toMatchObject({ ok: true });
  });
});
