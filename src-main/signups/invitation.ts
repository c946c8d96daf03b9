import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { withClient } from '../postgres/pools';
import type { PlatformContext } from '../platform/platform-context';

/**
 * The invitation of a tenant's first administrator. The token is 256 random bits,
 * base64url (43 characters), shown only in the welcome e-mail; the tenant database keeps its
 * SHA-256 (a token that long needs no slow hash) and an expiry. The ERP redeems it with
 * `SELECT platform.accept_invitation(token, password_hash)` (tenant migration 007): once.
 */
export interface Invitation {
  readonly token: string;
  readonly expiresAt: Date;
}

export function newInvitation(now: Date, days: number): Invitation {
  return { token: randomBytes(32).toString('base64url'), expiresAt: new Date(now.getTime() + days * 86_400_000) };
}

/** The stored form: SHA-256 of the token's UTF-8 bytes (what accept_invitation compares). */
export function invitationTokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export interface TenantDatabase {
  readonly serverId: string;
  readonly databaseName: string;
}

/**
 * The account administrator (no company yet: that is the tenant's first onboarding step)
 * with a fresh invitation. A second call for the same e-mail — a retried welcome — replaces
 * the token of an invitation not yet accepted (the old link stops working); an accepted one
 * is left alone and false is returned.
 */
export async function inviteAccountAdmin(ctx: PlatformContext, tenant: TenantDatabase, email: string, invitation: Invitation): Promise<boolean> {
  const server = ctx.serverById(tenant.serverId);
  return withClient(server.endpoint, tenant.databaseName, async (client: pg.Client) => {
    const hash = invitationTokenHash(invitation.token);
    const { rows } = await client.query<{ id: string }>(
      `WITH renewed AS (
         UPDATE erp.users SET invitation_token_hash = $2, invitation_expires_at = $3
          WHERE company_id IS NULL AND is_account_admin AND lower(email) = lower($1) AND invitation_accepted_at IS NULL
         RETURNING id
       ), added AS (
         INSERT INTO erp.users (company_id, email, is_account_admin, invitation_token_hash, invitation_expires_at)
         SELECT NULL, $1, true, $2, $3
          WHERE NOT EXISTS (SELECT 1 FROM erp.users WHERE company_id IS NULL AND lower(email) = lower($1))
         RETURNING id
       )
       SELECT id FROM renewed UNION ALL SELECT id FROM added`,
      [email, hash, invitation.expiresAt],
    );
    return rows.length > 0;
  });
}

/** The link in the welcome e-mail: the tenant's own address, where the ERP takes the token. */
export function invitationUrl(signInUrl: string, token: string): string {
  return `${signInUrl}/accept-invitation?token=${encodeURIComponent(token)}`;
}
