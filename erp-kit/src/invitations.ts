/**
 * The invited account administrator chooses a password: the ERP hashes it (argon2id, bcrypt:
 * the console never sees it) and calls `platform.accept_invitation(token, password_hash)` in
 * the tenant database as the tenant's role. A token works once.
 *
 * The SQLSTATEs mirror Tenant Console's src-main/tenant-schema/migrations/007-invitations.ts
 * (the kit is installed apart from the console, so it keeps its own copies): TC002 for an
 * unknown, used, replaced or expired invitation; TC003 when a tenant would hold more
 * account administrators (users without a company) than it may.
 */
import { TenantKitError } from './answers.js';
import type { Queryable } from './check-limit.js';

export const INVITATION_SQLSTATE = 'TC002';
export const ACCOUNT_ADMINS_SQLSTATE = 'TC003';

/** 400 with the database's sentence ("This invitation is not valid: it was already used, …"). */
export function invitationInvalid(message: string, cause?: unknown): TenantKitError {
  return new TenantKitError(400, { error: message, code: 'invitation_invalid' }, { cause });
}

/** Accepts the invitation `token` with the password hash the ERP computed; returns the user's id. */
export async function acceptInvitation(client: Queryable, token: string, passwordHash: string): Promise<number> {
  if (typeof token !== 'string' || typeof passwordHash !== 'string') throw new TypeError('acceptInvitation(client, token, passwordHash): strings.');
  try {
    const { rows } = await client.query('SELECT platform.accept_invitation($1, $2)::text AS user_id', [token, passwordHash]);
    return Number((rows[0] as { user_id: string }).user_id);
  } catch (error) {
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    if (code === INVITATION_SQLSTATE) throw invitationInvalid(typeof message === 'string' ? message : 'This invitation is not valid.', error);
    throw error;
  }
}
