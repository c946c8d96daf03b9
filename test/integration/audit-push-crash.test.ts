import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { CRASH_IN_AUDIT_PUSH_ENV, verifyFleetChain } from '../../src-main/audit/platform-audit-store';
import { REPO_ROOT } from '../support/cli';
import { openTempAuditCache, type TempAuditCache } from '../support/audit-cache';
import { platformEvents } from '../support/audit-platform';
import { dropTestPlatform, embeddedTarget, openTestCore, uniquePlatformDatabase } from '../support/servers';

const EVENTS = 1000;
const BATCH = 100;

function runPusher(cacheDir: string, url: string, platformDatabase: string, crash?: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    if (crash) env[CRASH_IN_AUDIT_PUSH_ENV] = crash;
    else delete env[CRASH_IN_AUDIT_PUSH_ENV];
    const child = spawn(process.execPath, ['bin/run-ts.js', 'test/support/audit-push-child.ts', cacheDir, url, platformDatabase, String(BATCH)], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('a SIGKILL in the middle of an audit push', () => {
  let core: ConsoleCore;
  let url: string;
  let t: TempAuditCache;
  const platformDatabase = uniquePlatformDatabase('auditkill');

  beforeAll(async () => {
    url = embeddedTarget().url;
    core = await openTestCore(url, platformDatabase);
    t = await openTempAuditCache();
    await t.fill(EVENTS);
  });
  afterAll(async () => {
    await t?.dispose();
    await core?.close();
    await dropTestPlatform(url, platformDatabase);
  });

  it('neither duplicates nor loses an event, whether the kill comes before or after the commit', async () => {
    const consoleId = t.cache.consoleId;

    const beforeCommit = await runPusher(t.dir, url, platformDatabase, 'before-commit');
    expect(beforeCommit.signal, beforeCommit.stderr).toBe('SIGKILL');
    expect(await platformEvents(core.platform.pool, consoleId)).toEqual([]);

    const afterCommit = await runPusher(t.dir, url, platformDatabase, 'after-commit');
    expect(afterCommit.signal, afterCommit.stderr).toBe('SIGKILL');
    // The batch committed but the process died before marking it sent locally.
    expect((await platformEvents(core.platform.pool, consoleId)).map((row) => row.seq)).toEqual(Array.from({ length: BATCH }, (_, i) => i + 1));

    // The same batch again after the kill: resumed after it, not resent.
    const again = await runPusher(t.dir, url, platformDatabase, 'after-commit');
    expect(again.signal, again.stderr).toBe('SIGKILL');

    const clean = await runPusher(t.dir, url, platformDatabase);
    expect(clean.code, clean.stderr).toBe(0);

    const landed = await platformEvents(core.platform.pool, consoleId);
    const local = t.store.after(0, EVENTS * 2).map((row) => ({ id: row.id, seq: row.seq }));
    expect(landed).toHaveLength(EVENTS);
    expect(landed).toEqual(local);
    expect(await verifyFleetChain(core.platform.pool, consoleId)).toMatchObject({ ok: true, checked: EVENTS });
  });
});
