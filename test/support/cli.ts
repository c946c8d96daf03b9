import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
const TENANTCTL = resolve(REPO_ROOT, 'bin/tenantctl.js');

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `tenantctl` as a separate process (bin/tenantctl.js → the bundle), the way an operator
 * or cron would. For where the process matters (SIGKILL, a shared data folder, a real pipe on
 * standard input — `stdin` is written to it —, one smoke run per command group); argument, JSON
 * and exit-code checks use runCliInProcess (run-cli.ts).
 */
export function runTenantctl(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000, stdin?: string): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [TENANTCTL, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // A pipe that ends after `stdin` (`login` reads the password there); at once when there is none.
    // (A command that exits without reading it must not fail the test with EPIPE.)
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin ?? '');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tenantctl ${args.join(' ')} timed out\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}
