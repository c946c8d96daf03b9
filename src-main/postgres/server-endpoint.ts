import type { ClientConfig } from 'pg';

/**
 * How the console reaches one PostgreSQL server as its administrator, and how tenants'
 * applications reach it (publicHost:port, TCP).
 */
export interface ServerEndpoint {
  readonly kind: 'embedded' | 'external';
  readonly name: string;
  readonly publicHost: string;
  readonly port: number;
  readonly adminUser: string;
  readonly maintenanceDatabase: string;
  /** Connection settings without the database: add `database` per use. */
  readonly connection: Readonly<Pick<ClientConfig, 'host' | 'port' | 'user' | 'password' | 'ssl'>>;
}

export function clientConfig(endpoint: ServerEndpoint, database: string, applicationName = 'tenant-console'): ClientConfig {
  return {
    ...endpoint.connection,
    database,
    application_name: applicationName,
    connectionTimeoutMillis: 10_000,
  };
}

/** An external server from its admin URL (postgres://user:pass@host:port/maintenance_db). */
export function endpointFromUrl(url: string): ServerEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('TENANT_CONSOLE_DATABASE_URL is not a valid URL (postgres://user:password@host:port/database).');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error('TENANT_CONSOLE_DATABASE_URL must start with postgres:// or postgresql://.');
  }
  // libpq style: ?host=/path/to/socket/dir connects through a Unix socket.
  const socketDir = parsed.searchParams.get('host');
  const host = socketDir ?? (decodeURIComponent(parsed.hostname) || '127.0.0.1');
  const port = parsed.port ? Number(parsed.port) : 5432;
  const user = decodeURIComponent(parsed.username) || 'postgres';
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  const maintenanceDatabase = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres';
  const sslmode = parsed.searchParams.get('sslmode');
  const ssl = sslmode === 'require' || sslmode === 'verify-full' ? { rejectUnauthorized: sslmode === 'verify-full' } : undefined;
  return {
    kind: 'external',
    name: `${socketDir ? decodeURIComponent(parsed.hostname) || "127.0.0.1" : host}:${port}`,
    publicHost: socketDir ? decodeURIComponent(parsed.hostname) || '127.0.0.1' : host,
    port,
    adminUser: user,
    maintenanceDatabase,
    connection: { host, port, user, password, ...(ssl ? { ssl } : {}) },
  };
}
