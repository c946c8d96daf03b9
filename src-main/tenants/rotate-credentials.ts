import type { TenantCredentials } from '../../src-shared/contract/models';
import { AppError } from '../base/app-error';
import type { PlatformContext } from '../platform/platform-context';
import { quoteIdent, quoteLiteral } from '../postgres/identifiers';
import { passwordFingerprint } from '../postgres/password-fingerprint';
import { generateTenantPassword, scramSha256VerifierAsync } from '../postgres/scram';
import { terminateSessions } from './enforce-status';
import { getTenantRow } from './tenant-queries';

/**
 * A new password for a tenant's role, shown once (PostgreSQL gets its SCRAM verifier, the
 * console keeps only the verifier's fingerprint for the server check), then every open
 * session of the role is ended: whoever held the old password is out. A privileged channel
 * (ALTER ROLE … PASSWORD): it runs on the console's own connections after PostgreSQL
 * confirmed the caller is an admin. The role's LOGIN state is untouched: a suspended tenant
 * stays suspended with its new password.
 *
 * On the platform's own server the password and its fingerprint commit in one transaction
 * (ALTER ROLE is transactional); elsewhere the fingerprint follows the password, and a crash
 * in between shows as a changed password in the server check — rotate again.
 */
export async function rotateTenantCredentials(ctx: PlatformContext, ref: string): Promise<{ tenantCode: string; credentials: TenantCredentials; sessionsEnded: number }> {
  const row = await getTenantRow(ctx.pool, ref);
  if (row.status === 'provisioning') throw new AppError('INVALID_STATE', `${row.tenant_code} is still being provisioned: its credentials cannot be rotated yet.`);
  const server = ctx.serverById(row.server_id);
  const password = generateTenantPassword();
  const verifier = await scramSha256VerifierAsync(password);
  const alter = `ALTER ROLE ${quoteIdent(row.db_role, 'tenant role')} PASSWORD ${quoteLiteral(verifier)}`;
  const fingerprint = 'INSERT INTO tenant_role_fingerprints (tenant_id, db_role, password_sha256) VALUES ($1, $2, $3) ON CONFLICT (tenant_id) DO UPDATE SET db_role = EXCLUDED.db_role, password_sha256 = EXCLUDED.password_sha256, recorded_at = now()';
  const fingerprintArgs = [row.id, row.db_role, passwordFingerprint(verifier)];
  if (server.id === ctx.primary.id) {
    const client = await ctx.ownerPool.connect();
    try {
      await client.query('BEGIN');
      await client.query(alter);
      await client.query(fingerprint, fingerprintArgs);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  } else {
    await server.adminPool.query(alter);
    await ctx.ownerPool.query(fingerprint, fingerprintArgs);
  }
  const sessionsEnded = await terminateSessions(server, row.db_role);
  ctx.logger.info({ tenant: row.tenant_code, sessionsEnded }, 'tenant credentials rotated');
  return {
    tenantCode: row.tenant_code,
    credentials: { host: server.endpoint.publicHost, port: server.endpoint.port, database: row.database_name, user: row.db_role, password },
    sessionsEnded,
  };
}
