import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { table, verdict } from './lib/markdown';
import { summarize, type Summary } from './lib/stats';

/**
 * Benchmark 8: how long `tenantctl` takes from the shell — `tenantctl list --json` on a warm
 * data folder (embedded PostgreSQL initialised, not running: each command starts and stops
 * it, as cron would see it) and host mode's ready time (`tenantctl serve` spawned until its
 * URL answers over HTTP). Each figure runs through the bundled CLI (bin/tenantctl.js →
 * out/cli/tenantctl.cjs) and, as the baseline in the same run, through the old path: the same
 * source compiled at start by tsx (bin/run-ts.js src-main/cli/tenantctl.ts). The two are
 * interleaved so load on the machine hits both alike.
 */

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const CLI_TARGETS = { listMs: 800, serveReadyMs: 1_500 } as const;

export type CliPath = 'bundle' | 'tsx';
const PATHS: readonly CliPath[] = ['bundle', 'tsx'];
const PATH_LABELS: Readonly<Record<CliPath, string>> = {
  bundle: 'bundled (bin/tenantctl.js)',
  tsx: 'tsx from source (old path)',
};
const COMMAND: Readonly<Record<CliPath, readonly string[]>> = {
  bundle: ['bin/tenantctl.js'],
  tsx: ['bin/run-ts.js', 'src-main/cli/tenantctl.ts'],
};

export interface CliBenchOptions {
  readonly iterations: number;
  readonly warmup: number;
  readonly log: (line: string) => void;
}

export interface CliBenchResult {
  readonly options: CliBenchOptions;
  readonly list: Readonly<Record<CliPath, Summary>>;
  readonly serve: Readonly<Record<CliPath, Summary>>;
  /** `tenantctl --version`: node start plus loading the CLI, no PostgreSQL. */
  readonly version: Readonly<Record<CliPath, Summary>>;
}

function cliEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TENANT_CONSOLE_DATA_DIR: dataDir };
  // Embedded mode: the server the data folder holds.
  delete env.TENANT_CONSOLE_DATABASE_URL;
  delete env.TENANT_CONSOLE_PLATFORM_DATABASE;
  return env;
}

/** One command to its exit; returns the wall time in ms (a failure fails the benchmark). */
function timeCommand(path: CliPath, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...COMMAND[path], ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const elapsed = performance.now() - started;
      if (code === 0) resolve(elapsed);
      else reject(new Error(`tenantctl ${args.join(' ')} (${path}) exited ${code}: ${stderr}`));
    });
  });
}

/** `tenantctl serve` until its URL answers over HTTP; then SIGTERM and wait for it to stop its server. */
async function timeServeReady(path: CliPath, env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [...COMMAND[path], 'serve', '--port', '0', '--json'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      void exited.then((code) => reject(new Error(`serve (${path}) exited ${code} before it was ready: ${stderr}`)));
    });
    const { url } = JSON.parse(line) as { url: string };
    const response = await fetch(url, { redirect: 'manual' });
    await response.arrayBuffer();
    if (response.status >= 400) throw new Error(`serve (${path}) answered ${response.status}`);
    return performance.now() - started;
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** Interleaved rounds, the order rotated each round; warm-up rounds are not kept. */
async function rounds(options: CliBenchOptions, label: string, measure: (path: CliPath) => Promise<number>): Promise<Record<CliPath, Summary>> {
  const samples: Record<CliPath, number[]> = { bundle: [], tsx: [] };
  for (let round = 0; round < options.warmup + options.iterations; round += 1) {
    const order = round % 2 === 0 ? PATHS : [...PATHS].reverse();
    for (const path of order) {
      const ms = await measure(path);
      if (round >= options.warmup) samples[path].push(ms);
    }
  }
  options.log(`  ${label}: bundle median ${summarize(samples.bundle).median.toFixed(0)} ms, tsx median ${summarize(samples.tsx).median.toFixed(0)} ms`);
  return { bundle: summarize(samples.bundle), tsx: summarize(samples.tsx) };
}

export async function benchCliStartup(options: CliBenchOptions): Promise<CliBenchResult> {
  // Host mode serves the built renderer; build it (and the CLI bundle, via its bin) if missing.
  if (!existsSync(join(REPO_ROOT, 'out/renderer/index.html'))) {
    options.log('  building the renderer for host mode (node scripts/build.mjs --renderer-only)…');
    const build = spawnSync(process.execPath, ['scripts/build.mjs', '--renderer-only'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('building the renderer failed');
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'tc-bench-cli-'));
  // As root the embedded PostgreSQL runs as `postgres`, which must be able to reach the folder.
  await chmod(dataDir, 0o755);
  const env = cliEnv(dataDir);
  try {
    // Warms the data folder: initdb, the platform database and its migrations, the bundle built.
    await timeCommand('bundle', ['list', '--json'], env);
    const version = await rounds(options, 'tenantctl --version', (path) => timeCommand(path, ['--version'], env));
    const list = await rounds(options, 'tenantctl list --json', (path) => timeCommand(path, ['list', '--json'], env));
    const serve = await rounds(options, 'tenantctl serve ready', (path) => timeServeReady(path, env));
    return { options, list, serve, version };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

const ms = (value: number) => value.toFixed(0);

export function cliSummaryRows(result: CliBenchResult): string[][] {
  return [
    ['CLI: `tenantctl list --json`, warm data folder (median)', `${ms(result.list.bundle.median)} ms`, `≤ ${CLI_TARGETS.listMs} ms`, verdict(result.list.bundle.median <= CLI_TARGETS.listMs)],
    ['CLI: host mode ready, `tenantctl serve` until it answers (median)', `${ms(result.serve.bundle.median)} ms`, `≤ ${CLI_TARGETS.serveReadyMs} ms`, verdict(result.serve.bundle.median <= CLI_TARGETS.serveReadyMs)],
  ];
}

export function cliSection(title: string, result: CliBenchResult): string {
  const row = (label: string, figures: Readonly<Record<CliPath, Summary>>) =>
    PATHS.map((path) => [label, PATH_LABELS[path], ms(figures[path].median), ms(figures[path].p95), ms(figures[path].min), path === 'bundle' ? `${(figures.tsx.median / figures.bundle.median).toFixed(2)}×` : '—']);
  return [
    `## ${title}`,
    '',
    `${result.options.iterations} measured runs per path after ${result.options.warmup} warm-up, interleaved; wall time of the spawned process (ms). ` +
      'Each `list` and `serve` starts and stops the embedded PostgreSQL of a warm data folder.',
    '',
    table(
      ['Command', 'path', 'median', 'p95', 'min', 'tsx ÷ bundle'],
      [...row('`tenantctl --version`', result.version), ...row('`tenantctl list --json`', result.list), ...row('`tenantctl serve` until it answers', result.serve)],
      ['left', 'left', 'right', 'right', 'right', 'right'],
    ),
  ].join('\n');
}
