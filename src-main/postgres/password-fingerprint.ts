import { createHash } from 'node:crypto';

/**
 * A role's password as the server stores it (pg_authid.rolpassword: the SCRAM verifier
 * the console hands to CREATE ROLE … PASSWORD, kept as given), reduced to sha256 hex.
 * Comparing it later tells whether the role changed its own password, without keeping
 * the verifier itself anywhere else. PASSWORD_FINGERPRINT_SQL is the same on the server.
 */
export function passwordFingerprint(storedPassword: string): string {
  return createHash('sha256').update(storedPassword, 'utf8').digest('hex');
}

/** The fingerprint of pg_authid.rolpassword computed by the server (alias `a`), so the verifier never leaves it. */
export const PASSWORD_FINGERPRINT_SQL = `encode(sha256(convert_to(a.rolpassword, 'UTF8')), 'hex')`;
