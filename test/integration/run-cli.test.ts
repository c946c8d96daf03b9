import { readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { version } from '../../package.json';
import type { CliSignal } from '../../src-main/cli/cli-context';
import { runCliInProcess } from '../support/run-cli';
import { dropTestPlatform, embeddedTarget, uniquePlatformDatabase } from '../support/servers';

const fdTargets = () =>
  readdirSync('/proc/self/fd').map((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return '';
    }
  });
const openFds = () => fdTargets().length;
const openLogFiles = () => fdTargets().filter((target) => target.endsWith('console.log')).length;
// Files and sockets close asynchronously (the log file after an fsync): wait for them to go.
const settled = async () => {
  await expect.poll(openLogFiles, { timeout: 5_000 }).toBe(0);
  return openFds();
};
const signalListeners = () => process.listenerCount('SIGINT') + process.listenerCount('SIGTERM');

/** runCli as a library: one process, many runs, nothing carried from one run to the next. */
describe('runCli in process', () => {
  let url: string;
  let dataDir: string;
  const platformDatabase = uniquePlatformDatabase('runcli');
  const env = () => ({ TENANT_CONSOLE_DATABASE_URL: url, TENANT_CONSOLE_PLATFORM_DATABASE: platformDatabase, TENANT_CONSOLE_DATA_DIR: dataDir });

  beforeAll(async () => {
    url = embeddedTarget().url;
    dataDir = await mkdtemp(join(tmpdir(), 'tc-run-cli-'));
  });
  afterAll(async () => {
    await dropTestPlatform(url, platformDatabase);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers --version and --help on its io with exit code 0', async () => {
    const shown = await runCliInProcess(['--version'], env());
    expect(shown).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    const help = await runCliInProcess(['--help'], env());
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: tenantctl /);
    expect(help.stdout).toContain('serve');
  });

  it('reads its configuration from io.env only, and leaves no file, socket or signal handler behind', async () => {
    // The first run opens the platform (migrations) and loads the libraries: measure after it.
    expect((await runCliInProcess(['list', '--json'], env())).code).toBe(0);
    const fds = await settled();
    const listeners = signalListeners();
    for (let run = 0; run < 3; run += 1) {
      const list = await runCliInProcess(['list', '--json'], env());
      expect(list.code, list.stderr).toBe(0);
      expect(JSON.parse(list.stdout)).toEqual({ tenants: [], total: 0 });
    }
    await expect.poll(settled, { timeout: 5_000 }).toBeLessThanOrEqual(fds);
    expect(signalListeners()).toBe(listeners);
    // Another platform database in the same process: the env of the run decides, not an earlier run's.
    const other = uniquePlatformDatabase('runcli2');
    try {
      const settings = await runCliInProcess(['settings', '--base-domain', 'other.example', '--json'], { ...env(), TENANT_CONSOLE_PLATFORM_DATABASE: other });
      expect(settings.code, settings.stderr).toBe(0);
      expect(JSON.parse((await runCliInProcess(['settings', '--json'], env())).stdout).base_domain).not.toBe('other.example');
    } finally {
      await dropTestPlatform(url, other);
    }
  });

  it('a signal closes the session and ends the run with 130 (SIGINT) or 143 (SIGTERM), quietly', async () => {
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      const fds = await settled();
      // Delivered as soon as the session listens: the core is open, the command under way.
      const signals = { on: (listener: (signal: CliSignal) => void) => (setImmediate(() => listener(signal)), () => undefined) };
      const run = await runCliInProcess(['list', '--json'], env(), { signals });
      expect(run.code).toBe(code);
      expect(run.stderr).toBe('');
      // The interrupted command's core is closed: its log file and connections are gone.
      await expect.poll(settled, { timeout: 5_000 }).toBeLessThanOrEqual(fds);
    }
  });
});
