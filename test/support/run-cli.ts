import { Readable } from 'node:stream';
import { runCli } from '../../src-main/cli/run-cli';
import type { CliSignal } from '../../src-main/cli/cli-context';
import type { CliRun } from './cli';

export interface InProcessOptions {
  /** What the command reads on standard input (a pipe, not a terminal); default: empty. */
  readonly stdin?: string;
  /** Lets a test deliver Ctrl-C / SIGTERM to this run (`serve` waits for one). */
  readonly signals?: { on(listener: (signal: CliSignal) => void): () => void };
}

/**
 * Runs a `tenantctl` command line inside the test process through runCli: the same
 * parsing, output, JSON and exit codes as the spawned CLI, without a process start.
 * Spawn (support/cli.ts) where the process itself matters: SIGKILL, sharing a data folder.
 */
export async function runCliInProcess(args: readonly string[], env: NodeJS.ProcessEnv, options: InProcessOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    stdin: Object.assign(Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]), { isTTY: false }),
    env: { ...process.env, ...env },
    ...(options.signals ? { onSignal: (listener: (signal: CliSignal) => void) => options.signals!.on(listener) } : {}),
  });
  return { code, signal: null, stdout, stderr };
}
