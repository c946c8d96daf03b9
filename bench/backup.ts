/**
 * Backup and restore of one big tenant, against the floor: a raw `COPY … TO STDOUT` (text)
 * of the same tables into nothing, in the same process, over the same kind of connection.
 * The archive write is measured alone (COPY + SHA-256 + gzip + tar + file) and as the
 * whole backups:create (which also reads the file back to verify it); restore includes
 * its verification passes.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { to as copyTo } from 'pg-copy-streams';
import type { ConsoleCore } from '../src-main/app/console-core';
import { writeArchive } from '../src-main/backup/archive-writer';
import { COPY_SESSION_SQL } from '../src-main/backup/archive-format';
import { columnListSql, discoverTables, tableSql } from '../src-main/backup/table-catalog';
import { withClient } from '../src-main/postgres/pools';
import { seedTenant } from '../test/support/backup-fixtures';
import { table, verdict } from './lib/markdown';

export interface BackupBenchOptions {
  readonly rows: number;
  readonly iterations: number;
  readonly log: (line: string) => void;
}

interface Timing {
  readonly seconds: number;
  readonly bytes: number;
}

export interface BackupBenchResult {
  readonly rows: number;
  readonly rawBytes: number;
  readonly raw: Timing;
  readonly archive: Timing & { fileBytes: number };
  readonly backupCreate: Timing;
  readonly restore: Timing;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function dispatch<T>(core: ConsoleCore, channel: string, input: unknown): Promise<T> {
  const result = await core.dispatch(channel, input, { origin: 'cli' });
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value as T;
}

export async function benchBackup(core: ConsoleCore, options: BackupBenchOptions): Promise<BackupBenchResult> {
  const scratch = await mkdtemp(join(tmpdir(), 'tc-bench-backup-'));
  try {
    await dispatch(core, 'backups:updateSettings', { directory: join(scratch, 'backups') });
    const created = await dispatch<{ tenant: { tenantCode: string; databaseName: string; subdomain: string } }>(core, 'tenants:create', {
      companyName: 'Bench Backup', subdomain: `bench-backup-${Date.now().toString(36)}`, plan: 'enterprise', adminEmail: 'bench@example.com',
    });
    const { tenant } = created;
    options.log(`  seeding ${options.rows.toLocaleString('en-US')} rows…`);
    // seedTenant adds 2,000 users and 2,000 type_zoo rows around the transactions.
    await seedTenant(adminUrl(core), tenant.databaseName, Math.max(1, options.rows - 4_005));
    const endpoint = core.platform.primary.endpoint;

    const raws: Timing[] = [];
    const archives: (Timing & { fileBytes: number })[] = [];
    const creates: Timing[] = [];
    const restores: Timing[] = [];
    for (let i = 0; i < options.iterations; i += 1) {
      options.log(`  iteration ${i + 1}/${options.iterations}: raw COPY`);
      raws.push(
        await withClient(endpoint, tenant.databaseName, async (client) => {
          await client.query(COPY_SESSION_SQL);
          const tables = await discoverTables(client);
          let bytes = 0;
          const started = performance.now();
          for (const t of tables) {
            const sink = new Writable({ write: (chunk: Buffer, _encoding, callback) => ((bytes += chunk.length), callback()) });
            await pipeline(client.query(copyTo(`COPY ${tableSql(t)} (${columnListSql(t.columns)}) TO STDOUT`)), sink);
          }
          return { seconds: (performance.now() - started) / 1000, bytes };
        }),
      );
      options.log('  archive write');
      archives.push(
        await withClient(endpoint, tenant.databaseName, async (client) => {
          const file = join(scratch, `archive-${i}.tcbackup`);
          const started = performance.now();
          const written = await writeArchive(
            client,
            createWriteStream(file),
            { tenant: { id: '-', code: tenant.tenantCode, companyName: 'Bench', subdomain: tenant.subdomain, adminEmail: 'bench@example.com', plan: 'enterprise', planVersion: 1, status: 'active' }, kind: 'manual', madeBy: 'bench', hmacKey: Buffer.alloc(32) },
            () => undefined,
            new AbortController().signal,
          );
          const seconds = (performance.now() - started) / 1000;
          await rm(file, { force: true });
          return { seconds, bytes: written.manifest.totals.bytes, fileBytes: written.sizeBytes };
        }),
      );
      options.log('  backups:create (write + fsync + verify)');
      let started = performance.now();
      const backup = await dispatch<{ id: string; sizeBytes: number; rowCount: number }>(core, 'backups:create', { ref: tenant.tenantCode });
      creates.push({ seconds: (performance.now() - started) / 1000, bytes: raws.at(-1)!.bytes });
      options.log('  backups:restore as a new tenant (verify, load, check)');
      started = performance.now();
      const restored = await dispatch<{ tenantCode: string }>(core, 'backups:restore', { backupId: backup.id, mode: 'as-new', subdomain: `bench-restore-${i}-${Date.now().toString(36)}` });
      restores.push({ seconds: (performance.now() - started) / 1000, bytes: raws.at(-1)!.bytes });
      await dispatch(core, 'tenants:delete', { ref: restored.tenantCode, confirmCode: restored.tenantCode });
    }
    const pick = <T extends Timing>(list: T[]): T => list.find((entry) => entry.seconds === median(list.map((item) => item.seconds)))!;
    return { rows: options.rows, rawBytes: pick(raws).bytes, raw: pick(raws), archive: pick(archives), backupCreate: pick(creates), restore: pick(restores) };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function adminUrl(core: ConsoleCore): string {
  const { connection } = core.platform.primary.endpoint;
  const host = String(connection.host);
  const user = encodeURIComponent(String(connection.user));
  const password = typeof connection.password === 'string' ? `:${encodeURIComponent(connection.password)}` : '';
  return host.startsWith('/')
    ? `postgresql://${user}${password}@127.0.0.1:${connection.port}/postgres?host=${encodeURIComponent(host)}`
    : `postgresql://${user}${password}@${host}:${connection.port}/postgres`;
}

const mbps = (timing: Timing) => timing.bytes / 1024 / 1024 / timing.seconds;

export function backupSection(title: string, result: BackupBenchResult): string {
  const rows = (timing: Timing) => `${Math.round(result.rows / timing.seconds).toLocaleString('en-US')}`;
  const ratio = mbps(result.archive) / mbps(result.raw);
  return [
    `## ${title}`,
    '',
    `${result.rows.toLocaleString('en-US')} rows, ${(result.rawBytes / 1024 / 1024).toFixed(1)} MB of COPY text; archive ${(result.archive.fileBytes / 1024 / 1024).toFixed(1)} MB ` +
      `(${((result.archive.fileBytes / result.rawBytes) * 100).toFixed(0)} % of the text). Median of the iterations; MB/s are of COPY text.`,
    '',
    table(
      ['what', 'seconds', 'MB/s', 'rows/s', 'vs raw COPY'],
      [
        ['raw `COPY … TO STDOUT` into nothing (floor)', result.raw.seconds.toFixed(2), mbps(result.raw).toFixed(1), rows(result.raw), '1.00×'],
        ['archive write (COPY + SHA-256 + gzip 1 + tar + file)', result.archive.seconds.toFixed(2), mbps(result.archive).toFixed(1), rows(result.archive), `${ratio.toFixed(2)}× ${verdict(ratio >= 0.7)} (target ≥ 0.70×)`],
        ['backups:create (write, fsync, read back and verify, catalog)', result.backupCreate.seconds.toFixed(2), mbps(result.backupCreate).toFixed(1), rows(result.backupCreate), `${(mbps(result.backupCreate) / mbps(result.raw)).toFixed(2)}×`],
        ['backups:restore as new (verify file, load, check every table, provision)', result.restore.seconds.toFixed(2), mbps(result.restore).toFixed(1), rows(result.restore), '—'],
      ],
      ['left', 'right', 'right', 'right', 'left'],
    ),
  ].join('\n');
}
