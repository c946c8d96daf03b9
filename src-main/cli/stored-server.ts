import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { resolveDataDir, resolveDatabaseUrl } from '../config/environment';
import { FileSecretStore } from '../secrets/file-secret-store';

/**
 * The server `tenantctl login --server URL` chose, kept for later commands. It lives in the
 * data folder's secret store (the mode-0600 file the core uses), not in a plain file: the
 * URL may hold the server's admin password.
 */
const SERVER_KEY = 'tenantctl:server-url';

function secretStoreOf(env: NodeJS.ProcessEnv): FileSecretStore {
  return new FileSecretStore(join(resolveDataDir(undefined, env), 'secrets.json'));
}

/** `--server`: a postgres:// URL, checked before anything opens. */
export function serverUrlOption(value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value.trim());
  } catch {
    throw new InvalidArgumentError('--server takes a postgres:// URL, e.g. postgres://admin:pw@db.internal:5432/postgres.');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw new InvalidArgumentError('--server must start with postgres:// or postgresql://.');
  return value.trim();
}

/**
 * The server a command opens: TENANT_CONSOLE_DATABASE_URL when set (undefined here: the core
 * reads it), else the one `tenantctl login --server` kept, else none (the embedded server).
 */
export async function storedServerUrl(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (resolveDatabaseUrl(undefined, env) !== null) return undefined;
  return (await keptServerUrl(env)) ?? undefined;
}

/** The server `login --server` kept, whatever the environment says (null: none). */
export async function keptServerUrl(env: NodeJS.ProcessEnv): Promise<string | null> {
  return secretStoreOf(env).get(SERVER_KEY);
}

export async function keepServerUrl(env: NodeJS.ProcessEnv, url: string): Promise<void> {
  await secretStoreOf(env).set(SERVER_KEY, url);
}

/** Forgets the kept server; returns it (null: none was kept). */
export async function forgetServerUrl(env: NodeJS.ProcessEnv): Promise<string | null> {
  const store = secretStoreOf(env);
  const kept = await store.get(SERVER_KEY);
  if (kept !== null) await store.delete(SERVER_KEY);
  return kept;
}

/** host:port of a URL, for messages: never the user or password it may hold. */
export function serverLabel(url: string): string {
  try {
    const parsed = new URL(url);
    return `${decodeURIComponent(parsed.hostname) || '127.0.0.1'}:${parsed.port || '5432'}`;
  } catch {
    return 'a server URL that no longer parses';
  }
}
