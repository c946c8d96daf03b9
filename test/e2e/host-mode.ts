import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { embeddedLayout } from '../../src-main/postgres/embedded-cluster';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/**
 * For specs that stop the database: the console probes every second and, offline, at least
 * every two (the product's 5 s and 15 s cap would make the spec wait on the clock).
 */
export const FAST_PROBE_ENV: Readonly<Record<string, string>> = {
  TENANT_CONSOLE_PROBE_INTERVAL_MS: '1000',
  TENANT_CONSOLE_PROBE_MAX_INTERVAL_MS: '2000',
};

/** Set by global-setup.ts: an initialised, stopped console data folder to copy. */
export const BASE_DATA_DIR_ENV = 'TENANT_CONSOLE_E2E_BASE_DIR';

const URL_LINE = /^Tenant Console host mode: (http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+))$/;
const STDERR_KEEP = 20_000;

export interface HostMode {
  /** The printed URL, token included: opening it signs the browser in. */
  readonly url: string;
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts `tenantctl serve --port 0` on a fresh data folder (embedded PostgreSQL, no external
 * server) and resolves once it prints its URL. The folder is a copy of the run's initialised
 * one (global-setup.ts) when there is one: the same state as a first start, without its cost.
 */
export async function startHostMode(options: { prepare?: (dataDir: string) => Promise<void>; env?: Readonly<Record<string, string>> } = {}): Promise<HostMode> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tenant-console-e2e-'));
  // As root the embedded PostgreSQL runs as `postgres`, which must be able to reach the folder.
  await chmod(dataDir, 0o755);
  const base = process.env[BASE_DATA_DIR_ENV];
  if (base) await copyInitialisedFolder(base, dataDir);
  // E.g. a pre-filled local cache, before the console opens it.
  await options.prepare?.(dataDir);
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, TENANT_CONSOLE_DATA_DIR: dataDir };
  delete env.TENANT_CONSOLE_DATABASE_URL;

  const child = spawn(process.execPath, ['bin/tenantctl.js', 'serve', '--port', '0'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP);
  });

  try {
    const url = await firstLine(child, () => stderr);
    const match = URL_LINE.exec(url);
    if (!match) throw new Error(`serve printed an unexpected first line: ${JSON.stringify(url)}\n${stderr}`);
    return {
      url: match[1]!,
      origin: `http://127.0.0.1:${match[2]}`,
      dataDir,
      stop: () => stopChild(child).finally(() => removeDir(dataDir)),
    };
  } catch (error) {
    await stopChild(child);
    await removeDir(dataDir);
    throw error;
  }
}

const run = promisify(execFile);

/**
 * Copies an initialised data folder, owners and modes kept (the cluster's files belong to
 * the server's account), and gives the copy a port of its own: two workers' copies start
 * at once, and both would otherwise find the base's port free and race for it.
 */
async function copyInitialisedFolder(base: string, dataDir: string): Promise<void> {
  await run('cp', ['-a', `${base}/.`, dataDir]);
  const conf = join(embeddedLayout(dataDir).pgdata, 'conf.d-tenant-console.conf');
  const text = await readFile(conf, 'utf8');
  await writeFile(conf, text.replace(/^port = \d+$/m, `port = ${await freePort()}`));
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

function firstLine(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      reject(new Error(`serve exited (${code ?? signal}) before printing its URL:\n${stderr()}`));
    child.once('exit', onExit);
    child.once('error', reject);
    lines.once('line', (line) => {
      child.off('exit', onExit);
      // Keep reading so the child never blocks on a full stdout pipe.
      lines.on('line', () => undefined);
      resolvePromise(line.trim());
    });
  });
}

/** SIGTERM, so serve stops its embedded PostgreSQL; SIGKILL only if it hangs. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 200 });
}
