import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../base/app-error';
import type { TenantServer } from '../platform/platform-context';
import { assertConsoleIdentifier } from '../postgres/identifiers';
import { LONG_TENANT_WORK } from '../postgres/pools';
import { findMatchingPgDump, serverMajor } from './backup-settings';
import { HashingStream } from './hashing-stream';

/**
 * The extra format: pg_dump's custom format, offered only where a pg_dump of the server's
 * major version is on PATH. Its catalog row has no per-table figures (pg_dump keeps its
 * own table of contents); restore of this format is pg_restore's job, outside the console.
 */
export async function writePgDump(server: TenantServer, database: string, out: Writable, signal: AbortSignal): Promise<{ sha256: string; sizeBytes: number }> {
  const binary = await findMatchingPgDump(await serverMajor(server.adminPool));
  if (!binary) throw new AppError('VALIDATION', 'No pg_dump matching this server\'s major version is on PATH: use the console\'s own format.');
  const { host, port, user, password } = server.endpoint.connection;
  const child = spawn(binary, ['--format=custom', '--compress=1', '--no-password', `--lock-wait-timeout=${LONG_TENANT_WORK.lockMs}`, `--dbname=${assertConsoleIdentifier(database, 'database name')}`], {
    env: { ...process.env, PGHOST: String(host), PGPORT: String(port), PGUSER: String(user), ...(typeof password === 'string' ? { PGPASSWORD: password } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
    signal,
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()).slice(-2000));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const file = new HashingStream();
  await pipeline(child.stdout, file, out);
  const code = await exited;
  if (code !== 0) throw new Error(`pg_dump exited with ${code}: ${stderr.trim().slice(0, 500)}`);
  return { sha256: file.digest(), sizeBytes: file.bytes };
}
