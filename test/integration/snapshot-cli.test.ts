import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTenantctl } from '../support/cli';
import { runCliInProcess } from '../support/run-cli';
import { dropTestPlatform, embeddedTarget, uniquePlatformDatabase } from '../support/servers';

describe('tenantctl snapshot export | import | close (two machines)', () => {
  let url: string;
  const machines = { a: { dir: '', db: uniquePlatformDatabase('snapa') }, b: { dir: '', db: uniquePlatformDatabase('snapb') } };
  const env = (machine: 'a' | 'b') => ({ TENANT_CONSOLE_DATABASE_URL: url, TENANT_CONSOLE_PLATFORM_DATABASE: machines[machine].db, TENANT_CONSOLE_DATA_DIR: machines[machine].dir });
  const on = (machine: 'a' | 'b', ...args: string[]) => runCliInProcess(args, env(machine));

  beforeAll(async () => {
    url = embeddedTarget().url;
    machines.a.dir = await mkdtemp(join(tmpdir(), 'tc-snap-a-'));
    machines.b.dir = await mkdtemp(join(tmpdir(), 'tc-snap-b-'));
  });
  afterAll(async () => {
    for (const machine of Object.values(machines)) {
      await dropTestPlatform(url, machine.db);
      await rm(machine.dir, { recursive: true, force: true });
    }
  });

  it('exports on one console and reviews it read-only on another until closed', async () => {
    const create = await on('a', 'create', '--company', 'Snapshot Export Ltd', '--subdomain', 'snap-export', '--plan', 'starter', '--email', 'ops@snap.example', '--json');
    expect(create.code, create.stderr).toBe(0);
    const file = join(machines.a.dir, 'review.json');
    // The snapshot group's smoke run through the real bin.
    const exported = await runTenantctl(['snapshot', 'export', file, '--json'], env('a'));
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ file, tenant_count: 1, usage_row_count: 0 });

    const imported = await on('b', 'snapshot', 'import', file, '--json');
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ tenant_count: 1, review: { file_name: 'review.json' } });

    const listed = await on('b', 'list', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    const rows = JSON.parse(listed.stdout);
    expect(JSON.stringify(rows)).toContain('snap-export');

    const refused = await on('b', 'create', '--company', 'Other Ltd', '--subdomain', 'snap-other', '--plan', 'starter', '--email', 'x@snap.example');
    expect(refused.code).toBe(6);
    expect(refused.stderr).toMatch(/^tenantctl: Reviewing snapshot from .+ — read-only/);

    const text = await on('b', 'snapshot', 'import', file);
    expect(text.stdout).toMatch(/^Reviewing snapshot from .+ as of \d{4}-/);

    expect((await on('b', 'snapshot', 'close')).code).toBe(0);
    expect(JSON.stringify(JSON.parse((await on('b', 'list', '--json')).stdout))).not.toContain('snap-export');
  });

  it('refuses a file that is not a snapshot with one line and exit code 2', async () => {
    const bad = join(machines.b.dir, 'bad.json');
    await writeFile(bad, '{"hello": 1}');
    const run = await on('b', 'snapshot', 'import', bad);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('tenantctl: Not a Tenant Console snapshot file (no "format": "tenant-console-snapshot").');
    const missing = await on('b', 'snapshot', 'import', join(machines.b.dir, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Cannot read .*nope\.json/);
  });
});
