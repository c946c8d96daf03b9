import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface OsAccount {
  readonly uid: number;
  readonly gid: number;
  readonly name: string;
}

/**
 * PostgreSQL refuses to run as root. When the console runs as root, the embedded server
 * runs as the `postgres` OS user (created if missing, as a system account without login).
 */
export async function postgresRunAs(): Promise<OsAccount | null> {
  if (process.platform === 'win32' || process.getuid?.() !== 0) return null;
  const lookup = async (): Promise<OsAccount> => {
    // /etc/passwd first: every CLI command as root starts here, and two `id` processes cost more
    // than the whole read. `id` still answers for accounts that live elsewhere (NSS, LDAP).
    const local = await passwdEntry('postgres');
    if (local) return local;
    const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
      run('id', ['-u', 'postgres']),
      run('id', ['-g', 'postgres']),
    ]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()), name: 'postgres' };
  };
  try {
    return await lookup();
  } catch {
    try {
      await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    } catch (error) {
      throw new Error(`Running as root needs a 'postgres' OS user for the embedded server, and creating it failed: ${(error as Error).message}`);
    }
    return lookup();
  }
}

async function passwdEntry(name: string): Promise<OsAccount | null> {
  const text = await readFile('/etc/passwd', 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid && gid && /^\d+$/.test(uid) && /^\d+$/.test(gid)) return { uid: Number(uid), gid: Number(gid), name };
  }
  return null;
}

/** The OS user name peer authentication will see for this process. */
export async function currentOsUserName(): Promise<string> {
  const { userInfo } = await import('node:os');
  return userInfo().username;
}
