import { formatFields, formatJson, formatTable, type FieldRows } from './output';

export type CliSignal = 'SIGINT' | 'SIGTERM';

export interface CliWriter {
  write(text: string): unknown;
  /** Progress lines go to stderr only when it is a terminal. */
  readonly isTTY?: boolean;
}

export type CliReader = AsyncIterable<Buffer | string> & {
  readonly isTTY?: boolean;
  /** A terminal's raw mode: typed keys arrive one by one and are not echoed (password prompts). */
  setRawMode?(raw: boolean): unknown;
};

/**
 * Everything a CLI run touches outside itself: the process's streams, environment and
 * signals for `tenantctl`, buffers and a plain object for an in-process run (tests).
 */
export interface CliIo {
  readonly stdout: CliWriter;
  readonly stderr: CliWriter;
  readonly stdin: CliReader;
  /** TENANT_CONSOLE_* settings are read from here, never from process.env. */
  readonly env: NodeJS.ProcessEnv;
  /** Ctrl-C and SIGTERM (one delivery per subscription); without it a run is never interrupted. */
  onSignal?(listener: (signal: CliSignal) => void): () => void;
}

export const SIGNAL_EXIT_CODES: Readonly<Record<CliSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

/** One run's state: its io, its exit code and whether a signal ended it. Nothing outlives the run. */
export class CliContext {
  /** Set by a command that finished but failed a check (audit verify, plan move, …); errors set theirs in runCli. */
  exitCode = 0;
  readonly interrupted: Promise<number>;
  #interruptedWith: number | null = null;
  #interrupt!: (code: number) => void;

  constructor(readonly io: CliIo) {
    this.interrupted = new Promise((resolve) => (this.#interrupt = resolve));
  }

  get wasInterrupted(): boolean {
    return this.#interruptedWith !== null;
  }

  /** Ends the run with this exit code now (a signal arrived and the session has closed). */
  interrupt(code: number): void {
    this.#interruptedWith ??= code;
    this.#interrupt(code);
  }

  onSignal(listener: (signal: CliSignal) => void): () => void {
    return this.io.onSignal?.(listener) ?? (() => undefined);
  }

  out(text: string): void {
    this.io.stdout.write(text);
  }

  err(text: string): void {
    this.io.stderr.write(text);
  }

  printJson(value: unknown): void {
    this.out(formatJson(value));
  }

  printTable(headers: readonly string[], rows: readonly (readonly string[])[]): void {
    this.out(formatTable(headers, rows));
  }

  printFields(fields: FieldRows): void {
    this.out(formatFields(fields));
  }
}
