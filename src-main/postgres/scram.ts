import { createHash, createHmac, pbkdf2, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

const ITERATIONS = 4096;

/**
 * A SCRAM-SHA-256 verifier (RFC 5802 / 7677, PostgreSQL's stored format). The console sends
 * the verifier, never the plain password, so the password cannot leak through the server's
 * statement log or pg_stat_activity.
 */
export function scramSha256Verifier(password: string, salt: Buffer = randomBytes(16)): string {
  return verifierFromSaltedPassword(pbkdf2Sync(password.normalize('NFKC'), salt, ITERATIONS, 32, 'sha256'), salt);
}

/** The same, with the key derivation on libuv's thread pool: it overlaps other work. */
export async function scramSha256VerifierAsync(password: string, salt: Buffer = randomBytes(16)): Promise<string> {
  return verifierFromSaltedPassword(await pbkdf2Async(password.normalize('NFKC'), salt, ITERATIONS, 32, 'sha256'), salt);
}

function verifierFromSaltedPassword(salted: Buffer, salt: Buffer): string {
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

const VERIFIER = /^SCRAM-SHA-256\$(\d{1,7}):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/;

/**
 * Whether a password matches a stored SCRAM-SHA-256 verifier (pg_authid.rolpassword). The
 * console asks this as well as PostgreSQL when it can read pg_authid: a `trust` line in
 * pg_hba.conf would let any password in, and an operator's sign-in must not depend on it.
 * Anything that is not a SCRAM verifier (md5, no password) does not match.
 */
export async function scramPasswordMatches(password: string, verifier: string | null): Promise<boolean> {
  const parts = verifier ? VERIFIER.exec(verifier) : null;
  if (!parts) return false;
  const iterations = Number(parts[1]);
  if (iterations < 1 || iterations > 10_000_000) return false;
  const salt = Buffer.from(parts[2]!, 'base64');
  const storedKey = Buffer.from(parts[3]!, 'base64');
  const salted = await pbkdf2Async(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const candidate = createHash('sha256').update(createHmac('sha256', salted).update('Client Key').digest()).digest();
  return candidate.length === storedKey.length && timingSafeEqual(candidate, storedKey);
}

/** Letters and digits only: safe in connection strings, .pgpass files and shells. */
export function generateTenantPassword(length = 32): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = randomBytes(length * 2);
  let password = '';
  for (const byte of bytes) {
    // Rejection sampling keeps every character equally likely.
    if (byte < 256 - (256 % alphabet.length)) password += alphabet[byte % alphabet.length];
    if (password.length === length) break;
  }
  return password;
}
