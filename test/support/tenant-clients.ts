import pg from 'pg';
import type { TenantCredentials } from '../../src-shared/contract/models';

/** Connects the way a tenant's ERP server would: TCP, its own role and password. */
export async function connectAsTenant(credentials: TenantCredentials, database = credentials.database): Promise<pg.Client> {
  const client = new pg.Client({
    host: credentials.host,
    port: credentials.port,
    user: credentials.user,
    password: credentials.password,
    database,
    connectionTimeoutMillis: 5000,
  });
  client.on('error', () => undefined); // a terminated session must not crash the test process
  await client.connect();
  return client;
}

/** The error (SQLSTATE + message) a tenant gets connecting to `database`, or null if it got in. */
export async function tenantConnectError(credentials: TenantCredentials, database: string): Promise<{ code?: string; message: string } | null> {
  try {
    const client = await connectAsTenant(credentials, database);
    await client.end();
    return null;
  } catch (error) {
    return { code: (error as { code?: string }).code, message: (error as Error).message };
  }
}
