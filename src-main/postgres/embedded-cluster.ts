import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { access, chmod, chown, mkdir, readFile, readdir, rm, stat, writeFile, constants } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, parse } from 'node:path';
import { promisify } from 'node:util';
import lockfile from 'proper-lockfile';
import type { Logger } from 'pino';
import { testServerSettings } from '../config/environment';
import type { SecretStore } from '../secrets/secret-store';
import { loadPostgresBinaries, type PostgresBinaries } from './postgres-binaries';
import { currentOsUserName, postgresRunAs, type OsAccount } from './os-user';
import type { ServerEndpoint } from './server-endpoint';

const run = promisify(execFile);

export const EMBEDDED_SUPERUSER = 'postgres';

/**
 * Slots of max_connections only superusers may take. Every console process (app, host
 * mode, CLI) connects to the embedded server as its superuser, tenants never do: however
 * many sessions the tenants open (each role is capped by its plan, but the caps add up past
 * max_connections), the console still gets these. The console's pools hold up to 16
 * (platform 10, admin 6) plus a few short tenant sessions per process. reserved_connections
 * (PostgreSQL 16+, for members of pg_use_reserved_connections) is not needed: the console's
 * role is a superuser.
 */
export const CONSOLE_RESERVED_CONNECTIONS = 40;
export const EMBEDDED_MAX_CONNECTIONS = 300;
export const EMBEDDED_PASSWORD_SECRET = 'embedded-postgres-superuser-password';

/** Where the embedded cluster lives inside the console's data folder. */
export function embeddedLayout(dataDir: string) {
  const root = join(dataDir, 'pg');
  return {
    root,
    pgdata: join(root, 'data'),
    socketDir: join(root, 'run'),
    serverLog: join(root, 'server.log'),
    lockTarget: join(dataDir, 'pg.lock'),
    leases: join(dataDir, 'pg-leases'),
  };
}

interface PostmasterState {
  readonly pid: number;
  readonly port: number;
  readonly socketDir: string;
  readonly status: string;
}

/** postmaster.pid is the server's own record of itself: pid, data dir, start, port, socket dir, …, status. */
export async function readPostmasterState(pgdata: string): Promise<PostmasterState | null> {
  let text: string;
  try {
    text = await readFile(join(pgdata, 'postmaster.pid'), 'utf8');
  } catch {
    return null;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return null;
  return { pid, port, socketDir: lines[4]?.trim() ?? '', status: lines[7]?.trim() ?? '' };
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface EmbeddedClusterOptions {
  readonly dataDir: string;
  readonly secretStore: SecretStore;
  readonly logger: Logger;
  /**
   * `-c name=value` settings for this start of the server, not written to its configuration
   * (a later durable start is unaffected). Default: testServerSettings() — empty outside tests.
   */
  readonly serverSettings?: Readonly<Record<string, string>>;
}

/**
 * The console's own PostgreSQL, shared by every console process (app, host mode, CLI) that
 * uses the same data folder:
 * - start/attach happens under a cross-process file lock, so two starters never race;
 * - the server runs detached (pg_ctl), owned by no single Node process;
 * - each user holds a lease file; whoever releases the last live lease stops the server, so
 *   a one-off CLI command that started it stops it again, and nothing is left behind.
 * Local console processes connect through the cluster's private Unix socket with peer
 * authentication (mapped to the superuser); TCP needs a password (SCRAM) — the generated
 * superuser password is kept in the secret store, never in a plain file others can read.
 */
export class EmbeddedCluster {
  readonly #options: EmbeddedClusterOptions;
  readonly #layout: ReturnType<typeof embeddedLayout>;
  readonly #serverSettings: Readonly<Record<string, string>>;
  #leaseFile: string | null = null;
  #endpoint: ServerEndpoint | null = null;
  #binaries: PostgresBinaries | null = null;
  #runAs: OsAccount | null = null;

  constructor(options: EmbeddedClusterOptions) {
    this.#options = options;
    this.#layout = embeddedLayout(options.dataDir);
    this.#serverSettings = options.serverSettings ?? testServerSettings();
  }

  get endpoint(): ServerEndpoint {
    if (!this.#endpoint) throw new Error('The embedded server is not started.');
    return this.#endpoint;
  }

  async acquire(): Promise<ServerEndpoint> {
    this.#binaries = await loadPostgresBinaries();
    this.#runAs = await postgresRunAs();
    await this.#prepareFolders();
    const release = await this.#lock();
    try {
      let state = await this.#runningState();
      if (!state) {
        if (!existsSync(join(this.#layout.pgdata, 'PG_VERSION'))) await this.#initialise();
        await this.#start();
        state = await this.#runningState();
        if (!state) throw new Error(`The embedded PostgreSQL did not start; see ${this.#layout.serverLog}.`);
        this.#options.logger.info({ port: state.port }, 'embedded postgres started');
      } else {
        this.#options.logger.info({ port: state.port }, 'embedded postgres already running, attaching');
      }
      await this.#takeLease();
      this.#endpoint = await this.#endpointFor(state);
      return this.#endpoint;
    } finally {
      await release();
    }
  }

  /** Drops this process's lease; stops the server when no other live process holds one. */
  async release(): Promise<{ stopped: boolean }> {
    if (!this.#leaseFile) return { stopped: false };
    const unlock = await this.#lock();
    try {
      await rm(this.#leaseFile, { force: true });
      this.#leaseFile = null;
      const others = await this.#liveLeases();
      if (others.length > 0) return { stopped: false };
      const state = await this.#runningState();
      if (!state) return { stopped: false };
      await this.#pgCtl(['stop', '-D', this.#layout.pgdata, '-m', 'fast', '-w', '-t', '60']);
      this.#options.logger.info('embedded postgres stopped (last user released it)');
      return { stopped: true };
    } finally {
      await unlock();
    }
  }

  /** Stops the server whoever holds leases: for tests that simulate an outage. */
  async forceStop(): Promise<void> {
    if (await this.#runningState()) await this.#pgCtl(['stop', '-D', this.#layout.pgdata, '-m', 'fast', '-w', '-t', '60']);
  }

  async #prepareFolders(): Promise<void> {
    const { dataDir } = this.#options;
    await mkdir(dataDir, { recursive: true, mode: 0o711 });
    await mkdir(this.#layout.leases, { recursive: true, mode: 0o700 });
    if (this.#runAs) {
      // The server's account must pass through the data folder (search only, no listing):
      // everything inside that matters is protected on its own (secrets 0600, logs 0700).
      const info = await stat(dataDir);
      if (info.uid === process.getuid?.() && (info.mode & 0o001) === 0) await chmod(dataDir, (info.mode & 0o777) | 0o001);
      await this.#assertReachableBy(dataDir, this.#runAs);
      await mkdir(this.#layout.root, { recursive: true, mode: 0o700 });
      await chown(this.#layout.root, this.#runAs.uid, this.#runAs.gid);
      await chmod(this.#layout.root, 0o700);
    } else {
      await mkdir(this.#layout.root, { recursive: true, mode: 0o700 });
    }
  }

  /** As root the server runs as `postgres`, which must be able to walk down to the data folder. */
  async #assertReachableBy(folder: string, account: OsAccount): Promise<void> {
    let current = folder;
    const { root } = parse(folder);
    while (current !== root) {
      const info = await stat(current);
      const searchable = info.uid === account.uid ? (info.mode & 0o100) !== 0 : (info.mode & 0o001) !== 0 || (info.gid === account.gid && (info.mode & 0o010) !== 0);
      if (!searchable) {
        throw new Error(
          `The embedded PostgreSQL runs as the '${account.name}' OS user, which cannot enter ${current}. ` +
            `Choose a data folder it can reach (set TENANT_CONSOLE_DATA_DIR, e.g. /var/lib/tenant-console) or run 'chmod o+x ${current}'.`,
        );
      }
      current = dirname(current);
    }
  }

  async #lock(): Promise<() => Promise<void>> {
    const target = this.#layout.lockTarget;
    if (!existsSync(target)) await writeFile(target, '', { mode: 0o600, flag: 'a' });
    return lockfile.lock(target, { stale: 20_000, update: 5_000, retries: { retries: 600, minTimeout: 50, maxTimeout: 500 } });
  }

  async #runningState(): Promise<PostmasterState | null> {
    const state = await readPostmasterState(this.#layout.pgdata);
    if (!state || !isProcessAlive(state.pid)) return null;
    if (state.status !== 'ready') {
      // Starting or stopping: let pg_ctl tell us the truth.
      try {
        await this.#pgCtl(['status', '-D', this.#layout.pgdata]);
      } catch {
        return null;
      }
      const again = await readPostmasterState(this.#layout.pgdata);
      return again && again.status === 'ready' ? again : null;
    }
    return state;
  }

  async #initialise(): Promise<void> {
    const password = randomBytes(24).toString('base64url');
    await this.#options.secretStore.set(EMBEDDED_PASSWORD_SECRET, password);
    // The password file lives inside the 0700 cluster folder, 0600, and only for initdb's run.
    const pwfile = join(this.#layout.root, `.pwfile-${randomBytes(6).toString('hex')}`);
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (this.#runAs) await chown(pwfile, this.#runAs.uid, this.#runAs.gid);
    try {
      await rm(this.#layout.pgdata, { recursive: true, force: true });
      await this.#exec(this.#binaries!.initdb, [
        '-D', this.#layout.pgdata, '-U', EMBEDDED_SUPERUSER, `--pwfile=${pwfile}`,
        '-E', 'UTF8', '--no-locale', '--auth-local=peer', '--auth-host=scram-sha-256',
        // A server that will run without fsync gains nothing from initdb's final sync.
        ...(this.#serverSettings.fsync === 'off' ? ['--no-sync'] : []),
      ]);
    } finally {
      await rm(pwfile, { force: true });
    }
    const osUser = await currentOsUserName();
    // The superuser only through the private socket, and only as the OS user running the
    // console (plus the server's own account). Every other role proves its password (SCRAM),
    // through TCP or the socket alike.
    await this.#writeOwned(join(this.#layout.pgdata, 'pg_ident.conf'), [
      '# Tenant Console: OS users allowed to act as the embedded superuser over the private socket',
      `console ${osUser} ${EMBEDDED_SUPERUSER}`,
      ...(this.#runAs && this.#runAs.name !== osUser ? [`console ${this.#runAs.name} ${EMBEDDED_SUPERUSER}`] : []),
      '',
    ].join('\n'));
    await this.#writeOwned(join(this.#layout.pgdata, 'pg_hba.conf'), [
      '# Tenant Console embedded server',
      `local all ${EMBEDDED_SUPERUSER} peer map=console`,
      'local all all scram-sha-256',
      'host all all 127.0.0.1/32 scram-sha-256',
      'host all all ::1/128 scram-sha-256',
      '',
    ].join('\n'));
    await this.#writeOwned(join(this.#layout.pgdata, 'conf.d-tenant-console.conf'), [
      "listen_addresses = '127.0.0.1'",
      // A stable port: tenants' applications keep their connection settings across restarts.
      `port = ${await freePort()}`,
      `unix_socket_directories = '${this.#layout.socketDir.replaceAll("'", "''")}'`,
      'unix_socket_permissions = 0700',
      `max_connections = ${EMBEDDED_MAX_CONNECTIONS}`,
      `superuser_reserved_connections = ${CONSOLE_RESERVED_CONNECTIONS}`,
      "password_encryption = 'scram-sha-256'",
      '',
    ].join('\n'));
    const conf = join(this.#layout.pgdata, 'postgresql.conf');
    await writeFile(conf, `${await readFile(conf, 'utf8')}\ninclude 'conf.d-tenant-console.conf'\n`);
  }

  async #start(): Promise<void> {
    await mkdir(this.#layout.socketDir, { recursive: true, mode: 0o700 });
    if (this.#runAs) await chown(this.#layout.socketDir, this.#runAs.uid, this.#runAs.gid);
    await this.#ensureConfiguredPortFree();
    await this.#ensureConsoleReserve();
    const settings = Object.entries(this.#serverSettings).map(([name, value]) => `-c ${name}=${value}`);
    await this.#pgCtl(['start', '-D', this.#layout.pgdata, '-l', this.#layout.serverLog, '-w', '-t', '120', ...(settings.length > 0 ? ['-o', settings.join(' ')] : [])]);
  }

  /** Keeps the configured port unless another program took it meanwhile; then moves, and says so. */
  async #ensureConfiguredPortFree(): Promise<void> {
    const conf = join(this.#layout.pgdata, 'conf.d-tenant-console.conf');
    const text = await readFile(conf, 'utf8');
    const configured = Number(/^port = (\d+)$/m.exec(text)?.[1]);
    if (Number.isInteger(configured) && (await isPortFree(configured))) return;
    const port = await freePort();
    this.#options.logger.warn({ configured, port }, 'embedded postgres port taken; moving');
    await this.#writeOwned(conf, /^port = \d+$/m.test(text) ? text.replace(/^port = \d+$/m, `port = ${port}`) : `${text}port = ${port}\n`);
  }

  /** A cluster made by an older console has no reserve for the console: add it (read at this start). */
  async #ensureConsoleReserve(): Promise<void> {
    const conf = join(this.#layout.pgdata, 'conf.d-tenant-console.conf');
    const text = await readFile(conf, 'utf8');
    if (/^superuser_reserved_connections\s*=/m.test(text)) return;
    await this.#writeOwned(conf, `${text.endsWith('\n') ? text : `${text}\n`}superuser_reserved_connections = ${CONSOLE_RESERVED_CONNECTIONS}\n`);
  }

  async #endpointFor(state: PostmasterState): Promise<ServerEndpoint> {
    const password = await this.#options.secretStore.get(EMBEDDED_PASSWORD_SECRET);
    const useSocket = process.platform !== 'win32';
    return {
      kind: 'embedded',
      name: 'embedded',
      publicHost: '127.0.0.1',
      port: state.port,
      adminUser: EMBEDDED_SUPERUSER,
      maintenanceDatabase: 'postgres',
      connection: useSocket
        ? { host: state.socketDir || this.#layout.socketDir, port: state.port, user: EMBEDDED_SUPERUSER }
        : { host: '127.0.0.1', port: state.port, user: EMBEDDED_SUPERUSER, password: password ?? undefined },
    };
  }

  async #takeLease(): Promise<void> {
    const file = join(this.#layout.leases, `${process.pid}-${randomBytes(4).toString('hex')}.lease`);
    await writeFile(file, String(process.pid), { mode: 0o600 });
    this.#leaseFile = file;
  }

  /** Leases of processes still alive; leases of dead processes (a SIGKILLed CLI) are swept. */
  async #liveLeases(): Promise<string[]> {
    const live: string[] = [];
    for (const name of await readdir(this.#layout.leases)) {
      const pid = Number(name.split('-')[0]);
      const file = join(this.#layout.leases, name);
      if (Number.isInteger(pid) && isProcessAlive(pid)) live.push(file);
      else await rm(file, { force: true });
    }
    return live;
  }

  async #pgCtl(args: string[]): Promise<void> {
    await this.#exec(this.#binaries!.pg_ctl, args);
  }

  async #exec(binary: string, args: string[]): Promise<void> {
    await access(binary, constants.X_OK).catch(() => chmod(binary, 0o755));
    try {
      await run(binary, args, {
        ...(this.#runAs ? { uid: this.#runAs.uid, gid: this.#runAs.gid } : {}),
        env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
        cwd: this.#layout.root,
        timeout: 180_000,
      });
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      throw new Error(`${binary.split(/[\\/]/).pop()} ${args[0]} failed: ${(stderr || stdout || (error as Error).message).trim()}`);
    }
  }

  async #writeOwned(path: string, text: string): Promise<void> {
    await writeFile(path, text, { mode: 0o600 });
    if (this.#runAs) await chown(path, this.#runAs.uid, this.#runAs.gid);
  }
}
