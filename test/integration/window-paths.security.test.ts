import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { call, uniqueTenantInput } from '../support/core-calls';
import { dropTestPlatform, embeddedTarget, openTestCore, uniquePlatformDatabase } from '../support/servers';

/**
 * A window (the desktop renderer, or a browser in host mode — perhaps a support operator's)
 * names files only inside the backup folder: it must never make the console read or write
 * an arbitrary file of its OS user (the secrets file, ~/.bashrc). The CLI is the operator
 * at a shell and may name any path.
 */
describe('files named by a window stay inside the backup folder', () => {
  const platformDatabase = uniquePlatformDatabase('winpaths');
  let core: ConsoleCore;
  let folder: string;
  let outside: string;
  let code: string;

  beforeAll(async () => {
    const url = embeddedTarget().url;
    core = await openTestCore(url, platformDatabase);
    folder = await mkdtemp(join(tmpdir(), 'tc-winpaths-backups-'));
    outside = await mkdtemp(join(tmpdir(), 'tc-winpaths-outside-'));
    await call(core, 'backups:updateSettings', { directory: folder });
    code = (await call(core, 'tenants:create', uniqueTenantInput('starter', 'Window Paths'))).tenant.tenantCode;
  });
  afterAll(async () => {
    await core?.close();
    await dropTestPlatform(embeddedTarget().url, platformDatabase);
    await rm(folder, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it.each(['host', 'ipc'] as const)('refuses an export written outside it from %s, and writes none', async (origin) => {
    for (const file of [join(outside, 'export.zip'), join(folder, '..', `${code}-escape.zip`), join(core.dataDir, 'secrets.json')]) {
      const answer = await core.dispatch('backups:export', { ref: code, file }, { origin });
      expect(answer).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: `Exports are written to the backup folder (${folder}) only.` } });
    }
    expect(await readdir(outside)).toEqual([]);
    expect((await stat(join(core.dataDir, 'secrets.json'))).size).toBeGreaterThan(0);
  });

  it('writes an export inside it from a window, and anywhere from the CLI', async () => {
    const inside = await core.dispatch('backups:export', { ref: code, file: join(folder, `${code}-export.zip`) }, { origin: 'host' });
    expect(inside).toMatchObject({ ok: true, value: { file: join(folder, `${code}-export.zip`) } });
    const fromShell = await core.dispatch('backups:export', { ref: code, file: join(outside, 'by-cli.zip') }, { origin: 'cli' });
    expect(fromShell).toMatchObject({ ok: true });
    expect(await readdir(outside)).toEqual(['by-cli.zip']);
  });

  it('refuses to verify a file outside it from a window', async () => {
    const answer = await core.dispatch('backups:verify', { file: join(core.dataDir, 'secrets.json') }, { origin: 'host' });
    expect(answer).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: `Backups are read from the backup folder (${folder}) only.` } });
  });
});
