import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { ENV } from '../config/environment';

export type { Logger };

/**
 * Logs go to a file in the data folder, never to stdout: the CLI's stdout is for its
 * output (and --json consumers), the renderer never sees stacks.
 */
export function createFileLogger(dataDir: string, name: string): Logger {
  return openFileLog(dataDir, name).logger;
}

/** A file logger and the way to close its file (for owners that outlive their logger: tests, in-process CLI runs). */
export function openFileLog(dataDir: string, name: string, env: NodeJS.ProcessEnv = process.env): { logger: Logger; close(): void } {
  const folder = join(dataDir, 'logs');
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  // Logs name tenants and operators: owner only, also for a file an older version made 0644.
  const file = join(folder, 'console.log');
  if (existsSync(file)) chmodSync(file, 0o600);
  // Synchronous writes: a console logs little, and a process that exits early (a failed
  // start-up, a one-off CLI command) must not lose or choke on a pending buffer.
  const destination = pino.destination({ dest: file, sync: true, mkdir: true, mode: 0o600 });
  const logger = pino({ name, level: env[ENV.logLevel] ?? 'info', redact: ['password', '*.password', 'credentials.password'] }, destination);
  let closed = false;
  return {
    logger,
    close() {
      if (closed) return;
      closed = true;
      // A late line (a timer firing after close) becomes a no-op instead of a write to a closed file.
      logger.level = 'silent';
      destination.flushSync();
      destination.end();
    },
  };
}

export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
